"""Each test's own database: an SQLite file in its folder, or a fresh PostgreSQL database.

Set `CASELOOP_TEST_DATABASE=postgresql://user@host:port/postgres` (a server and a database to
connect to for creating others) to run the suite on PostgreSQL: every test then gets a database
of its own, dropped when the test ends.
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


def drop_databases() -> None:
    """Drop the PostgreSQL databases made since the last call (at the end of each test)."""
    if not _created:
        return
    with _admin() as admin:
        for url in _created.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')
    _created.clear()


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

    from bot.sql_dialect import PostgresDialect

    statement = PostgresDialect().translate(sql, want_id=False)
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement.sql, parameters)  # type: ignore[arg-type]
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def _admin() -> Any:
    import psycopg

    return psycopg.connect(TEST_SERVER, autocommit=True)
