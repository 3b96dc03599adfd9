"""LangGraph checkpoints in PostgreSQL, beside Caseloop's own tables, for several processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import psycopg
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bot.storage.postgres import postgres_url

log = logging.getLogger("caseloop.checkpoints")

POOL_SIZE = 10
"""Connections each process keeps at most for checkpoints."""
SETUP_LOCK = 0x43534C32
"""Held while creating or migrating the checkpoint tables, so processes do it once."""
SETUP_POLL = 0.05


class PostgresCheckpointer(AsyncPostgresSaver):
    """`AsyncPostgresSaver` on a connection pool of its own (`conn`; closing it closes the saver).

    Unlike the SQLite checkpointer it keeps no latest-checkpoint cache: another process may
    have written a thread's newest checkpoint. Pruning is best effort: a prune that meets a
    concurrent write to the same thread gives way, and the next one catches up.
    """

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        try:
            await super().aprune(thread_ids, strategy=strategy)
        except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected) as clash:
            log.info("Checkpoint pruning of %s put off: %s", list(thread_ids), clash)


async def open_postgres_checkpointer(url: str,
                                     pool_size: int = POOL_SIZE) -> PostgresCheckpointer:
    """Open the checkpointer and create or migrate its tables (`setup()`), once across processes."""
    url = postgres_url(url)
    pool: AsyncConnectionPool = AsyncConnectionPool(
        url, min_size=1, max_size=pool_size, open=False,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row})
    await pool.open(wait=True, timeout=30)
    saver = PostgresCheckpointer(pool)  # type: ignore[arg-type]
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
        # Waiting by polling, not in a statement: setup() creates indexes CONCURRENTLY, which
        # waits for every open transaction to end, a waiting `pg_advisory_lock` included.
        while not await _try_lock(connection, SETUP_LOCK):
            await asyncio.sleep(SETUP_POLL)
        try:
            await saver.setup()
        finally:
            await connection.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))
    return saver


async def _try_lock(connection: psycopg.AsyncConnection, key: int) -> bool:
    cursor = await connection.execute("SELECT pg_try_advisory_lock(%s)", (key,))
    row = await cursor.fetchone()
    return bool(row and row[0])
