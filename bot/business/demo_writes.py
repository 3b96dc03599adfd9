"""What each write of the demo store does to an order or a customer, by operationId.

The rules and the refusals are those of the backend contract (`deploy/backend-openapi.yaml`),
so that the demo store answers as a business's own backend would. A rule reads and changes a
record as JSON values; the store loads it, keeps the change when the write succeeds, and makes
every write happen once per idempotency key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError

from graph.backend import ActionResult, Address

LABELS = "https://returns.example.com/labels"
"""Where the demo store's return labels are."""
_CURRENCY = re.compile(r"[A-Z]{3}")


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


def _start_return(request: WriteRequest) -> ActionResult:
    order, args = request.record, request.args
    _expect(args, {"sku"}, {"reason"})
    sku, reason = _text(args, "sku"), args.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise InvalidRequest("reason must be a string")
    if order["status"] != "delivered":
        return _refused(f"order is {order['status']}, not delivered")
    if (item := _item(order, sku)) is None:
        return _refused(f"item {sku} is not in this order")
    if any(entry["sku"] == item["sku"] for entry in order.get("returns", [])):
        return _refused(f"{item['name']} is already being returned")
    label = f"{LABELS}/{order['id']}-{item['sku']}.pdf"
    order["returns"] = [*order.get("returns", []), {
        "reference": request.reference, "sku": item["sku"], "reason": reason,
        "label_url": label, "status": "label_sent"}]
    return _done(request, return_id=request.reference, label_url=label)


def _exchange_item(request: WriteRequest) -> ActionResult:
    order, args = request.record, request.args
    _expect(args, {"sku", "variant"})
    sku, variant = _text(args, "sku"), _text(args, "variant")
    if order["status"] != "delivered":
        return _refused(f"order is {order['status']}, not delivered")
    if (item := _item(order, sku)) is None:
        return _refused(f"item {sku} is not in this order")
    others = [v for v in item.get("variants", []) if v != item.get("variant")]
    if variant not in others:
        return _refused(f"{item['name']} can only be exchanged for {' or '.join(others)}"
                        if others else f"{item['name']} cannot be exchanged for another variant")
    order["exchanges"] = [*order.get("exchanges", []),
                          {"reference": request.reference, "sku": item["sku"], "variant": variant}]
    return _done(request, sku=item["sku"], variant=variant)


def _reship_order(request: WriteRequest) -> ActionResult:
    order = request.record
    _expect(request.args, {"reason"})
    reason = _text(request.args, "reason")
    if reason not in ("lost", "damaged"):
        raise InvalidRequest("reason must be lost or damaged")
    if order["status"] not in ("shipped", "delivered"):
        return _refused(f"order is {order['status']}, not shipped")
    if order.get("reships"):
        return _refused("order was already sent again once")
    order["reships"] = [{"reference": request.reference, "reason": reason}]
    return _done(request, reason=reason)


def _resend_invoice(request: WriteRequest) -> ActionResult:
    order = request.record
    _expect(request.args, set())
    if not order.get("invoice"):
        return _refused("order has no invoice yet")
    order["invoices_sent"] = [*order.get("invoices_sent", []),
                              {"reference": request.reference, "sent_to": request.email}]
    return _done(request, invoice_url=order["invoice"]["url"])


def _goodwill_credit(request: WriteRequest) -> ActionResult:
    customer, args = request.record, request.args
    _expect(args, {"amount", "currency", "reason"})
    amount, currency = _decimal(_text(args, "amount")), _text(args, "currency")
    reason = _text(args, "reason")
    if not _CURRENCY.fullmatch(currency):
        raise InvalidRequest("currency must be an ISO 4217 code")
    if amount <= 0:
        return _refused("amount must be more than 0")
    balance = Decimal(customer.get("store_credit") or "0") + amount
    customer["credits"] = [*customer.get("credits", []), {
        "reference": request.reference, "amount": f"{amount:.2f}", "currency": currency,
        "reason": reason}]
    customer["store_credit"] = f"{balance:.2f}"
    return _done(request, store_credit=customer["store_credit"])


WRITES: dict[str, DemoWrite] = {
    "refundOrder": DemoWrite("refund", "order", "RF", _refund),
    "cancelOrder": DemoWrite("cancel_order", "order", "CX", _cancel),
    "changeShippingAddress": DemoWrite("change_address", "order", "AD", _change_address),
    "startReturn": DemoWrite("start_return", "order", "RT", _start_return),
    "exchangeItem": DemoWrite("exchange_item", "order", "EX", _exchange_item),
    "reshipOrder": DemoWrite("reship_order", "order", "RS", _reship_order),
    "resendInvoice": DemoWrite("resend_invoice", "order", "IN", _resend_invoice),
    "goodwillCredit": DemoWrite("goodwill_credit", "customer", "GC", _goodwill_credit),
}
"""Every write of the demo store, by the contract's operationId."""


def _expect(args: Mapping[str, Any], required: set[str], optional: set[str] | None = None,
            ) -> None:
    missing = required - args.keys()
    unknown = args.keys() - required - (optional or set())
    if missing or unknown:
        raise InvalidRequest(f"missing {sorted(missing)}, unknown {sorted(unknown)}")


def _text(args: Mapping[str, Any], name: str) -> str:
    value = args[name]
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{name} must be a non-empty string")
    return value


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


def _item(order: dict[str, Any], sku: str) -> dict[str, Any] | None:
    return next((item for item in order["items"] if item["sku"] == sku), None)


def _refused(message: str) -> ActionResult:
    return ActionResult(ok=False, error=message)


def _done(request: WriteRequest, **detail: Any) -> ActionResult:
    return ActionResult(ok=True, reference=request.reference, detail=detail)
