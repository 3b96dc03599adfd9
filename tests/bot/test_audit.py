"""The audit log: append-only, one record per outcome and key, tamper-evident."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.audit import AuditLog
from bot.database import Database


async def _log_three(path: Path) -> None:
    database = await Database.open(path)
    audit = AuditLog(database)
    for n, outcome in enumerate(("done", "refused", "pending_approval")):
        await audit.record(actor="agent", customer_id="K-1", action="refund",
                           args={"order_id": f"Z{n}", "amount": "5.00"}, rule="r",
                           outcome=outcome, idempotency_key=f"key-{n}")
    await audit.record(actor="agent", customer_id="K-1", action="refund",
                       args={"order_id": "Z0", "amount": "5.00"}, rule="r", outcome="done",
                       idempotency_key="key-0")
    await database.close()


def _verify(path: Path) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": f"sqlite:///{path}", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "bot", "audit", "verify"], env=env,
                          capture_output=True, text=True)


async def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await _log_three(path)
    result = _verify(path)
    assert result.returncode == 0 and "intact: 3 records" in result.stdout


async def test_an_edited_record_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await _log_three(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE audit SET args = '{\"amount\": \"500.00\"}' WHERE id = 2")
    result = _verify(path)
    assert result.returncode == 1 and "broken at record 2" in result.stdout


async def test_a_deleted_record_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    await _log_three(path)
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM audit WHERE id = 2")
    result = _verify(path)
    assert result.returncode == 1 and "broken at record 3" in result.stdout
