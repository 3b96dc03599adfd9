"""What the bot would say and do next, offered to the person who took a case over."""

from __future__ import annotations

from graph.backend import Backend, Order
from graph.context import Knowledge

NEXT_FOR_STATUS = {
    "processing": "it has not shipped yet: a cancellation or an address change is still possible",
    "shipped": "it is on its way: share the tracking link, a return is possible once delivered",
    "delivered": "it was delivered: a refund or a return may be what they need",
    "cancelled": "it is cancelled: check the refund has gone through",
}


async def suggest(backend: Backend, knowledge: Knowledge, customer_id: str | None, text: str,
                  pending: str | None) -> str:
    """A draft reply and the next best action, for a person to use or ignore."""
    order = await _order_named(backend, customer_id, text)
    articles = knowledge.search(text, limit=1) if text.strip() else []
    if order is not None:
        tracking = order.tracking
        draft = f"Order {order.id} is {order.status}" + (
            f" ({tracking.carrier} tracking {tracking.number})" if tracking else "")
        draft += ". I'm looking into it for you now."
    elif articles:
        draft = articles[0].snippet
    else:
        draft = "Thanks for your patience, I'm looking into this for you now."
    if pending:
        action = f"decide the pending request: {pending}"
    elif order is not None:
        action = f"order {order.id}: {NEXT_FOR_STATUS.get(order.status, 'check its status')}"
    elif customer_id is None:
        action = "the customer is not verified yet: share nothing account-specific"
    else:
        action = "ask which order this is about, then hand back (/handback) when done"
    return f"Draft reply: {draft}\nNext best action: {action}"


async def _order_named(backend: Backend, customer_id: str | None, text: str) -> Order | None:
    if customer_id is None:
        return None
    words = {word.strip("#.,!?()").upper() for word in text.split()}
    for order in await backend.list_orders(customer_id):
        if order.id.upper() in words:
            return order
    return None
