"""The next step of a task: call the tool it needs, or ask for what is still missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from graph.catalogs import _
from graph.offline import replies
from graph.offline.amounts import share_of
from graph.offline.intents import tokenize
from graph.offline.lexicon import (
    CANCEL,
    CHANGE_ADDRESS,
    HUMAN,
    KNOWLEDGE,
    LIST_ORDERS,
    ORDER_STATUS,
)
from graph.offline.quantities import item_amount
from graph.offline.references import named_product
from graph.offline.state import DialogueState


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


def call_tool(
    state: DialogueState, offered: set[str], name: str, prefix: str, **args: Any
) -> Decision:
    """Call a tool, or say it is out of reach when it was not offered."""
    state.awaiting = None
    if name not in offered:
        text = _("I'm not able to do that from here, but a person from our team can help.")
        return Decision(f"{prefix}{text}", [], state)
    if prefix:
        state.slots["prefix"] = prefix
    clean = {key: value for key, value in args.items() if value is not None}
    if clean.get("order_id"):
        state.focus = str(clean["order_id"])
    return Decision("", [{"name": name, "args": clean}], state)


def ask(state: DialogueState, awaiting: str, text: str) -> Decision:
    """Ask the customer for a missing piece and remember what was asked."""
    state.awaiting = awaiting
    return Decision(text, [], state)


def _address_reply(state: DialogueState, offered: set[str], prefix: str) -> Decision:
    address = state.slots.get("address")
    if not address:
        return ask(state, "address", f"{prefix}{_(replies.ASK_ADDRESS_REPLY)}")
    missing = [k for k in ("city", "postcode", "country") if not address.get(k)]
    if missing:
        return ask(state, "address", f"{prefix}{replies.missing_address_reply(missing)}")
    return call_tool(state, offered, "change_address", prefix,
                     order_id=state.slots["order_id"], **address)


def advance(state: DialogueState, offered: set[str], prefix: str = "") -> Decision:
    """Take the next step of the task in ``state`` with what is known so far."""
    slots, intent = state.slots, state.intent
    if intent == HUMAN:
        reason = slots.get("query") or "Customer asked to speak with a person."
        return call_tool(state, offered, "request_human", prefix, reason=reason[:300])
    if intent == KNOWLEDGE:
        return call_tool(state, offered, "search_knowledge", prefix, query=slots.get("query", ""))
    if intent == LIST_ORDERS:
        return call_tool(state, offered, "list_orders", prefix)
    order_id = slots.get("order_id")
    if intent == CHANGE_ADDRESS and order_id:
        return _address_reply(state, offered, prefix)
    if order_id is None:
        if "list_orders" not in offered:
            return ask(state, "order_id", f"{prefix}{_(replies.ASK_ORDER_REPLY)}")
        return call_tool(state, offered, "list_orders", prefix)
    if intent == ORDER_STATUS:
        return call_tool(state, offered, "get_order", prefix, order_id=order_id)
    if intent == CANCEL:
        return call_tool(state, offered, "cancel_order", prefix, order_id=order_id,
                         reason=slots.get("reason"))
    if slots.get("amount") is None and not slots.get("share") and not slots.get("whole"):
        order = state.known_order(order_id)
        words = [token.text for token in tokenize(str(slots.get("text", "")))]
        priced = order is not None and any(line.get("unit_price") is not None
                                           for line in order.get("lines") or [])
        if not priced and "get_order" in offered and not slots.get("looked_up") and (
                slots.get("units") or named_product(words)):
            slots["looked_up"] = True  # which item, at what price: read the order first
            return call_tool(state, offered, "get_order", prefix, order_id=order_id)
        price = slots.get("unit_price")
        slots["amount"], unclear = item_amount(order, slots.get("units"),
                                               Decimal(price) if price else None, words)
        slots["wants_partial"] = slots.get("wants_partial") or unclear
    if slots.get("amount") is None and slots.get("share"):
        order = state.known_order(order_id)
        if order and order.get("total") is not None:
            slots["amount"] = str(share_of(order["total"], Fraction(slots["share"])))
        else:  # a part of a total not known here: ask for the sum rather than refund it all
            slots["wants_partial"] = True
    if slots.get("wants_partial") and slots.get("amount") is None:
        question = _("How much would you like refunded for {order_id}?")
        return ask(state, "amount", prefix + question.format(order_id=order_id))
    return call_tool(state, offered, "refund", prefix, order_id=order_id,
                     amount=slots.get("amount"), reason=slots.get("reason"))
