"""The next step of a task: call the tool it needs, or ask for what is still missing."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from graph.catalogs import _
from graph.offline import replies
from graph.offline.amounts import share_of
from graph.offline.decision import Decision, ask, call_tool
from graph.offline.declared import PREFIX
from graph.offline.filling import advance_declared
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
    if intent and intent.startswith(PREFIX):
        return advance_declared(state, offered, prefix)
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
