"""Cases handed to people: what was escalated, why, and the approval it may carry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.desk.approvals import ApprovalQueue
from bot.desk.drafts import Draft, draft
from bot.storage.database import Database, Row, isoformat, utcnow
from graph.backend import BackendError

REASONS = ("approval", "shadow", "asked_for_person", "frustration", "safety", "backend_error")


@dataclass(frozen=True)
class ApprovalView:
    """An action waiting for (or past) a human decision."""

    id: int
    action: str
    args: dict[str, Any]
    rule: str
    """The policy rule that requires the approval."""
    description: str
    """What will happen, completing "I'll ..."."""
    digest: str
    """Fingerprint of `action` and `args`; buttons and forms carry it back."""
    status: str
    """`pending`, `approved`, `denied` or `expired`."""
    approvers_needed: int
    approved_by: tuple[str, ...]
    """Actors who approved so far (a second one is needed above the two-approver amount)."""
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    """Why it was denied."""
    result: str | None
    """What the customer was told once it was decided."""
    expires_at: str
    created_at: str


@dataclass(frozen=True)
class Escalation:
    """One escalated case, as Slack and the console show it."""

    id: int
    thread_id: str
    customer_id: str | None
    customer_name: str
    customer_tier: str
    channel: str | None
    """The channel the customer last wrote on."""
    reason: str
    """Why it was escalated: one of `REASONS`."""
    wants: str
    """What the customer wants, in one line."""
    found: str
    """What the bot did and found, in one line."""
    why: str
    """Why it escalated, in one line."""
    sentiment: str
    """`calm`, `frustrated` or `upset`."""
    mode: str
    """`bot` (the bot answers) or `human` (a person took over; the bot stays silent)."""
    taken_by: str | None
    status: str
    """`open` or `closed`."""
    approval: ApprovalView | None
    slack_channel: str | None
    slack_ts: str | None
    created_at: str
    drafts: tuple[Draft, ...] = ()
    """What the bot drafted in shadow mode for people to release, oldest first."""

    @property
    def waiting_drafts(self) -> tuple[Draft, ...]:
        """The drafts still waiting for Send, Edit or Reject."""
        return tuple(d for d in self.drafts if d.status == "pending")


class Escalations:
    """Reads and writes escalated cases, and reads the approvals they carry.

    Args:
        approvals: Where the approval requests shown in cases are written (one is made on
            `database` when not given).
    """

    def __init__(self, database: Database, customers: Any, approvals: ApprovalQueue) -> None:
        self._db = database
        self._customers = customers
        self._approvals = approvals

    async def open_for(self, thread_id: str) -> Escalation | None:
        """The thread's open case, if any."""
        row = await self._db.fetchone(
            "SELECT * FROM escalations WHERE thread_id = ? AND status = 'open'", (thread_id,))
        return await self._view(row) if row else None

    async def get(self, case_id: int) -> Escalation | None:
        """One case by id."""
        row = await self._db.fetchone("SELECT * FROM escalations WHERE id = ?", (case_id,))
        return await self._view(row) if row else None

    async def for_slack_thread(self, channel: str, ts: str) -> Escalation | None:
        """The case whose Slack thread starts at message `ts`."""
        row = await self._db.fetchone(
            "SELECT * FROM escalations WHERE slack_channel = ? AND slack_ts = ?", (channel, ts))
        return await self._view(row) if row else None

    async def for_approval(self, approval_id: int) -> Escalation | None:
        """The case an approval request belongs to."""
        row = await self._db.fetchone(
            "SELECT e.* FROM escalations e JOIN approvals a ON a.escalation_id = e.id "
            "WHERE a.id = ?", (approval_id,))
        return await self._view(row) if row else None

    async def listing(self, status: str = "open", limit: int = 500) -> list[Escalation]:
        """Cases in one status, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM escalations WHERE status = ? ORDER BY id DESC LIMIT ?",
            (status, limit))
        return [await self._view(row) for row in rows]

    async def open(self, *, thread_id: str, customer_id: str | None, channel: str | None,
                   reason: str, wants: str, found: str, why: str,
                   sentiment: str) -> tuple[Escalation, bool]:
        """Open a case for a thread, or return the one already open; True when it is new."""
        now = isoformat(utcnow())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO escalations (thread_id, customer_id, channel, reason, "
                "wants, found, why, sentiment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (thread_id, customer_id, channel, reason, wants, found, why, sentiment, now))
            created = cursor.rowcount == 1
        case = await self.open_for(thread_id)
        assert case is not None
        return case, created

    async def attach_slack_thread(self, case_id: int, channel: str, ts: str) -> None:
        """Remember the Slack message that starts the case's thread."""
        await self._db.execute(
            "UPDATE escalations SET slack_channel = ?, slack_ts = ? WHERE id = ?",
            (channel, ts, case_id))

    async def set_mode(self, case_id: int, mode: str, taken_by: str | None) -> bool:
        """Switch who answers the customer; False when the case is closed or already so."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE escalations SET mode = ?, taken_by = ? "
                "WHERE id = ? AND status = 'open' AND mode != ?",
                (mode, taken_by, case_id, mode))
            return cursor.rowcount == 1

    async def close(self, case_id: int) -> None:
        """Close a case; the thread may open a new one later."""
        await self._db.execute(
            "UPDATE escalations SET status = 'closed', mode = 'bot', closed_at = ? "
            "WHERE id = ? AND status = 'open'", (isoformat(utcnow()), case_id))

    async def _view(self, row: Row) -> Escalation:
        approval = await self._db.fetchone(
            "SELECT * FROM approvals WHERE escalation_id = ? ORDER BY id DESC LIMIT 1",
            (row["id"],))
        name, tier = await self._who(row["customer_id"])
        drafts = await self._db.fetchall(
            "SELECT * FROM drafts WHERE escalation_id = ? ORDER BY id", (row["id"],))
        return Escalation(
            id=row["id"], thread_id=row["thread_id"], customer_id=row["customer_id"],
            customer_name=name, customer_tier=tier,
            channel=row["channel"], reason=row["reason"], wants=row["wants"],
            found=row["found"], why=row["why"], sentiment=row["sentiment"], mode=row["mode"],
            taken_by=row["taken_by"], status=row["status"],
            approval=approval_view(approval) if approval else None,
            slack_channel=row["slack_channel"], slack_ts=row["slack_ts"],
            created_at=row["created_at"], drafts=tuple(draft(d) for d in drafts),
        )

    async def _who(self, customer_id: str | None) -> tuple[str, str]:
        """The customer's name and tier; their id alone when the backend cannot be read."""
        try:
            customer = await self._customers.get_customer(customer_id) if customer_id else None
        except BackendError:
            return f"Customer {customer_id}", "unknown"
        return (customer.name, customer.tier) if customer else ("Unverified visitor", "unknown")


def approval_view(row: Row) -> ApprovalView:
    """An approvals row as callers see it."""
    return ApprovalView(
        id=row["id"], action=row["action"], args=json.loads(row["args"]), rule=row["rule"],
        description=row["description"] or row["action"], digest=row["digest"] or "",
        status=row["status"], approvers_needed=row["approvers_needed"],
        approved_by=tuple(json.loads(row["approved_by"] or "[]")),
        decided_by=row["decided_by"], decided_at=row["decided_at"], reason=row["reason"],
        result=row["result"], expires_at=row["expires_at"] or "", created_at=row["created_at"],
    )
