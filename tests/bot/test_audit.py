"""The audit log: append-only, one record per outcome and key, tamper-evident."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.audit import AuditLog
from bot.storage.database import Database
from tests.databases import database_url, query


async def _log_three(folder: Path) -> str:
    url = database_url(folder)
    database = await Database.open(url)
    audit = AuditLog(database)
    for n, outcome in enumerate(("done", "refused", "pending_approval")):
        await audit.record(actor="agent", customer_id="K-1", action="refund",
                           args={"order_id": f"Z{n}", "amount": "5.00"}, rule="r",
                           outcome=outcome, idempotency_key=f"key-{n}")
    await audit.record(actor="agent", customer_id="K-1", action="refund",
                       args={"order_id": "Z0", "amount": "5.00"}, rule="r", outcome="done",
                       idempotency_key="key-0")
    await database.close()
    return url


def _verify(url: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "bot", "audit", "verify"], env=env,
                          capture_output=True, text=True)


async def test_an_untouched_log_verifies(tmp_path: Path) -> None:
    result = _verify(await _log_three(tmp_path))
    assert result.returncode == 0 and "intact: 3 records" in result.stdout


async def test_an_edited_record_is_named(tmp_path: Path) -> None:
    url = await _log_three(tmp_path)
    query(url, "UPDATE audit SET args = '{\"amount\": \"500.00\"}' WHERE id = 2")
    result = _verify(url)
    assert result.returncode == 1 and "broken at record 2" in result.stdout


async def test_a_deleted_record_is_noticed(tmp_path: Path) -> None:
    url = await _log_three(tmp_path)
    query(url, "DELETE FROM audit WHERE id = 2")
    result = _verify(url)
    assert result.returncode == 1 and "broken at record 3" in result.stdout
