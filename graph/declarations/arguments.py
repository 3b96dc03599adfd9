"""An action's arguments checked against its declaration and the customer's order: the schema,
the order's status and age, the item it names, the sum of money it takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jsonschema import Draft202012Validator

from graph.backend import Order
from graph.catalogs import N_, _
from graph.declarations.model import Declaration
from graph.declarations.templates import fill

INCOMPLETE = N_("I need a few more details to do that. Could you tell me what you'd like?")
WRONG_ARGUMENT = N_("I couldn't use the {argument} given for that. Could you tell me again?")
NOT_NOW = N_("That isn't possible for order {order_id} at this stage.")
PAST_WINDOW = N_("Order {order_id} is past the {days}-day window for that.")
UNKNOWN_ITEM = N_("I couldn't find that item on order {order_id}. Which item is it?")
NOTHING_LEFT = N_("Order {order_id} has already been refunded in full.")
TOO_MUCH = N_("The most I can refund on order {order_id} is {left} {currency}.")
BAD_AMOUNT = N_("The amount must be between 0.01 and {left} {currency} for order {order_id}.")
CENT = Decimal("0.01")
LARGEST = Decimal(10) ** 12
"""No sum of money in a customer's request is this large: it is refused, not rounded."""
MAX_ARGUMENT_CHARS = 1000
"""A longer argument is refused unread (no pattern of the declaration runs on it)."""
MAX_AMOUNT_CHARS = 32
"""A longer amount is no sum of money: it is refused unread."""


class ActionRejected(Exception):
    """The action cannot be done as asked; the message is for the customer.

    Attributes:
        refundable: For a sum refused for its size, the most it may be.
    """

    def __init__(self, message: str, *, refundable: Decimal | None = None) -> None:
        super().__init__(message)
        self.refundable = refundable


@dataclass(frozen=True)
class Checked:
    """The arguments as the action will run with them, and what the policy and the sentences
    are told."""

    args: dict[str, Any]
    values: dict[str, Any]
    amount: Decimal | None = None
    order_age_days: float | None = None
    days_since_delivery: float | None = None
    item_count: int | None = None


def check_arguments(declared: Declaration, given: dict[str, Any], order: Order | None,
                    now: datetime) -> Checked:
    """Check the model's arguments for a declared action on this order (None for an action on
    the account).

    Raises:
        ActionRejected: what is wrong, in words for the customer.
    """
    values: dict[str, Any] = {}
    if order is not None:
        values.update(order_id=order.id, currency=order.currency, status=order.status,
                      total=f"{order.total:.2f} {order.currency}")
        _check_status(declared, order, values)
    incomplete = fill(_(declared.incomplete or INCOMPLETE), values)
    args = _cleaned(declared, given, incomplete)
    if order is not None:
        args["order_id"] = order.id
    values = {**args, **values}
    age = _days_between(order.placed_at, now) if order else None
    delivered = _days_between(order.delivered_at, now) if order and order.delivered_at else None
    if declared.window is not None and order is not None:
        since = age if declared.window.since == "placed_at" else delivered
        days = f"{declared.window.days:g}"
        if since is None or since > declared.window.days:
            raise ActionRejected(fill(_(declared.window.refusal or PAST_WINDOW),
                                      {**values, "days": days}))
    if declared.item is not None and order is not None:
        item = _item(order, str(args.get(declared.item, "")))
        if item is None:
            raise ActionRejected(_(UNKNOWN_ITEM).format(order_id=order.id))
        args[declared.item] = values[declared.item] = item.sku
        values["item_name"] = item.name
    for name, parts in declared.joined.items():
        values[name] = ", ".join(str(args[p]) for p in parts if args.get(p) not in (None, ""))
    amount = _amount(declared, args, order, values, incomplete)
    return Checked(args, values, amount, age, delivered,
                   sum(i.qty for i in order.items) if order else None)


def _cleaned(declared: Declaration, given: dict[str, Any], incomplete: str) -> dict[str, Any]:
    """The declared arguments the model gave (none empty, texts trimmed), valid by the schema."""
    args: dict[str, Any] = {}
    for name in declared.argument_names:
        value = given.get(name)
        if isinstance(value, str):
            if len(value) > MAX_ARGUMENT_CHARS:
                raise ActionRejected(incomplete)
            value = value.strip()
        if value not in (None, ""):
            args[name] = value
    if declared.applies_to == "order":
        args["order_id"] = str(args.get("order_id", "")).lstrip("#").upper()
    problem = next(Draft202012Validator(declared.arguments).iter_errors(args), None)
    if problem is not None:
        named = next((str(p) for p in problem.path), "")
        if declared.incomplete is None and named in args:
            raise ActionRejected(_(WRONG_ARGUMENT).format(argument=named.replace("_", " ")))
        raise ActionRejected(incomplete)
    return args


def _check_status(declared: Declaration, order: Order, values: dict[str, Any]) -> None:
    if order.status in declared.statuses:
        return
    said = declared.refusals.get(order.status) or (NOT_NOW,)
    raise ActionRejected(" ".join(fill(_(sentence), values) for sentence in said))


def _item(order: Order, named: str) -> Any:
    """The order's item with this SKU or name (or the only item whose name contains it)."""
    wanted = named.casefold().strip()
    for item in order.items:
        if wanted in (item.sku.casefold(), item.name.casefold()):
            return item
    close = [item for item in order.items if wanted and wanted in item.name.casefold()]
    return close[0] if len(close) == 1 else None


def _amount(declared: Declaration, args: dict[str, Any], order: Order | None,
            values: dict[str, Any], incomplete: str) -> Decimal | None:
    """The sum of money the action takes, bounded as declared, written into `args` with two
    decimals and into the sentences' `money` with its currency."""
    rule = declared.amount
    if rule is None:
        return None
    figures = {"refundable": order.refundable, "total": order.total} if order else {}
    bound = figures.get(rule.at_most or "")
    currency = order.currency if order else str(args.get("currency", ""))
    limit = {"order_id": order.id if order else "", "currency": currency,
             "left": f"{bound:.2f}" if bound is not None else ""}
    if bound is not None and bound <= 0:
        raise ActionRejected(_(NOTHING_LEFT).format(**limit))
    raw = args.get(rule.argument)
    if raw is None:
        if rule.default is None or rule.default not in figures:
            raise ActionRejected(incomplete)
        value: Decimal | None = figures[rule.default]
    else:
        value = _money(raw)
    if value is None or value < CENT:  # not a number, not finite, zero, negative, under a cent
        if bound is None:
            raise ActionRejected(incomplete)
        raise ActionRejected(_(BAD_AMOUNT).format(**limit), refundable=bound)
    if bound is not None and value > bound:
        raise ActionRejected(_(TOO_MUCH).format(**limit), refundable=bound)
    value = value.quantize(CENT)
    args[rule.argument] = values[rule.argument] = f"{value:.2f}"
    values["money"] = f"{value:.2f} {currency}".strip()
    return value


def _money(amount: Any) -> Decimal | None:
    """The amount as a finite Decimal, or None when it is not one ("NaN", "inf", "ten")."""
    text = str(amount).strip()
    if isinstance(amount, bool) or len(text) > MAX_AMOUNT_CHARS:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < LARGEST else None


def _days_between(moment: str, now: datetime) -> float | None:
    try:
        then = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (now - then).total_seconds() / 86400
