"""The embedded demo backend: customers and orders in SQLite, seeded from a JSON file."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.storage.database import Connection, Database, Row, isoformat, utcnow
from graph.backend import ActionResult, Address, Customer, Order

_CUSTOMER_FIELDS = {"id", "name", "email", "phone", "tier"}
KEY_REUSED = "idempotency key already used for a different request"
_ORDER_COLUMNS = (
    "id, customer_id, status, placed_at, delivered_at, currency, total, refunded, items, "
    "shipping_address, tracking, extra"
)


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

    async def refund(self, order_id: str, amount: Decimal, idempotency_key: str) -> ActionResult:
        async def apply(connection: Connection, order: Order) -> ActionResult:
            if order.status != "delivered":
                return ActionResult(ok=False, error=f"order is {order.status}, not delivered")
            if amount <= 0 or amount > order.refundable:
                return ActionResult(ok=False,
                                    error=f"amount must be within 0 and {order.refundable}")
            refunded = order.refunded + amount
            await connection.execute(
                "UPDATE store_orders SET refunded = ? WHERE id = ?", (f"{refunded:.2f}", order.id)
            )
            return ActionResult(ok=True, reference=f"RF-{idempotency_key[:8].upper()}",
                                detail={"refunded_total": f"{refunded:.2f}"})

        return await self._apply("refund", order_id, {"amount": f"{amount:f}"},
                                 idempotency_key, apply)

    async def cancel_order(self, order_id: str, idempotency_key: str) -> ActionResult:
        async def apply(connection: Connection, order: Order) -> ActionResult:
            if order.status != "processing":
                return ActionResult(ok=False, error=f"order is {order.status}, not processing")
            await connection.execute(
                "UPDATE store_orders SET status = 'cancelled', refunded = total WHERE id = ?",
                (order.id,),
            )
            return ActionResult(ok=True, reference=f"CX-{idempotency_key[:8].upper()}",
                                detail={"refunded_total": f"{order.total:.2f}"})

        return await self._apply("cancel_order", order_id, {}, idempotency_key, apply)

    async def change_address(
        self, order_id: str, address: Address, idempotency_key: str
    ) -> ActionResult:
        async def apply(connection: Connection, order: Order) -> ActionResult:
            if order.status != "processing":
                return ActionResult(ok=False, error=f"order is {order.status}, not processing")
            await connection.execute(
                "UPDATE store_orders SET shipping_address = ? WHERE id = ?",
                (address.model_dump_json(exclude_none=True), order.id),
            )
            return ActionResult(ok=True, reference=f"AD-{idempotency_key[:8].upper()}")

        return await self._apply("change_address", order_id,
                                 address.model_dump(mode="json", exclude_none=True),
                                 idempotency_key, apply)

    async def _apply(self, action: str, order_id: str, params: dict[str, Any], key: str,
                     apply: Any) -> ActionResult:
        """Apply an action once per key; the same key for a different request changes nothing."""
        request = _fingerprint(action, order_id, params)
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
            cursor = await connection.execute(
                f"SELECT {_ORDER_COLUMNS} FROM store_orders WHERE id = ?", (order_id,)
            )
            row = await cursor.fetchone()
            if row is None:
                return ActionResult(ok=False, error="no such order")
            result: ActionResult = await apply(connection, _order(row))
            if result.ok:
                await connection.execute(
                    "INSERT INTO store_actions (idempotency_key, action, order_id, result, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (key, action, order_id,
                     json.dumps({**result.model_dump(mode="json"), "request": request}),
                     isoformat(utcnow())),
                )
            return result


def _fingerprint(action: str, order_id: str, params: dict[str, Any]) -> str:
    """What a request asked for, kept beside its result to recognize a reused key."""
    payload = json.dumps([action, order_id, params], sort_keys=True, separators=(",", ":"))
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
