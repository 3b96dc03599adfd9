"""`caseloop migrate`: the schema created or brought up to date, nothing else done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.databases import ON_POSTGRES, database_url, query


def migrate(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def tables(url: str) -> set[str]:
    """The tables of a database, and for SQLite those of the checkpoint file beside it."""
    if ON_POSTGRES:
        return {name for (name,) in query(
            url, "SELECT table_name FROM information_schema.tables "
                 "WHERE table_schema = current_schema()")}
    path = Path(url.removeprefix("sqlite:///"))
    sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return ({name for (name,) in query(path, sql)}
            | {name for (name,) in query(path.with_name("caseloop.checkpoints.db"), sql)})


def test_migrate_creates_the_schema_and_exits(tmp_path: Path) -> None:
    url = database_url(tmp_path / "data")
    done = migrate(url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    assert {"inbox", "outbox", "audit", "transcript", "checkpoints"} <= tables(url)


def test_migrate_again_changes_nothing_and_processes_no_message(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    assert migrate(url, tmp_path).returncode == 0
    query(url, "INSERT INTO inbox (channel, provider_id, sender, message, received_at) "
               "VALUES ('webchat', 'ws_1:a', 'ws_1', '{}', '2026-11-20T10:00:00.000Z')")
    again = migrate(url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert query(url, "SELECT status FROM inbox") == [("pending",)]
