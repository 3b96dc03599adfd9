"""The database layer: the same behaviour for every store on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import schema, schema_postgres
from bot.storage.database import Database
from tests.databases import ON_POSTGRES, database_url, query


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(database_url(tmp_path))
    yield opened
    await opened.close()


async def test_rows_read_by_name_by_index_and_as_a_mapping(database: Database) -> None:
    new_id = await database.execute(
        "INSERT INTO outbox (channel, recipient, message, created_at) VALUES (?, ?, ?, ?)",
        ("webchat", "ws_1", "{}", "2026-11-25T10:00:00.000Z"))
    row = await database.fetchone("SELECT id, channel, attempts FROM outbox WHERE id = ?",
                                  (new_id,))
    assert row is not None
    assert (row["id"], row[1], row["attempts"]) == (new_id, "webchat", 0)
    assert dict(row) == {"id": new_id, "channel": "webchat", "attempts": 0}
    identifier, channel, attempts = row
    assert (identifier, channel, attempts) == (new_id, "webchat", 0)
    assert await database.fetchone("SELECT id FROM outbox WHERE id = ?", (new_id + 1,)) is None


async def test_inserted_ids_count_up_and_changes_are_counted(database: Database) -> None:
    async with database.transaction() as connection:
        first = await connection.execute(
            "INSERT INTO outbox (channel, recipient, message, created_at) VALUES (?, ?, ?, ?)",
            ("webchat", "a", "{}", "t"))
        second = await connection.execute(
            "INSERT INTO outbox (channel, recipient, message, created_at) VALUES (?, ?, ?, ?)",
            ("webchat", "b", "{}", "t"))
        assert second.lastrowid == first.lastrowid + 1
        updated = await connection.execute("UPDATE outbox SET attempts = 1 WHERE channel = ?",
                                           ("webchat",))
        assert updated.rowcount == 2
        assert await updated.fetchone() is None


async def test_insert_or_ignore_reports_a_row_already_there(database: Database) -> None:
    for expected in (1, 0):
        async with database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO slack_events (event_id, at) VALUES (?, ?)", ("Ev1", "t"))
            assert cursor.rowcount == expected
    sql = ("INSERT OR IGNORE INTO inbox (channel, provider_id, sender, message, received_at) "
           "VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?) RETURNING id, provider_id")
    async with database.transaction() as connection:
        rows = await connection.execute_fetchall(
            sql, [value for key in ("p1", "p2", "p1") for value in ("t", key, "s", "{}", "t")])
    assert [row["provider_id"] for row in rows] == ["p1", "p2"]
    assert rows[0]["id"] < rows[1]["id"]


async def test_an_upsert_keeps_one_row_with_the_latest_values(database: Database) -> None:
    for channel in ("webchat", "whatsapp"):
        await database.execute(
            "INSERT INTO contacts (thread_id, channel, address, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (thread_id) DO UPDATE SET channel = excluded.channel", ("c:1", channel,
                                                                                 "x", "t"))
    rows = await database.fetchall("SELECT channel FROM contacts")
    assert [row["channel"] for row in rows] == ["whatsapp"]


async def test_a_failed_transaction_leaves_nothing_behind(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as connection:
            await connection.executemany(
                "INSERT INTO transcript (thread_id, role, channel, text, at) "
                "VALUES (?, ?, ?, ?, ?)",
                [("c:1", "bot", "webchat", f"line {n}", "t") for n in range(3)])
            raise RuntimeError("the turn failed")
    assert await database.fetchall("SELECT id FROM transcript") == []


async def test_e_mail_is_matched_whatever_its_case(database: Database) -> None:
    await database.execute("INSERT INTO store_customers (id, name, email) VALUES (?, ?, ?)",
                           ("K1", "Noor", "Noor.Haddad@example.org"))
    row = await database.fetchone("SELECT id FROM store_customers WHERE email = ? COLLATE NOCASE",
                                  ("noor.haddad@EXAMPLE.org",))
    assert row is not None and row["id"] == "K1"


async def test_what_is_committed_is_seen_from_outside_and_survives_a_reopen(
    database: Database, tmp_path: Path
) -> None:
    await database.execute("INSERT INTO slack_events (event_id, at) VALUES (?, ?)", ("Ev9", "t"))
    assert query(database_url(tmp_path), "SELECT event_id FROM slack_events") == [("Ev9",)]
    again = await Database.open(database_url(tmp_path))
    try:
        assert [row[0] for row in await again.fetchall("SELECT event_id FROM slack_events")] == [
            "Ev9"]
    finally:
        await again.close()


async def test_transactions_do_not_interleave_even_from_two_openings(
    database: Database, tmp_path: Path
) -> None:
    """Two processes' read-then-write transactions (here two openings) lose no update."""
    other = await Database.open(database_url(tmp_path)) if ON_POSTGRES else database
    await database.execute("INSERT INTO verifications (thread_id, failures) VALUES ('t', 0)")

    async def increment(db: Database) -> None:
        async with db.transaction() as connection:
            cursor = await connection.execute(
                "SELECT failures FROM verifications WHERE thread_id = 't'")
            (failures,) = await cursor.fetchone()
            await asyncio.sleep(0.001)
            await connection.execute("UPDATE verifications SET failures = ? WHERE thread_id = 't'",
                                     (failures + 1,))

    try:
        await asyncio.gather(*(increment(db) for _ in range(20) for db in (database, other)))
    finally:
        if other is not database:
            await other.close()
    row = await database.fetchone("SELECT failures FROM verifications WHERE thread_id = 't'")
    assert row is not None and row["failures"] == 40


def test_each_engine_has_every_migration() -> None:
    assert len(schema_postgres.MIGRATIONS) == len(schema.MIGRATIONS)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs CASELOOP_TEST_DATABASE")
async def test_both_engines_have_the_same_tables_and_columns(tmp_path: Path) -> None:
    sqlite = await Database.open(tmp_path / "sqlite.db")
    postgres = await Database.open(database_url(tmp_path))
    try:
        tables = [row["name"] for row in await sqlite.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        on_sqlite = {(table, row["name"]) for table in tables
                     for row in await sqlite.fetchall(f"PRAGMA table_info({table})")}
        on_postgres = {(row["table_name"], row["column_name"]) for row in await postgres.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name != 'caseloop_migrations'")}
    finally:
        await sqlite.close()
        await postgres.close()
    assert on_postgres == on_sqlite
