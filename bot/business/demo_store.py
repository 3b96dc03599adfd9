"""The embedded demo backend: customers and orders in SQLite, seeded from a JSON file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.business.demo_writes import WRITES, DemoWrite, InvalidRequest, WriteRequest
from bot.storage.database import Connection, Database, Row, isoformat, utcnow
from graph.backend import ActionResult, Address, BackendError, Customer, Order

_CUSTOMER_FIELDS = {"id", "name", "email", "phone", "tier"}
KEY_REUSED = "idempotency key already used for a different request"
_ORDER_COLUMNS = (
    "id, customer_id, status, placed_at, delivered_at, currency, total, refunded, items, "
    "shipping_address, tracking, extra"
)
_UPDATE_ORDER = "UPDATE store_orders SET {} WHERE id = ?".format(
    ", ".join(f"{name.strip()} = ?" for name in _ORDER_COLUMNS.split(",")[1:]))


class DemoDataError(ValueError):
    """The demo data file is not valid; the message says where."""


class _DemoData(BaseModel):
    customers: list[Customer]
    orders: list[Order]


class DemoStore:
    """A `Backend` over SQLite tables, for trying Caseloop and for tests.

    Args:
        database: Caseloop's database; the store keeps its tables there.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def seed(self, path: Path) -> None:
        """Add the customers and orders of a demo file that are not there yet.

        Rows that exist are left alone, so a restart never undoes what the bot did.
        """
        try:
            data = _DemoData.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as error:
            raise DemoDataError(f"{path}: {error}") from None
        async with self._db.transaction() as connection:
            for customer in data.customers:
                extra = customer.model_dump(exclude=_CUSTOMER_FIELDS)
                await connection.execute(
                    "INSERT OR IGNORE INTO store_customers (id, name, email, phone, tier, extra) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (customer.id, customer.name, customer.email, customer.phone, customer.tier,
                     json.dumps(extra)),
                )
            for order in data.orders:
                await connection.execute(
                    f"INSERT OR IGNORE INTO store_orders ({_ORDER_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    _order_row(order),
                )

    async def find_customer_by_email(self, email: str) -> Customer | None:
        row = await self._db.fetchone(
            "SELECT * FROM store_customers WHERE email = ? COLLATE NOCASE", (email.strip(),)
        )
        return _customer(row) if row else None

    async def find_customers_by_phone(self, phone: str) -> list[Customer]:
        rows = await self._db.fetchall("SELECT * FROM store_customers WHERE phone = ? ORDER BY id",
                                       (phone.strip(),))
        return [_customer(row) for row in rows]

    async def get_customer(self, customer_id: str) -> Customer | None:
        row = await self._db.fetchone("SELECT * FROM store_customers WHERE id = ?", (customer_id,))
        return _customer(row) if row else None

    async def list_orders(self, customer_id: str) -> list[Order]:
        rows = await self._db.fetchall(
            f"SELECT {_ORDER_COLUMNS} FROM store_orders WHERE customer_id = ? "
            "ORDER BY placed_at DESC",
            (customer_id,),
        )
        return [_order(row) for row in rows]

    async def get_order(self, order_id: str) -> Order | None:
        row = await self._db.fetchone(
            f"SELECT {_ORDER_COLUMNS} FROM store_orders WHERE id = ? COLLATE NOCASE",
            (order_id.strip(),),
        )
        return _order(row) if row else None

    def operations(self) -> frozenset[str]:
        return frozenset(WRITES)

    async def perform(self, operation: str, target: str, args: Mapping[str, Any],
                      idempotency_key: str) -> ActionResult:
        write = WRITES.get(operation)
        if write is None:
            raise ValueError(f"the demo store has no operation {operation!r} "
                             f"(it has {', '.join(sorted(WRITES))})")
        try:
            return await self._apply(write, target, dict(args), idempotency_key)
        except InvalidRequest as problem:
            raise BackendError(f"{operation} on {target}: invalid request: {problem}") from None

    async def refund(self, order_id: str, amount: Decimal, idempotency_key: str) -> ActionResult:
        return await self.perform("refundOrder", order_id, {"amount": f"{amount:f}"},
                                  idempotency_key)

    async def cancel_order(self, order_id: str, idempotency_key: str) -> ActionResult:
        return await self.perform("cancelOrder", order_id, {}, idempotency_key)

    async def change_address(
        self, order_id: str, address: Address, idempotency_key: str
    ) -> ActionResult:
        return await self.perform("changeShippingAddress", order_id,
                                  address.model_dump(mode="json", exclude_none=True),
                                  idempotency_key)

    async def _apply(self, write: DemoWrite, target: str, args: dict[str, Any],
                     key: str) -> ActionResult:
        """Apply a write once per key; the same key for a different request changes nothing."""
        request = _fingerprint(write.name, target, args)
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "SELECT result FROM store_actions WHERE idempotency_key = ?", (key,)
            )
            done = await cursor.fetchone()
            if done is not None:
                first = json.loads(done[0]).get("request")
                if first is not None and first != request:
                    return ActionResult(ok=False, error=KEY_REUSED)
                return ActionResult.model_validate_json(done[0])
            found = await _load(connection, write.target, target)
            if found is None:
                return ActionResult(ok=False, error=f"no such {write.target}")
            record, email = found
            result = write.rule(WriteRequest(record, args, f"{write.prefix}-{key[:8].upper()}",
                                             email))
            if result.ok:
                await _save(connection, write.target, record)
                await connection.execute(
                    "INSERT INTO store_actions (idempotency_key, action, order_id, result, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (key, write.name, target,
                     json.dumps({**result.model_dump(mode="json"), "request": request}),
                     isoformat(utcnow())),
                )
            return result


