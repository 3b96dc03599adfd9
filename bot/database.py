"""The SQLite database behind Caseloop's own tables: one connection, serialized access."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.schema import MIGRATIONS

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """The ISO-8601 text Caseloop stores for a moment."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    """One aiosqlite connection shared by every store, with one writer at a time.

    WAL mode with `synchronous=NORMAL` keeps a commit cheap while a crash can lose at most the
    last transactions not yet checkpointed by the OS, never corrupt the file.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await connection.execute(pragma)
        database = cls(connection)
        await database._migrate()
        return database

    async def close(self) -> None:
        """Close the connection; pending work must have finished."""
        async with self._lock:
            await self._connection.close()

    async def _migrate(self) -> None:
        async with self._lock:
            cursor = await self._connection.execute("PRAGMA user_version")
            (version,) = await cursor.fetchone()  # type: ignore[misc]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                await self._connection.executescript(
                    f"BEGIN IMMEDIATE; {script}; PRAGMA user_version={number}; COMMIT;"
                )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run several statements atomically; nothing else touches the database meanwhile."""
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """Run one statement on its own; returns the id of the row it inserted (if any)."""
        async with self._lock:
            cursor = await self._connection.execute(sql, tuple(parameters))
            return cursor.lastrowid or 0

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """The first row a query returns, or None."""
        async with self._lock:
            cursor = await self._connection.execute(sql, tuple(parameters))
            return await cursor.fetchone()

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Every row a query returns."""
        async with self._lock:
            cursor = await self._connection.execute(sql, tuple(parameters))
            return list(await cursor.fetchall())

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        row = await self.fetchone("SELECT 1")
        return row is not None
