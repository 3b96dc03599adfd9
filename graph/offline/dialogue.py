"""The dialogue policy for a new customer message: continue what is pending or start a task."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.offline import replies
from graph.offline.lexicon import (
    CANCEL,
    CHANGE_ADDRESS,
    GREETING,
    HUMAN,
    KNOWLEDGE,
    LIST_ORDERS,
    ORDER_STATUS,
    REFUND,
    THANKS,
)
from graph.offline.reading import Reading, read_message
from graph.offline.references import choose_option, resolve_order_ids
from graph.offline.state import DialogueState
from graph.slots import extract_address

ORDER_TASKS = (ORDER_STATUS, REFUND, CANCEL, CHANGE_ADDRESS)
_PARTIAL = re.compile(r"\b(?:partial|partly|part of|some of|portion)\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:it|that|this|same|the order|that order|this order)\b", re.I)
_GOODBYE = re.compile(r"\b(?:bye|goodbye|see you|that'?s all|nothing else|have a)\b", re.I)


@dataclass
class Decision:
    """What the model says or calls next, and the state it remembers.

    Attributes:
        content: Text for the customer (may be empty when only calling tools).
        calls: Tool calls as {"name", "args"} dicts.
        state: The dialogue state to store with the reply.
    """

    content: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    state: DialogueState = field(default_factory=DialogueState)


def _call(state: DialogueState, offered: set[str], name: str, prefix: str, **args: Any) -> Decision:
    if name not in offered:
        state.awaiting = None
        text = "I'm not able to do that from here, but a person from our team can help."
        return Decision(f"{prefix}{text}", [], state)
    state.awaiting = None
    if prefix:
        state.slots["prefix"] = prefix
    clean = {key: value for key, value in args.items() if value is not None}
    return Decision("", [{"name": name, "args": clean}], state)


def _ask(state: DialogueState, awaiting: str, text: str) -> Decision:
    state.awaiting = awaiting
    return Decision(text, [], state)


def _address_reply(state: DialogueState, offered: set[str], prefix: str) -> Decision:
    address = state.slots.get("address")
    if not address:
        return _ask(state, "address", f"{prefix}{replies.ASK_ADDRESS_REPLY}")
    missing = [k for k in ("city", "postcode", "country") if not address.get(k)]
    if missing:
        return _ask(state, "address", f"{prefix}{replies.missing_address_reply(missing)}")
    return _call(state, offered, "change_address", prefix,
                 order_id=state.slots["order_id"], **address)


def advance(state: DialogueState, offered: set[str], prefix: str = "") -> Decision:
    """Take the next step of the task in ``state`` with what is known so far."""
    slots, intent = state.slots, state.intent
    if intent == HUMAN:
        reason = slots.get("query") or "Customer asked to speak with a person."
        return _call(state, offered, "request_human", prefix, reason=reason[:300])
    if intent == KNOWLEDGE:
        return _call(state, offered, "search_knowledge", prefix, query=slots.get("query", ""))
    if intent == LIST_ORDERS:
        return _call(state, offered, "list_orders", prefix)
    order_id = slots.get("order_id")
    if intent == CHANGE_ADDRESS and order_id:
        return _address_reply(state, offered, prefix)
    if order_id is None:
        if "list_orders" not in offered:
            return _ask(state, "order_id", f"{prefix}{replies.ASK_ORDER_REPLY}")
        return _call(state, offered, "list_orders", prefix)
    if intent == ORDER_STATUS:
        return _call(state, offered, "get_order", prefix, order_id=order_id)
    if intent == CANCEL:
        return _call(state, offered, "cancel_order", prefix, order_id=order_id,
                     reason=slots.get("reason"))
    if slots.get("wants_partial") and slots.get("amount") is None:
        return _ask(state, "amount", f"{prefix}How much would you like refunded for {order_id}?")
    return _call(state, offered, "refund", prefix, order_id=order_id,
                 amount=slots.get("amount"), reason=slots.get("reason"))


def _fill_slots(state: DialogueState, reading: Reading, order_ids: list[str]) -> None:
    slots = state.slots
    if order_ids and not slots.get("order_id"):
        slots["order_id"] = order_ids[0]
    if reading.amount is not None:
        slots["amount"] = str(reading.amount.value)
    if reading.full_amount:
        slots.pop("amount", None)
        slots["wants_partial"] = False
    if reading.reason and not slots.get("reason"):
        slots["reason"] = reading.reason
    if reading.address is not None:
        slots["address"] = reading.address.as_dict()


def _complete_address(partial: dict[str, Any], text: str) -> dict[str, Any] | None:
    """Fill an incomplete address from a follow-up such as "UK" or "SW1A 2AA"."""
    known = [partial.get(k) for k in ("line1", "line2", "city", "postcode", "country")]
    combined = extract_address(", ".join([str(v) for v in known if v] + [text]))
    if combined is None:
        return None
    merged = {k: v for k, v in combined.as_dict().items() if v}
    return {**merged, **{k: v for k, v in partial.items() if v}}


def _continue_pending(
    state: DialogueState, reading: Reading, order_ids: list[str], offered: set[str], prefix: str
) -> Decision | None:
    awaiting = state.awaiting
    switching = reading.task is not None and reading.task != state.intent
    if reading.reply == "no" and not order_ids and not reading.task:
        state.intent, state.awaiting, state.proposal = None, None, None
        return Decision(replies.DROPPED_REPLY, [], state)
    if awaiting == "confirm" and reading.reply == "yes" and state.proposal:
        proposal, state.proposal = state.proposal, None
        return _call(state, offered, proposal["name"], prefix, **proposal.get("args", {}))
    if awaiting == "email" and (reading.email or reading.code) and state.proposal:
        proposal = state.proposal
        return _call(state, offered, proposal["name"], prefix, **proposal.get("args", {}))
    if awaiting in ("order_id", "order_choice"):
        chosen = choose_option(reading.text, order_ids, state.options, state.orders)
        chosen = chosen or (order_ids[0] if order_ids else None)
        if chosen:
            state.slots["order_id"] = chosen
            _fill_slots(state, reading, order_ids)
            return advance(state, offered, prefix)
        if not switching:
            text = "Sorry, which order do you mean? You can reply with its number"
            hint = f", for example {state.options[0]}." if state.options else "."
            return _ask(state, awaiting, f"{prefix}{text}{hint}")
    if awaiting == "amount" and (reading.amount is not None or reading.full_amount):
        _fill_slots(state, reading, order_ids)
        state.slots["wants_partial"] = False
        return advance(state, offered, prefix)
    if awaiting == "address":
        partial = state.slots.get("address")
        if reading.address is not None:
            _fill_slots(state, reading, order_ids)
            return advance(state, offered, prefix)
        if partial and not switching and (completed := _complete_address(partial, reading.text)):
            state.slots["address"] = completed
            return advance(state, offered, prefix)
    return None


def _start_task(
    state: DialogueState, reading: Reading, order_ids: list[str], offered: set[str], prefix: str
) -> Decision:
    task = reading.task
    previous_order = state.slots.get("order_id")
    if task is None and order_ids:
        task = state.intent if state.intent in ORDER_TASKS else ORDER_STATUS
    if task is None and reading.address is not None and state.intent == CHANGE_ADDRESS:
        task = CHANGE_ADDRESS
    fresh = DialogueState(intent=task, orders=state.orders)
    if task is None:
        return _small_talk(fresh, reading, offered)
    fresh.slots["query"] = reading.text.strip()
    fresh.slots["text"] = reading.text
    fresh.slots["wants_partial"] = task == REFUND and bool(_PARTIAL.search(reading.text))
    if not order_ids and previous_order and _REFERS_BACK.search(reading.text):
        order_ids = [previous_order]
    _fill_slots(fresh, reading, order_ids)
    return advance(fresh, offered, prefix)


def _small_talk(state: DialogueState, reading: Reading, offered: set[str]) -> Decision:
    if reading.out_of_scope:
        return Decision(replies.OUT_OF_SCOPE_REPLY + replies.CAPABILITIES, [], state)
    asks_more = "?" in reading.text and len(reading.text.split()) > 3
    if asks_more and "search_knowledge" in offered:
        state.intent = KNOWLEDGE
        state.slots["query"] = reading.text.strip()
        return advance(state, offered, "Hi! " if GREETING in reading.social else "")
    if THANKS in reading.social:
        goodbye = bool(_GOODBYE.search(reading.text))
        return Decision(replies.GOODBYE_REPLY if goodbye else replies.THANKS_REPLY, [], state)
    if GREETING in reading.social:
        return Decision(replies.GREETING_REPLY, [], state)
    if "?" in reading.text and "search_knowledge" in offered:
        state.intent = KNOWLEDGE
        state.slots["query"] = reading.text.strip()
        return advance(state, offered)
    return Decision(replies.NOT_UNDERSTOOD_REPLY, [], state)


def respond_to_customer(
    text: str, state: DialogueState, current: bool, offered: set[str]
) -> Decision:
    """Decide the reply or tool call for a new customer message.

    Args:
        text: The customer's message.
        state: The state remembered from the model's previous reply.
        current: Whether that reply was the last thing the customer saw, so its question
            (if any) is what this message answers.
        offered: Names of the tools the model may call.
    """
    expecting = state.awaiting if current else None
    reading = read_message(text, expecting)
    order_ids = resolve_order_ids(reading.order_ids, [o["id"] for o in state.orders])
    prefix = "Hi! " if GREETING in reading.social and reading.task else ""
    if current and state.awaiting:
        decision = _continue_pending(state, reading, order_ids, offered, prefix)
        if decision is not None:
            return decision
    state.awaiting, state.proposal, state.options = None, None, []
    return _start_task(state, reading, order_ids, offered, prefix)
