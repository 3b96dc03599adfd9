"""Actions parked until a human approves or denies them."""

from __future__ import annotations

import json
from typing import Any

from bot.database import Database, isoformat, utcnow


class ApprovalQueue:
    """Stores approval requests; one per idempotency key, so a replayed turn parks nothing twice."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def park(self, *, thread_id: str, customer_id: str, action: str, args: dict[str, Any],
                   rule: str, idempotency_key: str) -> int:
        """Park an action for a human decision; returns the request's id."""
        await self._db.execute(
            "INSERT OR IGNORE INTO approvals "
            "(thread_id, customer_id, action, args, rule, idempotency_key, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (thread_id, customer_id, action, json.dumps(args, sort_keys=True), rule,
             idempotency_key, isoformat(utcnow())),
        )
        row = await self._db.fetchone("SELECT id FROM approvals WHERE idempotency_key = ?",
                                      (idempotency_key,))
        assert row is not None
        return int(row["id"])

    async def pending_for(self, customer_id: str) -> list[dict[str, Any]]:
        """One customer's requests still waiting for a decision, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM approvals WHERE status = 'pending' AND customer_id = ? ORDER BY id",
            (customer_id,))
        return [{**dict(row), "args": json.loads(row["args"])} for row in rows]

    async def pending(self) -> list[dict[str, Any]]:
        """Requests still waiting for a decision, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM approvals WHERE status = 'pending' ORDER BY id")
        return [{**dict(row), "args": json.loads(row["args"])} for row in rows]
