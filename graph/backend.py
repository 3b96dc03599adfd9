"""The business's systems as the agent sees them: customers, orders and the actions on them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

OrderStatus = Literal["processing", "shipped", "delivered", "cancelled"]
Tier = Literal["standard", "vip"]


class Customer(BaseModel):
    """A customer of the business."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    name: str
    email: str
    phone: str | None = None
    tier: Tier = "standard"


class Address(BaseModel):
    """A postal address."""

    model_config = ConfigDict(frozen=True, extra="allow")

    line1: str
    line2: str | None = None
    city: str
    postcode: str
    country: str


class Item(BaseModel):
    """One line of an order."""

    model_config = ConfigDict(frozen=True, extra="allow")

    sku: str
    name: str
    qty: int = 1
    unit_price: Decimal


class Tracking(BaseModel):
    """Where a shipment is."""

    model_config = ConfigDict(frozen=True, extra="allow")

    carrier: str
    number: str
    eta: str | None = None


class Order(BaseModel):
    """An order as the backend holds it."""

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    customer_id: str
    status: OrderStatus
    placed_at: str
    delivered_at: str | None = None
    currency: str
    total: Decimal
    refunded: Decimal = Decimal("0.00")
    items: list[Item] = Field(default_factory=list)
    shipping_address: Address
    tracking: Tracking | None = None

    @property
    def refundable(self) -> Decimal:
        """What can still be refunded on this order."""
        return self.total - self.refunded


class ActionResult(BaseModel):
    """What a backend action did."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    reference: str | None = None
    """The backend's reference for what it did (refund id, cancellation id)."""
    error: str | None = None
    """Why it did nothing, when `ok` is false."""
    detail: dict[str, Any] = Field(default_factory=dict)


class BackendError(Exception):
    """The backend could not be reached or failed; nothing is known to have changed."""


class Backend(Protocol):
    """What Caseloop needs from the business's order and billing systems.

    Every write takes an idempotency key: a second call with the same key changes nothing and
    returns the first call's result; the same key for a different request changes nothing and
    is refused (`ok` false).
    """

    async def find_customer_by_email(self, email: str) -> Customer | None: ...

    async def get_customer(self, customer_id: str) -> Customer | None: ...

    async def find_customers_by_phone(self, phone: str) -> list[Customer]:
        """Every customer whose phone on file is this E.164 number (more than one is a conflict)."""
        ...

    async def list_orders(self, customer_id: str) -> list[Order]: ...

    async def get_order(self, order_id: str) -> Order | None: ...

    def operations(self) -> frozenset[str]:
        """The operationIds of the writes this backend can perform."""
        ...

    async def perform(self, operation: str, target: str, args: Mapping[str, Any],
                      idempotency_key: str) -> ActionResult:
        """Run one write of the business on an order or a customer.

        Args:
            operation: An operationId of the backend's OpenAPI document, one of `operations()`.
            target: The order's id for operations under `/orders/{order_id}`, the customer's id
                under `/customers/{customer_id}`.
            args: The action's other arguments, JSON values (the request body).
            idempotency_key: The action's key: the same key again changes nothing and returns
                the first answer.

        Returns:
            What was done; a refusal (unknown id, the order's state, the amount) is `ok` false
            with `error` the message for the customer.

        Raises:
            ValueError: `operation` is not one of `operations()`, or `args` lack a path
                parameter it needs.
            BackendError: The backend is down, failed, or could not read the request; nothing
                changed.
        """
        ...
