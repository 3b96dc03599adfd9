"""Actions on orders: checked and described before the customer confirms, then carried out."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from graph.backend import ActionResult, Address, BackendError, Order
from graph.catalogs import N_, _
from graph.context import CaseContext
from graph.policy import ActionFacts

NOT_FOUND = N_("I couldn't find order {order_id} on your account. Could you check the number?")
NO_ORDER_ID = N_("I couldn't find order that on your account. Could you check the number?")
NOT_PROCESSING = {
    ("cancel_order", "shipped"):
        N_("Order {order_id} is already shipped, so it can no longer be cancelled."),
    ("cancel_order", "delivered"):
        N_("Order {order_id} is already delivered, so it can no longer be cancelled."),
    ("cancel_order", "cancelled"):
        N_("Order {order_id} is already cancelled, so it can no longer be cancelled."),
    ("change_address", "shipped"):
        N_("Order {order_id} is already shipped, so it can no longer be redirected."),
    ("change_address", "delivered"):
        N_("Order {order_id} is already delivered, so it can no longer be redirected."),
    ("change_address", "cancelled"):
        N_("Order {order_id} is already cancelled, so it can no longer be redirected."),
}
"""Why an order that is no longer processing cannot be cancelled or redirected, by status."""
AFTER_SHIPPING = {
    "shipped": N_("Once it's delivered I can help with a return or a refund."),
    "delivered": N_("I can help with a return or a refund instead."),
}
NOT_DELIVERED = {
    "processing": N_("Order {order_id} is processing; refunds are for delivered orders."),
    "shipped": N_("Order {order_id} is shipped; refunds are for delivered orders."),
    "cancelled": N_("Order {order_id} is cancelled; refunds are for delivered orders."),
}
NOTHING_LEFT = N_("Order {order_id} has already been refunded in full.")
TOO_MUCH = N_("The most I can refund on order {order_id} is {left} {currency}.")
BAD_AMOUNT = N_("The amount must be between 0.01 and {left} {currency} for order {order_id}.")
CENT = Decimal("0.01")
_MAX_AMOUNT_CHARS = 32
"""A longer amount is no sum of money: it is refused unread."""
REFUSED_BY_BACKEND = {"refused_by": "backend"}
"""In an action's `failed` audit record: the backend refused it (it was not merely down)."""
BAD_ADDRESS = N_("I need the full new address: street, city, postcode and country.")
REFUND = (
    N_("refund {money} on order {order_id} to the original payment method"),
    N_("refunded {money} on order {order_id}; it usually shows on your statement within 5-10 "
       "working days"),
)
CANCEL = (
    N_("cancel order {order_id} and refund its full {total} to the original payment method"),
    N_("cancelled order {order_id} and refunded {total}"),
)
NEW_ADDRESS = (
    N_("change the delivery address of order {order_id} to {address}"),
    N_("changed the delivery address of order {order_id} to {address}"),
)
"""What an action will do (completing "I'll ...") and what it did (completing "I've ...")."""
READ_BACK_WAITS = (0.0, 0.3, 1.0)
"""Seconds before each read-back of an action's outcome: a backend may show a write late."""


class ActionRejected(Exception):
    """The action cannot be done as asked; the message is for the customer.

    Attributes:
        refundable: For a refund refused for its amount, the most that can be refunded.
    """

    def __init__(self, message: str, *, refundable: Decimal | None = None) -> None:
        super().__init__(message)
        self.refundable = refundable


@dataclass(frozen=True)
class Proposal:
    """An action checked against the order, ready for the policy and the customer's yes."""

    action: str
    args: dict[str, Any]
    facts: ActionFacts
    description: str
    """What will happen, completing "I'll ..."."""
    done: str
    """What happened, completing "I've ..."."""
    wording: dict[str, Any] = field(default_factory=dict)
    """`description` and `done` as texts to translate, with their `values`: they are said to
    the customer in the conversation's language (see `worded`), while `description` and `done`
    stay in English for people and the audit log."""

    def as_pending(self, decision: str, rule: str, key: str) -> dict[str, Any]:
        """The action as it waits in state for confirmation."""
        return {"action": self.action, "args": self.args, "decision": decision, "rule": rule,
                "key": key, "description": self.description, "done": self.done,
                "wording": self.wording}


def worded(action: Mapping[str, Any], part: Literal["description", "done"]) -> str:
    """What an action (a pending one, or a proposal's fields) will do or did, in the active
    language; its English `description` or `done` when it carries no `wording`."""
    wording = action.get("wording")
    if not wording:
        return str(action[part])
    return _(wording[part]).format(**wording["values"])


def _proposal(action: str, args: dict[str, Any], facts: ActionFacts,
              texts: tuple[str, str], **values: str) -> Proposal:
    description, done = texts
    return Proposal(action, args, facts, description.format(**values), done.format(**values),
                    {"description": description, "done": done, "values": values})


