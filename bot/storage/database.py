"""Caseloop's own tables, on SQLite (one file, the default) or PostgreSQL (to scale out).

Stores talk to a `Database` and never to a driver: `execute`, `fetchone`, `fetchall`, and
`transaction()` for several statements at once. Their SQL is written in SQLite's dialect with `?`
placeholders; on PostgreSQL it is translated in one place (`bot/storage/sql_dialect.py`). Rows
read by name and by index on both engines.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.storage.database_url import is_postgres_url
from bot.storage.schema import MIGRATIONS

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


class Row(Protocol):
    """A result row: `row["name"]`, `row[0]`, `row.keys()`, `dict(row)`, unpacking."""

    def __getitem__(self, key: Any) -> Any: ...

    def keys(self) -> list[str]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Connection(Protocol):
    """The connection `Database.transaction()` yields to the statements it groups."""

    async def execute(self, sql: str, parameters: Iterable[Any] = ...) -> Any: ...

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> Any: ...

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ...) -> Any: ...


class Database:
    """What every store uses; `Database.open` picks the engine from the URL."""

    engine: str
    """`sqlite` or `postgresql`."""

    @staticmethod
    async def open(target: Path | str) -> Database:
        """Open (creating if needed) and migrate the database.

        Args:
            target: `postgresql://user:password@host/name` (or `postgres://...`),
                `sqlite:///path/to/file.db`, or a plain path to an SQLite file.
        """
        if isinstance(target, str) and is_postgres_url(target):
            from bot.storage.postgres import PostgresDatabase

            return await PostgresDatabase.open_url(target)
        path = target.removeprefix("sqlite:///") if isinstance(target, str) else target
        return await SqliteDatabase.open_path(path)

    async def close(self) -> None:
        """Close the connections; pending work must have finished."""
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """Run several statements atomically.

        Transactions are serialized, on PostgreSQL across every process sharing the database,
        as SQLite's `BEGIN IMMEDIATE` does: what a transaction reads stays true until it commits.
        """
        raise NotImplementedError

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        """Run one statement on its own; returns the id of the row it inserted (if any)."""
        raise NotImplementedError

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> Row | None:
        """The first row a query returns, or None."""
        raise NotImplementedError

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        """Every row a query returns."""
        raise NotImplementedError

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        row = await self.fetchone("SELECT 1")
        return row is not None


class SqliteDatabase(Database):
    """One aiosqlite connection shared by every store, with one writer at a time.

    WAL mode with `synchronous=NORMAL` keeps a commit cheap while a crash can lose at most the
    last transactions not yet checkpointed by the OS, never corrupt the file.
    """

    engine = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open_path(cls, path: Path | str) -> SqliteDatabase:
        """Open (creating if needed) and migrate the SQLite file at `path`."""
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
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        async with self._lock:
            cursor = await self._connection.execute(sql, tuple(parameters))
            return cursor.lastrowid or 0

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> Row | None:
        async with self._lock:
            cursor = await self._connection.execute(sql, tuple(parameters))
            return await cursor.fetchone()

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        async with self._lock:
            cursor = await self._connection.execute(sql, tuple(parameters))
            return list(await cursor.fetchall())
