"""Each test's own database: an SQLite file in its folder, or a fresh PostgreSQL database.

Set `CASELOOP_TEST_DATABASE=postgresql://user@host:port/postgres` (a server and a database to
connect to for creating others) to run the suite on PostgreSQL: every test (or module-scoped
server) then gets a database of its own, dropped once nothing is connected to it any more.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TEST_SERVER = os.environ.get("CASELOOP_TEST_DATABASE", "")
"""The PostgreSQL server the suite runs on, or empty for SQLite."""
ON_POSTGRES = bool(TEST_SERVER)

_created: dict[Path, str] = {}


def database_url(folder: Path) -> str:
    """The `DATABASE_URL` of the test using `folder`: the same URL each time it is asked."""
    if not ON_POSTGRES:
        return f"sqlite:///{folder / 'caseloop.db'}"
    if folder not in _created:
        name = "caseloop_test_" + hashlib.sha1(str(folder).encode()).hexdigest()[:16]
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        _created[folder] = urlunsplit(urlsplit(TEST_SERVER)._replace(path=f"/{name}"))
    return _created[folder]


def drop_databases(*, even_in_use: bool = False) -> None:
    """Drop the PostgreSQL databases made so far that nothing is connected to any more.

    Args:
        even_in_use: Drop them all, closing what is still connected (at the end of the run).
    """
    if not _created:
        return
    with _admin() as admin:
        for folder, url in list(_created.items()):
            name = urlsplit(url).path[1:]
            in_use = admin.execute("SELECT 1 FROM pg_stat_activity WHERE datname = %s LIMIT 1",
                                   (name,)).fetchone()
            if in_use and not even_in_use:
                continue  # a server shared by a module's tests, still running
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            del _created[folder]


def query(database: str | Path, sql: str, *parameters: Any) -> list[tuple]:
    """Run one statement (SQLite's dialect, `?` placeholders) on a test's database, committed,
    as an operator would from outside; returns the rows it produced.

    Args:
        database: A `DATABASE_URL`, or the path of an SQLite file.
    """
    url = str(database)
    if not url.startswith(("postgresql://", "postgres://")):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return list(connection.execute(sql, parameters))
    import psycopg

    from bot.storage.sql_dialect import PostgresDialect

    statement = PostgresDialect().translate(sql, want_id=False)
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement.sql, parameters)  # type: ignore[arg-type]
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def _admin() -> Any:
    import psycopg

    return psycopg.connect(TEST_SERVER, autocommit=True)
