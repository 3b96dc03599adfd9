"""The state one customer's conversation carries from turn to turn, kept small on purpose."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage, HumanMessage
from langgraph.graph.message import add_messages

MAX_MESSAGES = 24
"""Recent messages kept in state; older ones live only in the transcript table."""
MAX_CARRY_OVER = 3
MAX_CASE_NOTES = 6


def keep_recent(left: list[AnyMessage], right: list[AnyMessage] | AnyMessage) -> list[AnyMessage]:
    """Append messages, then drop the oldest whole turns beyond `MAX_MESSAGES`.

    The kept history always starts at a customer message, so no tool result is left without
    the call it answers.
    """
    merged = add_messages(left, right)  # type: ignore[arg-type]
    if len(merged) <= MAX_MESSAGES:
        return merged
    start = len(merged) - MAX_MESSAGES
    for index in range(start, len(merged)):
        if isinstance(merged[index], HumanMessage):
            return merged[index:]
    return merged[start:]


def keep_last_carry_over(left: list[str], right: list[str]) -> list[str]:
    """Remember the latest few requests asked before verification, without repeats."""
    merged = [text for text in (left or []) if text not in right] + list(right)
    return merged[-MAX_CARRY_OVER:]


def keep_last_notes(left: list[str], right: list[str]) -> list[str]:
    """The case record: the latest few facts worth remembering beyond the recent messages."""
    return ([*(left or []), *right])[-MAX_CASE_NOTES:]


class CaseState(TypedDict, total=False):
    """One conversation thread: a verified customer's, or a visitor's until verification."""

    messages: Annotated[list[AnyMessage], keep_recent]
    """The recent turns (bounded); the whole transcript is stored outside the graph."""
    customer_id: str | None
    """The customer this thread belongs to, once known."""
    verified: bool
    """True once the visitor proved they own `customer_id` (always true on a customer thread)."""
    pending_action: dict[str, Any] | None
    """An action proposed to the customer and waiting for their yes or no."""
    carry_over: Annotated[list[str], keep_last_carry_over]
    """Requests a visitor made before verifying, answered once they have."""
    case_notes: Annotated[list[str], keep_last_notes]
    """Short facts about the case (actions taken, their outcome) that outlive the messages."""
    escalation: str | None
    """Set during a turn when a person must take a look (e.g. `backend_error`); reset each turn."""
    action_outcome: dict[str, Any] | None
    """Set during a turn when the customer answered a proposed action: `action`, `order_id`,
    `key` (its idempotency key) and `outcome` (`done`, `failed`, `unverified`, `parked`,
    `declined` or `dropped`); reset each turn. The case lifecycle reads it after the turn."""


def latest_customer_text(state: CaseState) -> str:
    """The text of the customer's most recent message in the thread."""
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return ""
