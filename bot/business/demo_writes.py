"""What each write of the demo store does to an order or a customer, by operationId.

The rules and the refusals are those of the backend contract (`deploy/backend-openapi.yaml`),
so that the demo store answers as a business's own backend would. A rule reads and changes a
record as JSON values; the store loads it, keeps the change when the write succeeds, and makes
every write happen once per idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError

from graph.backend import ActionResult, Address


class InvalidRequest(ValueError):
    """The arguments do not fit the operation (a `400` over HTTP); nothing changed."""


@dataclass(frozen=True)
class WriteRequest:
    """One write asked of the demo store."""

    record: dict[str, Any]
    """The order or the customer as JSON values; a write that succeeds changes it in place."""
    args: Mapping[str, Any]
    """The request body: the action's arguments."""
    reference: str
    """The reference a write that succeeds answers with."""
    email: str
    """The customer's e-mail address (for an order, its customer's)."""


@dataclass(frozen=True)
class DemoWrite:
    """One operation of the contract, as the demo store performs it."""

    name: str
    """What the store records beside the idempotency key (the first three keep their names)."""
    target: Literal["order", "customer"]
    """Whether the target id is an order's or a customer's."""
    prefix: str
    """The start of the references it answers with."""
    rule: Callable[[WriteRequest], ActionResult]
    """Checks the request, and changes the record when it is allowed."""


def _refund(request: WriteRequest) -> ActionResult:
    order = request.record
    _expect(request.args, {"amount"})
    amount = _decimal(request.args["amount"])
    if order["status"] != "delivered":
        return _refused(f"order is {order['status']}, not delivered")
    left = Decimal(order["total"]) - Decimal(order["refunded"])
    if amount <= 0 or amount > left:
        return _refused(f"amount must be within 0 and {left}")
    order["refunded"] = f"{Decimal(order['refunded']) + amount:.2f}"
    return _done(request, refunded_total=order["refunded"])


def _cancel(request: WriteRequest) -> ActionResult:
    order = request.record
    _expect(request.args, set())
    if order["status"] != "processing":
        return _refused(f"order is {order['status']}, not processing")
    order["status"], order["refunded"] = "cancelled", order["total"]
    return _done(request, refunded_total=f"{Decimal(order['total']):.2f}")


def _change_address(request: WriteRequest) -> ActionResult:
    order = request.record
    try:
        address = Address.model_validate(dict(request.args))
    except ValidationError as problem:
        raise InvalidRequest(f"not an address: {problem.errors()[0]['loc']}") from None
    if order["status"] != "processing":
        return _refused(f"order is {order['status']}, not processing")
    order["shipping_address"] = address.model_dump(mode="json", exclude_none=True)
    return _done(request)


WRITES: dict[str, DemoWrite] = {
    "refundOrder": DemoWrite("refund", "order", "RF", _refund),
    "cancelOrder": DemoWrite("cancel_order", "order", "CX", _cancel),
    "changeShippingAddress": DemoWrite("change_address", "order", "AD", _change_address),
}
"""Every write of the demo store, by the contract's operationId."""


def _expect(args: Mapping[str, Any], required: set[str], optional: set[str] | None = None,
            ) -> None:
    missing = required - args.keys()
    unknown = args.keys() - required - (optional or set())
    if missing or unknown:
        raise InvalidRequest(f"missing {sorted(missing)}, unknown {sorted(unknown)}")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InvalidRequest("amount must be a decimal string")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidRequest("amount must be a decimal string") from None
    if not amount.is_finite():
        raise InvalidRequest("amount must be a decimal string")
    return amount


def _refused(message: str) -> ActionResult:
    return ActionResult(ok=False, error=message)


def _done(request: WriteRequest, **detail: Any) -> ActionResult:
    return ActionResult(ok=True, reference=request.reference, detail=detail)
