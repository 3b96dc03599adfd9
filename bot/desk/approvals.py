"""Actions parked until a human approves or denies them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bot.storage.database import Connection, Database, isoformat, utcnow


def action_digest(action: str, args: dict[str, Any]) -> str:
    """A short fingerprint of an exact action and its arguments; a decision must carry it."""
    payload = json.dumps([action, args], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def approvers_needed(args: dict[str, Any], two_approvers_above: Decimal) -> int:
    """How many different people must approve an action: two when its amount is above
    `two_approvers_above`, else one (an approval request's rule, and a draft's)."""
    amount = args.get("amount")
    return 2 if amount is not None and Decimal(str(amount)) > two_approvers_above else 1


class ApprovalQueue:
    """Stores approval requests; one per idempotency key, so a replayed turn parks nothing twice.

    Args:
        ttl: How long a request may wait for a decision before it expires.
        two_approvers_above: Refunds above this amount need two different approvers.
    """

    def __init__(self, database: Database, ttl: timedelta = timedelta(hours=72),
                 two_approvers_above: Decimal = Decimal("500")) -> None:
        self._db = database
        self._ttl = ttl
        self._two_approvers_above = two_approvers_above

    async def park(self, *, thread_id: str, customer_id: str, action: str, args: dict[str, Any],
                   rule: str, idempotency_key: str, description: str = "",
                   done: str = "") -> int:
        """Park an action for a human decision; returns the request's id."""
        now = utcnow()
        needed = approvers_needed(args, self._two_approvers_above)
        await self._db.execute(
            "INSERT OR IGNORE INTO approvals "
            "(thread_id, customer_id, action, args, rule, idempotency_key, created_at, "
            "description, done, digest, approvers_needed, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (thread_id, customer_id, action, json.dumps(args, sort_keys=True), rule,
             idempotency_key, isoformat(now), description or action, done or description,
             action_digest(action, args), needed, isoformat(now + self._ttl)),
        )
        row = await self._db.fetchone("SELECT id FROM approvals WHERE idempotency_key = ?",
                                      (idempotency_key,))
        assert row is not None
        return int(row["id"])

    async def keep_result(self, approval_id: int, message: str,
                          connection: Connection | None = None) -> bool:
        """Keep what the customer was told of the decision, once (in `connection`'s transaction
        when given); False when it was kept already."""
        if connection is None:
            async with self._db.transaction() as own:
                return await self.keep_result(approval_id, message, own)
        cursor = await connection.execute(
            "UPDATE approvals SET result = ? WHERE id = ? AND result IS NULL",
            (message, approval_id))
        return bool(cursor.rowcount == 1)

    async def attach(self, approval_id: int, escalation_id: int) -> None:
        """Tie a request to the escalated case that shows it to people."""
        await self._db.execute("UPDATE approvals SET escalation_id = ? WHERE id = ?",
                               (escalation_id, approval_id))

    async def give_approval(self, approval_id: int, approved_by: Sequence[str]) -> None:
        """Record the approvers so far of a pending request that needs one more."""
        await self._db.execute(
            "UPDATE approvals SET approved_by = ? WHERE id = ? AND status = 'pending'",
            (json.dumps(list(approved_by)), approval_id))

    async def approve(self, approval_id: int, approved_by: Sequence[str]) -> None:
        """Record a pending request approved, by every approver it needed."""
        await self._db.execute(
            "UPDATE approvals SET status = 'approved', approved_by = ?, decided_by = ?, "
            "decided_at = ? WHERE id = ? AND status = 'pending'",
            (json.dumps(list(approved_by)), ", ".join(approved_by), isoformat(utcnow()),
             approval_id))

    async def close_unapproved(self, approval_id: int, status: str, decided_by: str,
                               reason: str | None = None) -> None:
        """Record a pending request `denied` (with the reason given) or `expired`."""
        await self._db.execute(
            "UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, reason = ? "
            "WHERE id = ? AND status = 'pending'",
            (status, decided_by, isoformat(utcnow()), reason, approval_id))

    async def get(self, approval_id: int) -> dict[str, Any] | None:
        """One request as stored, with its arguments decoded."""
        row = await self._db.fetchone("SELECT * FROM approvals WHERE id = ?", (approval_id,))
        return _decoded(row) if row else None

    async def unannounced(self, thread_id: str) -> list[dict[str, Any]]:
        """A thread's pending requests not yet shown to anyone, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM approvals WHERE thread_id = ? AND status = 'pending' "
            "AND escalation_id IS NULL ORDER BY id", (thread_id,))
        return [_decoded(row) for row in rows]

    async def undelivered(self) -> list[dict[str, Any]]:
        """Requests that were decided, or never announced, before their outcome was delivered."""
        rows = await self._db.fetchall(
            "SELECT * FROM approvals WHERE (status IN ('approved', 'denied') AND result IS NULL) "
            "OR (status = 'pending' AND escalation_id IS NULL) ORDER BY id")
        return [_decoded(row) for row in rows]

    async def pending_for(self, customer_id: str) -> list[dict[str, Any]]:
        """One customer's requests still waiting for a decision, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM approvals WHERE status = 'pending' AND customer_id = ? ORDER BY id",
            (customer_id,))
        return [_decoded(row) for row in rows]

    async def pending(self) -> list[dict[str, Any]]:
        """Requests still waiting for a decision, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM approvals WHERE status = 'pending' ORDER BY id")
        return [_decoded(row) for row in rows]


def _decoded(row: Any) -> dict[str, Any]:
    return {**dict(row), "args": json.loads(row["args"]),
            "approved_by": json.loads(row["approved_by"] or "[]")}
