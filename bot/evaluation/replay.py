"""Replaying real conversations against a candidate model or policy: each customer's messages
from the database, typed again into a sandbox seeded with that customer and their orders as
they were, and where the candidate would have acted differently.

Only the sandbox holds the customer's data; what is reported is what the operator already sees
in the console: customer and order ids, actions, amounts, escalations. The replay starts with
the customer already verified, so the messages that gave an e-mail address or a code are left
out.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.audit import AuditLog, AuditRecord
from bot.evaluation.checks import ACTIONS
from bot.evaluation.trial import Model, sandbox
from bot.identity.links import Links
from bot.storage.database import Database
from graph.backend import Backend
from graph.slots import extract_code, extract_email

OUTCOMES = ("done", "refused", "pending_approval")
"""The outcomes of an action that say what the agent decided."""
_CUSTOMER_THREAD = re.compile(r"customer:(.+)")
_VISITOR_THREAD = re.compile(r"visitor:([^:]+):(.+)")


@dataclass(frozen=True)
class Decision:
    """One thing the agent decided: an action on an order and how it went, or an escalation."""

    action: str
    order_id: str | None = None
    amount: Decimal | None = None
    outcome: str = ""

    def __str__(self) -> str:
        if self.action == "escalate":
            return "escalate"
        amount = f" {self.amount:.2f}" if self.amount is not None else ""
        return f"{self.action} {self.order_id}{amount} {self.outcome}"


@dataclass
class Conversation:
    """One customer's messages in the window, and what the agent did about them."""

    customer_id: str
    messages: list[str] = field(default_factory=list)
    first_at: str = ""
    last_at: str = ""
    original: list[Decision] = field(default_factory=list)
    """The decisions taken then."""


@dataclass(frozen=True)
class Replayed:
    """A conversation and what the candidate decided on it."""

    conversation: Conversation
    candidate: list[Decision]
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        """What `caseloop eval --replay --json` prints of it: ids, actions and amounts only."""
        talk = self.conversation
        return {"customer_id": talk.customer_id, "from": talk.first_at, "to": talk.last_at,
                "messages": len(talk.messages), "original": [str(d) for d in talk.original],
                "candidate": [str(d) for d in self.candidate], "differences": self.differences,
                "error": self.error}

    @property
    def differences(self) -> list[str]:
        """What only the original did (`-`) and what only the candidate did (`+`)."""
        then, now = Counter(self.conversation.original), Counter(self.candidate)
        return ([f"- {d}" for d in sorted(map(str, (then - now).elements()))]
                + [f"+ {d}" for d in sorted(map(str, (now - then).elements()))])


async def conversations(database: Database, since: str, limit: int) -> list[Conversation]:
    """The `limit` customers who wrote most recently since `since` (ISO date or time), each with
    their messages in order (a visitor's before they proved who they are included)."""
    rows = await database.fetchall(
        "SELECT thread_id, channel, text, at FROM transcript WHERE role = 'customer' "
        "AND at >= ? ORDER BY id", (since,))
    links, found = Links(database), dict[str, Conversation]()
    for row in rows:
        customer_id = await _customer_of(links, row["thread_id"])
        if customer_id is None:
            continue
        talk = found.setdefault(customer_id, Conversation(customer_id, first_at=row["at"]))
        talk.last_at = row["at"]
        if not (extract_email(row["text"]) or extract_code(row["text"])):
            talk.messages.append(row["text"])
    recent = sorted(found.values(), key=lambda c: c.last_at, reverse=True)[:limit]
    audit = AuditLog(database)
    for talk in recent:
        talk.original = [_decision(r) for r in await audit.records(talk.customer_id)
                         if talk.first_at <= r.at and _decides(r)]
    return [talk for talk in recent if talk.messages]


async def replay(talk: Conversation, store: Backend, model: Model, policy: Path | None
                 ) -> Replayed:
    """Type the customer's messages into a sandbox holding them and their orders as they were
    before the conversation, as far as the audit log tells."""
    try:
        shop = await _shop_before(talk, store)
        async with sandbox(shop, model, policy) as box:
            session = f"replay-{uuid.uuid4().hex[:12]}"
            await Links(box.app.database).link("webchat", session, talk.customer_id)
            for text in talk.messages:
                await box.say("webchat", session, text)
            records = await box.app.audit.records(talk.customer_id)
    except Exception as error:  # noqa: BLE001 - one conversation's failure, told in words
        return Replayed(talk, [], f"{type(error).__name__}: {error}"[:300])
    return Replayed(talk, [_decision(r) for r in records if _decides(r)])


async def _customer_of(links: Links, thread_id: str) -> str | None:
    if match := _CUSTOMER_THREAD.fullmatch(thread_id):
        return match.group(1)
    if match := _VISITOR_THREAD.fullmatch(thread_id):
        return await links.customer_for(match.group(1), match.group(2))
    return None


def _decides(record: AuditRecord) -> bool:
    return (record.action in ACTIONS and record.outcome in OUTCOMES) or \
        record.action == "escalate"


def _decision(record: AuditRecord) -> Decision:
    if record.action == "escalate":
        return Decision("escalate")
    amount = record.args.get("amount")
    return Decision(record.action, record.args.get("order_id"),
                    Decimal(str(amount)) if amount not in (None, "") else None, record.outcome)


async def _shop_before(talk: Conversation, store: Backend) -> dict[str, Any]:
    customer = await store.get_customer(talk.customer_id)
    if customer is None:
        raise LookupError(f"customer {talk.customer_id} is no longer in the backend")
    orders = [o.model_dump(mode="json") for o in await store.list_orders(talk.customer_id)]
    by_id = {o["id"]: o for o in orders}
    for decision in talk.original:  # undo what the conversation itself did
        order = by_id.get(decision.order_id or "")
        if order is None or decision.outcome != "done":
            continue
        if decision.action == "refund":
            refunded = Decimal(order["refunded"])
            amount = decision.amount if decision.amount is not None else refunded
            order["refunded"] = f"{max(refunded - amount, Decimal(0)):.2f}"
        elif decision.action == "cancel_order":
            order["status"], order["refunded"] = "processing", "0.00"
    return {"customers": [customer.model_dump(mode="json")], "orders": orders}
