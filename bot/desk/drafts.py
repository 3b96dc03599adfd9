"""Drafts: what the bot would have said and done in shadow mode, kept for a person to release.

A draft is written once per customer message (`draft_key`), so a replayed turn keeps nothing
twice. It is `pending` until a person sends it as it is (`sent`), sends their own text
(`edited`) or turns it down with a label (`rejected`); a release is delivered to the customer
exactly once (`result` keeps what they were told).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.desk.approvals import approvers_needed
from bot.storage.database import Connection, Database, Row, isoformat, utcnow

LABELS = ("wrong policy", "missing context", "bad action suggestion", "ambiguous intent",
          "knowledge gap", "tone")
"""Why a draft was rejected: one of these, with a free-text note."""
RELEASED = ("sent", "edited")


@dataclass(frozen=True)
class Draft:
    """One draft as stored, as the desk shows it."""

    id: int
    thread_id: str
    customer_id: str | None
    channel: str | None
    case_type: str
    customer_text: str
    """The customer's message the draft answers."""
    reply: str
    """What the bot would have said (for an action: what the customer is told once done)."""
    action: str | None
    args: dict[str, Any]
    rule: str | None
    """The policy rule that decided the proposed action."""
    idempotency_key: str | None
    description: str | None
    """What the action will do, completing "I'll ..."."""
    done: str | None
    language: str
    status: str
    """`pending`, `sent`, `edited` or `rejected`."""
    sent_text: str | None
    label: str | None
    note: str | None
    decided_by: str | None
    decided_at: str | None
    outcome: str | None
    """For a released action: `done`, `failed` or `unverified`."""
    result: str | None
    """What the customer was told, once delivered."""
    escalation_id: int | None
    created_at: str
    decision: str | None = None
    """The policy's ruling on the action: `auto` or `approve`."""
    approvers_needed: int = 1
    """Approvers who must send an action draft (two above the two-approver amount)."""
    approved_by: tuple[str, ...] = ()
    """Approvers who sent it so far."""

    @property
    def request(self) -> dict[str, Any]:
        """The draft's action as the case lifecycle hears approval outcomes."""
        return {"customer_id": self.customer_id, "idempotency_key": self.idempotency_key,
                "action": self.action, "args": self.args, "description": self.description}


class DraftQueue:
    """Stores drafts and moves each on once.

    Args:
        two_approvers_above: A drafted refund above this amount needs two approvers to send.
    """

    def __init__(self, database: Database, two_approvers_above: Decimal = Decimal("500")) -> None:
        self._db = database
        self._two_approvers_above = two_approvers_above

    async def park(self, *, draft_key: str, thread_id: str, customer_id: str | None,
                   channel: str | None, case_type: str, customer_text: str, reply: str,
                   language: str, action: str | None = None,
                   args: dict[str, Any] | None = None, rule: str | None = None,
                   idempotency_key: str | None = None, description: str | None = None,
                   done: str | None = None, decision: str | None = None) -> int:
        """Keep a draft (once per `draft_key`); returns its id."""
        needed = approvers_needed(args or {}, self._two_approvers_above)
        await self._db.execute(
            "INSERT OR IGNORE INTO drafts (draft_key, thread_id, customer_id, channel, "
            "case_type, customer_text, reply, action, args, rule, idempotency_key, "
            "description, done, language, created_at, decision, approvers_needed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (draft_key, thread_id, customer_id, channel, case_type, customer_text, reply, action,
             json.dumps(args or {}, sort_keys=True), rule, idempotency_key, description, done,
             language, isoformat(utcnow()), decision, needed))
        row = await self._db.fetchone("SELECT id FROM drafts WHERE draft_key = ?", (draft_key,))
        assert row is not None
        return int(row["id"])

    async def waiting(self, thread_id: str) -> int:
        """How many of the thread's drafts wait for a person."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM drafts WHERE thread_id = ? AND status = 'pending'",
            (thread_id,))
        return int(row["n"]) if row else 0

    async def get(self, draft_id: int) -> Draft | None:
        """One draft by id."""
        row = await self._db.fetchone("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        return draft(row) if row else None

    async def unannounced(self, thread_id: str) -> list[Draft]:
        """A thread's pending drafts not yet shown to people, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM drafts WHERE thread_id = ? AND status = 'pending' "
            "AND escalation_id IS NULL ORDER BY id", (thread_id,))
        return [draft(row) for row in rows]

    async def in_case(self, escalation_id: int) -> list[Draft]:
        """The drafts a case shows, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM drafts WHERE escalation_id = ? ORDER BY id", (escalation_id,))
        return [draft(row) for row in rows]

    async def undelivered(self) -> list[Draft]:
        """Drafts released but not yet delivered, or never shown to people (after a restart)."""
        rows = await self._db.fetchall(
            "SELECT * FROM drafts WHERE (status IN ('sent', 'edited') AND result IS NULL) "
            "OR (status = 'pending' AND escalation_id IS NULL) ORDER BY id")
        return [draft(row) for row in rows]

    async def attach(self, draft_id: int, escalation_id: int) -> None:
        """Tie a draft to the case that shows it to people."""
        await self._db.execute("UPDATE drafts SET escalation_id = ? WHERE id = ?",
                               (escalation_id, draft_id))

    async def decide(self, draft_id: int, status: str, actor: str, *, text: str | None = None,
                     label: str | None = None, note: str | None = None) -> bool:
        """Move a pending draft to `sent`, `edited` or `rejected`; False when it was no
        longer pending (someone else was first)."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE drafts SET status = ?, sent_text = COALESCE(?, sent_text), label = ?, "
                "note = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
                (status, text, label, note, actor, isoformat(utcnow()), draft_id))
            return bool(cursor.rowcount == 1)

    async def give_approval(self, draft_id: int, approved_by: list[str],
                            text: str | None) -> bool:
        """Record the approvers so far of a pending action draft that needs one more (and the
        text the first of them sends in place of the draft); False when it was no longer
        pending or someone else recorded theirs first."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE drafts SET approved_by = ?, sent_text = COALESCE(?, sent_text) "
                "WHERE id = ? AND status = 'pending' AND approved_by = ?",
                (json.dumps(approved_by), text, draft_id, json.dumps(approved_by[:-1])))
            return bool(cursor.rowcount == 1)

    async def keep_result(self, draft_id: int, message: str, outcome: str | None,
                          connection: Connection | None = None) -> bool:
        """Keep what the customer was told of a release, once (in the sending transaction
        when given)."""
        if connection is None:
            async with self._db.transaction() as own:
                return await self.keep_result(draft_id, message, outcome, own)
        cursor = await connection.execute(
            "UPDATE drafts SET result = ?, outcome = ? WHERE id = ? AND result IS NULL",
            (message, outcome, draft_id))
        return bool(cursor.rowcount == 1)


def draft(row: Row) -> Draft:
    """A drafts row as callers see it."""
    values = dict(row)
    values.pop("draft_key", None)
    return Draft(**{**values, "args": json.loads(values["args"] or "{}"),
                    "approved_by": tuple(json.loads(values["approved_by"] or "[]"))})
