"""Store SQL in SQLite's dialect, as PostgreSQL receives it."""

from __future__ import annotations

import pytest

from bot.storage.sql_dialect import PostgresDialect, UnsupportedSql

DIALECT = PostgresDialect(id_tables=["inbox", "outbox"])


def pg(sql: str, want_id: bool = True) -> str:
    return DIALECT.translate(sql, want_id=want_id).sql


def test_placeholders_become_psycopg_ones_and_percent_signs_are_escaped() -> None:
    assert pg("SELECT * FROM links WHERE channel = ? AND address = ?") == (
        "SELECT * FROM links WHERE channel = %s AND address = %s")
    assert pg("SELECT id FROM audit WHERE args LIKE '%?%' AND rule = ?") == (
        "SELECT id FROM audit WHERE args ILIKE '%%?%%' AND rule = %s")


def test_text_in_quotes_is_left_alone() -> None:
    assert pg("UPDATE inbox SET error = 'INSERT OR IGNORE? COLLATE NOCASE' WHERE id = ?") == (
        "UPDATE inbox SET error = 'INSERT OR IGNORE? COLLATE NOCASE' WHERE id = %s")


def test_insert_or_ignore_becomes_on_conflict_do_nothing_before_returning() -> None:
    assert pg("INSERT OR IGNORE INTO slack_events (event_id, at) VALUES (?, ?)") == (
        "INSERT INTO slack_events (event_id, at) VALUES (%s, %s) ON CONFLICT DO NOTHING")
    assert pg("INSERT OR IGNORE INTO inbox (channel) VALUES (?), (?) RETURNING id, channel") == (
        "INSERT INTO inbox (channel) VALUES (%s), (%s) ON CONFLICT DO NOTHING "
        "RETURNING id, channel")


def test_an_insert_into_a_table_with_an_identity_id_returns_it() -> None:
    statement = DIALECT.translate("INSERT INTO outbox (channel) VALUES (?)")
    assert statement.returns_id and statement.sql.endswith(" RETURNING id")
    ignored = DIALECT.translate("INSERT OR IGNORE INTO outbox (channel) VALUES (?)")
    assert ignored.sql.endswith("ON CONFLICT DO NOTHING RETURNING id")
    assert not DIALECT.translate("INSERT INTO links (channel) VALUES (?)").returns_id
    assert not DIALECT.translate("INSERT INTO outbox (channel) VALUES (?)",
                                 want_id=False).returns_id


def test_upserts_pass_through() -> None:
    sql = ("INSERT INTO contacts (thread_id, at) VALUES (?, ?) ON CONFLICT (thread_id) "
           "DO UPDATE SET at = excluded.at")
    assert pg(sql) == sql.replace("?", "%s")


def test_a_case_insensitive_comparison_compares_lower_case() -> None:
    assert pg("SELECT * FROM store_customers WHERE email = ? COLLATE NOCASE") == (
        "SELECT * FROM store_customers WHERE lower(email) = lower(%s)")
    assert pg("SELECT IFNULL(refunded, '0') FROM store_orders") == (
        "SELECT COALESCE(refunded, '0') FROM store_orders")


@pytest.mark.parametrize("sql", [
    "INSERT OR REPLACE INTO contacts (thread_id) VALUES (?)",
    "REPLACE INTO contacts (thread_id) VALUES (?)",
    "SELECT * FROM store_customers ORDER BY email COLLATE NOCASE",
    "PRAGMA user_version",
    "BEGIN IMMEDIATE",
    "INSERT OR IGNORE INTO links (channel) VALUES (?) ON CONFLICT (channel) DO NOTHING",
])
def test_what_cannot_be_translated_safely_is_refused_with_the_portable_form(sql: str) -> None:
    with pytest.raises(UnsupportedSql, match="PostgreSQL|ON CONFLICT"):
        pg(sql)
