"""The state one customer's conversation carries from turn to turn, kept small on purpose."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage, HumanMessage
from langgraph.graph.message import add_messages

from graph.languages import DEFAULT_LANGUAGE, LANGUAGES

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


def add_facts(left: list[TurnFact] | None, right: list[TurnFact] | None) -> list[TurnFact]:
    """Append this turn's facts; None (what each turn's input carries) starts the list afresh."""
    if right is None:
        return []
    return [*(left or []), *right]


class TurnFact(TypedDict, total=False):
    """One thing a turn did, recorded by the node that did it (the case lifecycle reads them)."""

    kind: Literal["read", "searched", "proposed", "refused", "outcome", "escalated", "drafted"]
    """`read` an order (or the list of orders), `searched` the help articles, `proposed` an
    action for the customer's yes, `refused` one (policy or the order's state), an action's
    `outcome` once answered, `escalated` to people, or `drafted` for people to release
    (shadow mode)."""
    action: str | None
    """The action (`refund`, `cancel_order`, `change_address`), where there is one."""
    order_id: str | None
    """The order it was about (None for the list of orders)."""
    key: str | None
    """The action's idempotency key (`proposed`, `outcome`)."""
    outcome: str | None
    """`done`, `failed`, `unverified`, `parked`, `declined` or `dropped` (`outcome` only)."""
    reason: str | None
    """Why people were brought in (`escalated` only): `asked_for_person`, `frustration`,
    `safety`, `backend_error`."""
    opened: bool
    """True when this turn opened the escalation (`escalated` only)."""


class Escalation(TypedDict):
    """Why a person must look, set during the turn that found it."""

    reason: str
    """`asked_for_person`, `frustration`, `safety` or `backend_error`."""
    sentiment: str
    """`calm`, `frustrated` or `upset`."""
    evidence: str
    """One line for the person: what gave it away."""
    by_customer: bool
    """True when read from the customer's words (triage), False when the agent found it."""


BACKEND_FAILED = "the order system failed"
"""The evidence given to people when the business's systems failed mid-turn."""


def found_by_agent(reason: str, evidence: str) -> Escalation:
    """An escalation the agent found (not read from the customer's words)."""
    return {"reason": reason, "sentiment": "calm", "evidence": evidence, "by_customer": False}


class Arrival(TypedDict):
    """A turn run in a customer's thread right after an address was linked to it."""

    kind: Literal["verified", "recognized"]
    """By a code in the visitor's thread, or by a phone number the channel proved."""
    asked: bool
    """True when the turn carries the customer's requests (else it only names what is open)."""


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
    escalation: Escalation | None
    """Set during a turn when a person must take a look; the `escalate` node opens the case.
    Reset each turn."""
    turn_facts: Annotated[list[TurnFact], add_facts]
    """What this turn did, appended by the nodes that did it; reset each turn."""
    handover: str | None
    """Set by verification: the customer the visitor just proved to be. The runner then links
    the address and runs the customer's own thread once. Reset each turn."""
    arrival: Arrival | None
    """Set by the runner on the first turn in a customer's thread from a newly linked address:
    triage names what is still open for them. Reset each turn."""
    held_action: dict[str, Any] | None
    """A pending action set aside while an arriving customer's other request runs; put back
    at the end of that turn unless something new waits for a yes."""
    call_proof: str | None
    """The phone call (its address on the `voice` channel) on which the customer read back a
    one-time code: actions asked on that call need no other (`graph/voice.py`)."""
    language: str
    """The language the conversation runs in: one of `graph.languages.LANGUAGES`, read by
    triage from each customer message (a short one keeps it). Every node's fixed texts, and
    the model's reply, come out in it. A message in a language the agent does not serve is
    answered in that language by triage and leaves this unchanged."""


def conversation_language(state: Mapping[str, Any]) -> str:
    """The language a thread's state runs in (the default one until a customer wrote)."""
    language = state.get("language")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def latest_customer_text(state: CaseState) -> str:
    """The text of the customer's most recent message in the thread."""
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return str(message.content)
    return ""