async def propose(
    ctx: CaseContext, customer_id: str, action: str, args: dict[str, Any]
) -> Proposal:
    """Check an action against the customer's order and describe exactly what it would do.

    Raises:
        ActionRejected: the order is not the customer's, or is not in a state for it.
        BackendError: the backend could not be reached.
    """
    order_id = str(args.get("order_id", "")).strip().lstrip("#").upper()
    order = await ctx.backend.get_order(order_id) if order_id else None
    if order is None or order.customer_id != customer_id:
        raise ActionRejected(_(NOT_FOUND).format(order_id=order_id) if order_id
                             else _(NO_ORDER_ID))
    customer = await ctx.backend.get_customer(customer_id)
    tier = customer.tier if customer else "standard"
    if action == "refund":
        return _propose_refund(ctx, order, tier, args.get("amount"))
    if order.status != "processing":
        said = [_(NOT_PROCESSING[action, order.status]).format(order_id=order.id)]
        if order.status in AFTER_SHIPPING:
            said.append(_(AFTER_SHIPPING[order.status]))
        raise ActionRejected(" ".join(said))
    facts = _facts(ctx, action, tier, order, None)
    if action == "cancel_order":
        return _proposal(action, {"order_id": order.id}, facts, CANCEL, order_id=order.id,
                         total=f"{order.total:.2f} {order.currency}")
    try:
        address = Address(**{k: args.get(k) for k in ("line1", "line2", "city", "postcode",
                                                      "country")})
    except ValueError:
        raise ActionRejected(_(BAD_ADDRESS)) from None
    if not all((address.line1.strip(), address.city.strip(), address.postcode.strip(),
                address.country.strip())):
        raise ActionRejected(_(BAD_ADDRESS))
    new = address.model_dump(exclude_none=True)
    return _proposal(action, {"order_id": order.id, **new}, facts, NEW_ADDRESS,
                     order_id=order.id, address=_one_line(new))


async def carry_out(ctx: CaseContext, customer_id: str, pending: dict[str, Any]) -> ActionResult:
    """Run a confirmed action on the backend, then read the order back to verify it took effect.

    The idempotency key makes a repeat of the same confirmed action a no-op. The read-back is
    tried again (`READ_BACK_WAITS`) before the outcome is declared unverified.

    Raises:
        BackendError: the backend failed, or the action never showed in the order.
    """
    args, key = pending["args"], pending["key"]
    order_id = args["order_id"]
    order = await ctx.backend.get_order(order_id)
    if order is None or order.customer_id != customer_id:
        return ActionResult(ok=False, error="order not found")
    if pending["action"] == "refund":
        result = await ctx.backend.refund(order_id, Decimal(args["amount"]), key)
    elif pending["action"] == "cancel_order":
        result = await ctx.backend.cancel_order(order_id, key)
    else:
        address = Address(**{k: v for k, v in args.items() if k != "order_id"})
        result = await ctx.backend.change_address(order_id, address, key)
    if not result.ok:
        return result
    for wait in READ_BACK_WAITS:
        await asyncio.sleep(wait)
        after = await ctx.backend.get_order(order_id)
        if after is not None and _took_effect(pending["action"], args, after):
            return result
    raise BackendError(f"{pending['action']} on {order_id} reported done but did not show")


def _propose_refund(ctx: CaseContext, order: Order, tier: str, amount: Any) -> Proposal:
    if order.status != "delivered":
        raise ActionRejected(_(NOT_DELIVERED[order.status]).format(order_id=order.id))
    left = order.refundable
    if left <= 0:
        raise ActionRejected(_(NOTHING_LEFT).format(order_id=order.id))
    limit = {"order_id": order.id, "left": f"{left:.2f}", "currency": order.currency}
    value = left if amount is None or str(amount).strip() == "" else _money(amount)
    if value is None or value < CENT:  # not a number, not finite, zero, negative, under a cent
        raise ActionRejected(_(BAD_AMOUNT).format(**limit), refundable=left)
    if value > left:
        raise ActionRejected(_(TOO_MUCH).format(**limit), refundable=left)
    value = value.quantize(CENT)
    facts = _facts(ctx, "refund", tier, order, value)
    return _proposal("refund", {"order_id": order.id, "amount": f"{value:.2f}"}, facts, REFUND,
                     order_id=order.id, money=f"{value:.2f} {order.currency}")


def _money(amount: Any) -> Decimal | None:
    """The amount as a finite Decimal, or None when it is not one ("NaN", "inf", "ten")."""
    text = str(amount).strip()
    if isinstance(amount, bool) or len(text) > _MAX_AMOUNT_CHARS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _facts(ctx: CaseContext, action: str, tier: str, order: Order,
           amount: Decimal | None) -> ActionFacts:
    now = ctx.now()
    return ActionFacts(
        action=action, tier=tier, amount=amount,
        order_age_days=_days_between(order.placed_at, now),
        days_since_delivery=_days_between(order.delivered_at, now) if order.delivered_at else None,
    )


def _days_between(moment: str, now: datetime) -> float | None:
    try:
        then = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (now - then).total_seconds() / 86400


def _took_effect(action: str, args: dict[str, Any], after: Order) -> bool:
    if action == "cancel_order":
        return after.status == "cancelled"
    if action == "refund":
        return after.refunded >= Decimal(args["amount"])
    new = {k: v for k, v in args.items() if k != "order_id"}
    return after.shipping_address.model_dump(exclude_none=True) == new


def _one_line(address: dict[str, Any]) -> str:
    parts = [address.get(k) for k in ("line1", "line2", "city", "postcode", "country")]
    return ", ".join(p for p in parts if p)
