"""`caseloop migrate`: the schema created or brought up to date, nothing else done."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.schema import MIGRATIONS


def migrate(database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env,
                          cwd=database.parent.parent, capture_output=True, text=True, timeout=60)


def test_migrate_creates_the_schema_and_exits(tmp_path: Path) -> None:
    database = tmp_path / "data" / "caseloop.db"
    done = migrate(database)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    with sqlite3.connect(database) as connection:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert version == len(MIGRATIONS)
    assert {"inbox", "outbox", "audit"} <= tables
    with sqlite3.connect(tmp_path / "data" / "caseloop.checkpoints.db") as connection:
        checkpoint_tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "checkpoints" in checkpoint_tables


def test_migrate_again_changes_nothing_and_processes_no_message(tmp_path: Path) -> None:
    database = tmp_path / "caseloop.db"
    assert migrate(database).returncode == 0
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO inbox (channel, provider_id, sender, message, received_at) "
            "VALUES ('webchat', 'ws_1:a', 'ws_1', '{}', '2026-11-20T10:00:00.000Z')")
    again = migrate(database)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT status FROM inbox").fetchall()
    assert rows == [("pending",)]
