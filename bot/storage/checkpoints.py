"""LangGraph checkpoints in SQLite, beside Caseloop's own database: cached, and pruned."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

CACHED_THREADS = 2_000
_INSERT_CHECKPOINT = (
    "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, "
    "parent_checkpoint_id, type, checkpoint, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class CachingSqliteSaver(AsyncSqliteSaver):
    """`AsyncSqliteSaver` tuned for many short turns: group commit, a read cache, pruning.

    - Checkpoints saved while a batch is being written are committed together in the next one
      (`aput` still returns only once its checkpoint is committed).
    - Caseloop is the only writer of its checkpoint file, so the latest checkpoint it wrote for a
      thread is the one a new turn reads: its serialized form is kept in memory, saving two
      queries per turn. Threads with pending writes are read from the database.
    - `aprune` keeps storage proportional to the number of threads, not of turns.
    """

    def __init__(self, conn: aiosqlite.Connection, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self._latest: OrderedDict[tuple[str, str], tuple[RunnableConfig, Any, dict, str | None]]
        self._latest = OrderedDict()
        self._queued: list[tuple[tuple[Any, ...], asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        key = (str(config["configurable"]["thread_id"]),
               config["configurable"].get("checkpoint_ns", ""))
        cached = None if get_checkpoint_id(config) else self._latest.get(key)
        if cached is None:
            return await super().aget_tuple(config)
        saved_config, typed, metadata, parent_id = cached
        parent = None
        if parent_id:
            parent = {"configurable": {"thread_id": key[0], "checkpoint_ns": key[1],
                                       "checkpoint_id": parent_id}}
        return CheckpointTuple(saved_config, self.serde.loads_typed(typed), metadata, parent, [])

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint,
                   metadata: CheckpointMetadata, new_versions: ChannelVersions) -> RunnableConfig:
        """Save a checkpoint; returns once it is committed (together with any saved meanwhile)."""
        await self.setup()
        thread_id = str(config["configurable"]["thread_id"])
        namespace = config["configurable"]["checkpoint_ns"]
        parent_id = config["configurable"].get("checkpoint_id")
        typed = self.serde.dumps_typed(checkpoint)
        stored_metadata = get_checkpoint_metadata(config, metadata)
        row = (thread_id, namespace, checkpoint["id"], parent_id, typed[0], typed[1],
               json.dumps(stored_metadata, ensure_ascii=False).encode("utf-8", "ignore"))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((row, done))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_queued())
        await done
        saved: RunnableConfig = {"configurable": {
            "thread_id": thread_id, "checkpoint_ns": namespace, "checkpoint_id": checkpoint["id"]}}
        key = (thread_id, namespace)
        self._latest[key] = (saved, typed, json.loads(row[6]), parent_id)
        self._latest.move_to_end(key)
        if len(self._latest) > CACHED_THREADS:
            self._latest.popitem(last=False)
        return saved

    async def _commit_queued(self) -> None:
        """Group commit: every checkpoint queued while the last batch was written goes in one."""
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                async with self.lock:
                    await self.conn.executemany(_INSERT_CHECKPOINT, [row for row, _ in batch])
                    await self.conn.commit()
            except BaseException as problem:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(problem)
                if not isinstance(problem, Exception):
                    raise
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]],
                          task_id: str, task_path: str = "") -> None:
        self._forget(config)
        await super().aput_writes(config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        for key in [k for k in self._latest if k[0] == str(thread_id)]:
            del self._latest[key]
        await super().adelete_thread(thread_id)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """Keep only each thread's latest checkpoint (or, with `delete`, none)."""
        if strategy == "delete":
            for thread_id in thread_ids:
                await self.adelete_thread(thread_id)
            return
        async with self.lock, self.conn.cursor() as cursor:
            for thread_id in thread_ids:
                await cursor.execute(
                    "SELECT checkpoint_ns, MAX(checkpoint_id) FROM checkpoints "
                    "WHERE thread_id = ? GROUP BY checkpoint_ns",
                    (thread_id,),
                )
                for namespace, latest in await cursor.fetchall():
                    for table in ("checkpoints", "writes"):
                        await cursor.execute(
                            f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_ns = ? "
                            "AND checkpoint_id < ?",
                            (thread_id, namespace, latest),
                        )
            await self.conn.commit()

    def _forget(self, config: RunnableConfig) -> None:
        key = (str(config["configurable"]["thread_id"]),
               config["configurable"].get("checkpoint_ns", ""))
        self._latest.pop(key, None)


async def open_checkpointer(path: Path | str) -> CachingSqliteSaver:
    """Open the checkpoint database with the same durability trade-off as Caseloop's own."""
    connection = await aiosqlite.connect(str(path))
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA synchronous=NORMAL")
    saver = CachingSqliteSaver(connection)
    await saver.setup()
    return saver
