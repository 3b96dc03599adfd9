"""A case: one customer problem as stored, and the rules its stages and reasons follow.

A case moves only forward along `STAGES`; `escalated` sits beside the path:

    intake → investigation → execution → verification → follow_up → closed
                      (or escalated, from any stage before closed)

An escalated case moves on again once something is done (execution or later).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.storage.database import Row
from graph.autonomy import ORDER_STATUS, OTHER, OUTREACH_REASONS, POLICY_QUESTION

Stage = Literal["intake", "investigation", "execution", "verification", "follow_up", "closed",
                "escalated"]
Origin = Literal["customer", "outreach"]

STAGES: tuple[str, ...] = ("intake", "investigation", "execution", "verification", "follow_up",
                           "closed")
"""The forward path of a case; `escalated` sits beside it."""
ORIGINS: tuple[str, ...] = ("customer", "outreach")
RESOLVED_STAGES = ("follow_up",)
"""Stages whose reaching sets `resolved_at` (once)."""
_VAGUE = (ORDER_STATUS, OTHER)
"""Reasons a more specific one replaces on the same open case (a status question that turns
into a refund is a refund case)."""


@dataclass(frozen=True)
class Case:
    """One case as stored."""

    id: int
    customer_id: str
    order_id: str | None
    """The order the case is about; None for a case about the account as a whole."""
    reason: str
    """Why it is open: one of the deployment's `case_reasons`."""
    stage: str
    """One of `STAGES`, or `escalated`."""
    origin: str
    """`customer` (the customer wrote first) or `outreach` (Caseloop reached out first)."""
    channel: str | None
    """The channel the case was opened on (the outreach's, or the customer's message's)."""
    event_id: str | None
    """The business event an outreach case started from."""
    opened_at: str
    resolved_at: str | None
    """When the outcome was reached and verified (set once; kept through follow-up)."""
    closed_at: str | None
    escalated_at: str | None
    """When the case first needed a person (set once: the case counts as escalated)."""
    reopen_count: int
    reopened_at: str | None
    """The latest reopen."""
    customer_wrote_at: str | None
    """When the customer first wrote about the case (the open, for a customer's case)."""
    resolution: str | None
    """How it was resolved: `done` (an action verified), `answered`, `declined`, `denied`,
    `refused`, `settled`, `moved`, ..."""
    action_key: str | None
    """The idempotency key of the case's latest action (ties it to the audit log)."""
    satisfaction: int | None
    """The customer's 1-5 answer to the closing question."""
    satisfaction_asked_at: str | None
    satisfaction_at: str | None
    updated_at: str

    @property
    def is_open(self) -> bool:
        """True until the case is closed."""
        return self.stage != "closed"


def case_from_row(row: Row) -> Case:
    """A `cases` row as a `Case`."""
    return Case(**{name: row[name] for name in Case.__dataclass_fields__})


def case_reasons(case_types: Iterable[str]) -> tuple[str, ...]:
    """Why a case may be open in a deployment: one of its case types
    (`graph.autonomy.case_types`: a status question, a declared action's case type, `other`)
    but a policy question, which is answered and opens no case, or what an outreach was about
    (`OUTREACH_REASONS`). Each once, in that order."""
    kinds = (kind for kind in case_types if kind != POLICY_QUESTION)
    return tuple(dict.fromkeys((*kinds, *OUTREACH_REASONS)))


def moves_forward(current: str, target: str) -> bool:
    """Whether a case at stage `current` may move to `target` (never back, never from closed)."""
    if current == "closed" or current == target:
        return False
    if target == "escalated":
        return True
    if current == "escalated":
        return STAGES.index(target) >= STAGES.index("execution")
    return STAGES.index(target) > STAGES.index(current)


def refined_reason(current: str, new: str) -> str | None:
    """The reason that replaces `current` on an open case, when `new` is more specific."""
    return new if current in _VAGUE and new not in _VAGUE else None


def check_value(value: str, allowed: tuple[str, ...], name: str) -> None:
    """Refuse a stage, reason or origin that is not one of `allowed`.

    Raises:
        ValueError: `value` is not allowed; the message names `name` and the choices.
    """
    if value not in allowed:
        raise ValueError(f"unknown case {name} {value!r}; one of {', '.join(allowed)}")
