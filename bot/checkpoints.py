"""LangGraph checkpoints in SQLite, beside Caseloop's own database, pruned to the latest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver


class PruningSqliteSaver(AsyncSqliteSaver):
    """`AsyncSqliteSaver` that can drop a thread's superseded checkpoints.

    Each turn's checkpoint holds the thread's whole (bounded) state, so older ones are only
    history; `aprune` keeps storage proportional to the number of threads, not of turns.
    """

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


async def open_checkpointer(path: Path | str) -> PruningSqliteSaver:
    """Open the checkpoint database with the same durability trade-off as Caseloop's own."""
    connection = await aiosqlite.connect(str(path))
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA synchronous=NORMAL")
    saver = PruningSqliteSaver(connection)
    await saver.setup()
    return saver
