"""Caseloop's own tables on PostgreSQL: a psycopg 3 connection pool behind the `Database` API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.storage.database import Connection, Database
from bot.storage.schema_postgres import MIGRATIONS, VERSION_TABLE
from bot.storage.sql_dialect import PostgresDialect, Statement

POOL_SIZE = 10
"""Connections each process keeps at most for Caseloop's own tables."""
TRANSACTION_LOCK = 0x43534C31
"""The advisory lock every `transaction()` holds: one writer at a time, as on SQLite."""
MIGRATION_LOCK = 0x43534C30
"""Held while migrating, so processes starting together migrate once."""
PRESENCE_LOCKS = 0x43534C
"""The class of the advisory locks saying a process is alive (see `PostgresDatabase.announce`)."""
PING_TIMEOUT = 3.0
"""Seconds a health check waits for the database before calling it unreachable."""


def postgres_url(url: str) -> str:
    """The URL as libpq spells it (`postgres://` becomes `postgresql://`)."""
    return "postgresql://" + url.removeprefix("postgresql://").removeprefix("postgres://")


class Row:
    """A result row readable by column name and by index, like `sqlite3.Row`."""

    __slots__ = ("_columns", "_values")

    def __init__(self, columns: dict[str, int], values: Sequence[Any]) -> None:
        self._columns = columns
        self._values = values

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            index = self._columns.get(key)
            return self._values[self._columns[key.lower()] if index is None else index]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._columns)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return tuple(self._values) == tuple(other._values)
        return tuple(self._values) == other

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"Row({ {name: self._values[n] for name, n in self._columns.items()}!r})"


def row_factory(cursor: Any) -> RowMaker[Row]:
    """psycopg row factory making `Row`s."""
    columns: dict[str, int] = {}
    for n, column in enumerate(cursor.description or ()):
        columns.setdefault(column.name, n)  # the first of two same-named columns, as SQLite
    return lambda values: Row(columns, values)


class PostgresCursor:
    """The result of one statement, read the way an aiosqlite cursor is read."""

    def __init__(self, cursor: psycopg.AsyncCursor[Row], lastrowid: int | None,
                 consumed: bool) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid
        self._consumed = consumed

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def fetchone(self) -> Row | None:
        if self._consumed or self._cursor.description is None:
            return None
        return await self._cursor.fetchone()

    async def fetchall(self) -> list[Row]:
        if self._consumed or self._cursor.description is None:
            return []
        return await self._cursor.fetchall()


class PostgresConnection:
    """The connection a transaction's statements run on, translated from SQLite's dialect."""

    def __init__(self, connection: psycopg.AsyncConnection[Row], dialect: PostgresDialect) -> None:
        self._connection = connection
        self._dialect = dialect

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> PostgresCursor:
        return await _run(self._connection, self._dialect.translate(sql), parameters)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> PostgresCursor:
        statement = self._dialect.translate(sql, want_id=False)
        cursor = self._connection.cursor()
        await cursor.executemany(statement.sql, [tuple(row) for row in parameters])
        return PostgresCursor(cursor, None, consumed=True)

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        cursor = await self.execute(sql, parameters)
        return await cursor.fetchall()


class PostgresDatabase(Database):
    """Every store's tables in one PostgreSQL database, shared by any number of processes.

    Statements on their own run in autocommit on pooled connections, concurrently.
    `transaction()` holds an advisory lock for its duration, so transactions are serialized
    across every process as SQLite serializes them: a store's read-then-write (the audit hash
    chain, an idempotency check) stays correct without each store knowing the engine.
    """

    engine = "postgresql"

    def __init__(self, pool: AsyncConnectionPool, dialect: PostgresDialect, url: str) -> None:
        self._pool = pool
        self._dialect = dialect
        self._url = url
        self._presence: psycopg.AsyncConnection[Any] | None = None

    @classmethod
    async def open_url(cls, url: str, pool_size: int = POOL_SIZE) -> PostgresDatabase:
        """Connect, migrate, and open a pool of at most `pool_size` connections."""
        url = postgres_url(url)
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as connection:
            await migrate(connection)
            cursor = await connection.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'id' "
                "AND is_identity = 'YES' AND table_schema = current_schema()")
            id_tables = [name for (name,) in await cursor.fetchall()]
        pool: AsyncConnectionPool = AsyncConnectionPool(
            url, min_size=1, max_size=pool_size, open=False,
            kwargs={"autocommit": True, "row_factory": row_factory})
        await pool.open(wait=True, timeout=30)
        return cls(pool, PostgresDialect(id_tables), url)

    @property
    def pool(self) -> AsyncConnectionPool:
        """The pool behind the stores (for what needs a connection of its own)."""
        return self._pool

    async def close(self) -> None:
        if self._presence is not None:
            await self._presence.close()
        await self._pool.close()

    async def announce(self, name: str) -> bool:
        """Say, for as long as this database stays open, that process `name` is alive.

        A session advisory lock on a connection of its own: PostgreSQL lets go of it when the
        process exits, however it exits, so others can tell a dead process from a busy one.

        Returns:
            False when the name is taken (its lock is held): pick another.
        """
        if self._presence is None:
            self._presence = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        cursor = await self._presence.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (PRESENCE_LOCKS, name))
        row = await cursor.fetchone()
        return bool(row and row[0])

    async def alive(self, names: Iterable[str]) -> set[str]:
        """Which of these processes still hold their `announce` lock."""
        living = set()
        async with self._pool.connection() as connection:
            for name in names:
                cursor = await connection.execute(
                    "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (PRESENCE_LOCKS, name))
                row = await cursor.fetchone()
                if row and row[0]:
                    await connection.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))",
                                             (PRESENCE_LOCKS, name))
                else:
                    living.add(name)
        return living

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(PING_TIMEOUT):
                return await super().ping()
        except (psycopg.Error, PoolTimeout, TimeoutError):
            return False

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._pool.connection() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock(%s)", (TRANSACTION_LOCK,))
            yield PostgresConnection(connection, self._dialect)

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> int:
        async with self._pool.connection() as connection:
            cursor = await _run(connection, self._dialect.translate(sql), parameters)
            return cursor.lastrowid or 0

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> Row | None:
        async with self._pool.connection() as connection:
            cursor = await _run(connection, self._dialect.translate(sql), parameters)
            return await cursor.fetchone()

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Row]:
        async with self._pool.connection() as connection:
            cursor = await _run(connection, self._dialect.translate(sql), parameters)
            return await cursor.fetchall()


async def migrate(connection: psycopg.AsyncConnection[Any]) -> int:
    """Bring the schema up to date, once even when several processes start together.

    Returns:
        The schema version now in place.
    """
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await connection.execute(VERSION_TABLE)
        cursor = await connection.execute(
            "SELECT COALESCE(MAX(version), 0) FROM caseloop_migrations")
        row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await connection.execute(script)  # type: ignore[arg-type]
            await connection.execute("INSERT INTO caseloop_migrations (version) VALUES (%s)",
                                     (number,))
    return len(MIGRATIONS)


async def _run(connection: psycopg.AsyncConnection[Row], statement: Statement,
               parameters: Iterable[Any]) -> PostgresCursor:
    cursor = connection.cursor()
    await cursor.execute(statement.sql, tuple(parameters))  # type: ignore[arg-type]
    if not statement.returns_id:
        return PostgresCursor(cursor, None, consumed=False)
    inserted = await cursor.fetchone()
    return PostgresCursor(cursor, int(inserted[0]) if inserted else None, consumed=True)