async def _load(connection: Connection, kind: str, target: str,
                ) -> tuple[dict[str, Any], str] | None:
    """The order or customer a write is on, as JSON values, and the customer's e-mail."""
    if kind == "customer":
        cursor = await connection.execute("SELECT * FROM store_customers WHERE id = ?", (target,))
        row = await cursor.fetchone()
        return None if row is None else (_customer(row).model_dump(mode="json"), row["email"])
    cursor = await connection.execute(
        f"SELECT {_ORDER_COLUMNS} FROM store_orders WHERE id = ? COLLATE NOCASE", (target.strip(),)
    )
    row = await cursor.fetchone()
    if row is None:
        return None
    order = _order(row)
    cursor = await connection.execute("SELECT email FROM store_customers WHERE id = ?",
                                      (order.customer_id,))
    owner = await cursor.fetchone()
    return order.model_dump(mode="json"), owner[0] if owner else ""


async def _save(connection: Connection, kind: str, record: dict[str, Any]) -> None:
    """Write back what a write changed: an order's state and lists, a customer's extra fields."""
    if kind == "customer":
        customer = Customer.model_validate(record)
        await connection.execute("UPDATE store_customers SET extra = ? WHERE id = ?",
                                 (json.dumps(customer.model_dump(exclude=_CUSTOMER_FIELDS)),
                                  customer.id))
        return
    order_id, *columns = _order_row(Order.model_validate(record))
    await connection.execute(_UPDATE_ORDER, (*columns, order_id))


def _fingerprint(action: str, target: str, params: dict[str, Any]) -> str:
    """What a request asked for, kept beside its result to recognize a reused key."""
    payload = json.dumps([action, target, params], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _order_row(order: Order) -> tuple[Any, ...]:
    known = set(Order.model_fields)
    extra = {k: v for k, v in order.model_dump(mode="json").items() if k not in known}
    return (
        order.id, order.customer_id, order.status, order.placed_at, order.delivered_at,
        order.currency, f"{order.total:.2f}", f"{order.refunded:.2f}",
        json.dumps([item.model_dump(mode="json") for item in order.items]),
        order.shipping_address.model_dump_json(exclude_none=True),
        order.tracking.model_dump_json() if order.tracking else None,
        json.dumps(extra),
    )


def _customer(row: Row) -> Customer:
    extra = json.loads(row["extra"] or "{}")
    return Customer(id=row["id"], name=row["name"], email=row["email"], phone=row["phone"],
                    tier=row["tier"], **extra)


def _order(row: Row) -> Order:
    extra = json.loads(row["extra"] or "{}")
    return Order(
        id=row["id"], customer_id=row["customer_id"], status=row["status"],
        placed_at=row["placed_at"], delivered_at=row["delivered_at"], currency=row["currency"],
        total=Decimal(row["total"]), refunded=Decimal(row["refunded"]),
        items=json.loads(row["items"]), shipping_address=json.loads(row["shipping_address"]),
        tracking=json.loads(row["tracking"]) if row["tracking"] else None, **extra,
    )
