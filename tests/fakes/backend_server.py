"""A reference implementation of `deploy/backend-openapi.yaml` as a real local HTTP server.

It holds a shop in memory (the same JSON shape as the demo data), checks the bearer token,
honours `Idempotency-Key` as the contract asks, records every request, and fails on demand:
error answers, slow answers, and connections dropped before or after the work is done.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.ports import free_port

_KEY_REUSED = "idempotency key already used for a different request"
LABELS = "https://returns.example.com/labels"
"""Where the return labels of both the reference and the demo store are."""


class _Dropped(Exception):
    """Raised after the answer has begun, so the server closes the connection mid-answer."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _Dropped))


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def error(status: int, code: str, message: str) -> JSONResponse:
    """An error answer in the contract's shape."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class ReferenceBackend:
    """Serves the backend contract on a free port.

    Args:
        shop: `{"customers": [...], "orders": [...]}` as in the demo data file.
        token: The bearer token requests must carry.
        routes: More operations, a business's own (their handlers may change `orders`).

    Failures are planned with `fail`, `drop` and `slow`; each planned failure is used by the
    next request it matches (`match` is a prefix of `"METHOD /path"`, e.g. `"POST /orders"`).
    """

    def __init__(self, shop: dict[str, Any], token: str = "backend-token",
                 routes: Sequence[Route] = ()) -> None:
        self.port = free_port()
        self.token = token
        self.customers = {c["id"]: {"phone": None, "tier": "standard", **c}
                          for c in copy.deepcopy(shop["customers"])}
        self.orders = {o["id"]: {"refunded": "0.00", **o} for o in copy.deepcopy(shop["orders"])}
        self.requests: list[dict[str, Any]] = []
        self.effects: list[dict[str, Any]] = []
        """Every write that changed an order or a customer, once each."""
        self._plan: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._done: dict[str, tuple[str, JSONResponse]] = {}
        self._running: dict[str, str] = {}
        extra = routes
        routes = [
            Route("/customers/lookup", self._lookup, methods=["POST"]),
            Route("/customers/{customer_id}", self._customer, methods=["GET"]),
            Route("/customers/{customer_id}/orders", self._customer_orders, methods=["GET"]),
            Route("/orders/{order_id}", self._order, methods=["GET"]),
            Route("/orders/{order_id}/refunds", self._refund, methods=["POST"]),
            Route("/orders/{order_id}/cancel", self._cancel, methods=["POST"]),
            Route("/orders/{order_id}/shipping-address", self._address, methods=["POST"]),
            Route("/orders/{order_id}/returns", self._return, methods=["POST"]),
            Route("/orders/{order_id}/exchanges", self._exchange, methods=["POST"]),
            Route("/orders/{order_id}/reships", self._reship, methods=["POST"]),
            Route("/orders/{order_id}/invoice/resend", self._invoice, methods=["POST"]),
            Route("/customers/{customer_id}/credits", self._credit, methods=["POST"]),
        ]
        self._app = Starlette(routes=[*routes, *extra])
        self._server = uvicorn.Server(uvicorn.Config(self._asgi, host="127.0.0.1", port=self.port,
                                                     interface="asgi3", log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    # Planned failures ------------------------------------------------------------------------

    def fail(self, status: int = 500, times: int | None = 1, match: str = "") -> None:
        """Answer the next `times` matching requests with `status`, doing nothing
        (`times=None`: every one, until `recover`)."""
        self._add({"kind": "status", "status": status}, times, match)

    def drop(self, times: int | None = 1, match: str = "", after_work: bool = False) -> None:
        """Break the connection mid-answer; with `after_work` the request was carried out."""
        self._add({"kind": "drop", "after_work": after_work}, times, match)

    def slow(self, seconds: float, times: int | None = 1, match: str = "") -> None:
        """Take `seconds` before doing the work (a write holds its Idempotency-Key meanwhile)."""
        self._add({"kind": "slow", "seconds": seconds}, times, match)

    def recover(self) -> None:
        """Forget every planned failure."""
        with self._lock:
            self._plan.clear()

    def _add(self, entry: dict[str, Any], times: int | None, match: str) -> None:
        with self._lock:
            self._plan.append({**entry, "times": times, "match": match})

    def _take(self, what: str) -> dict[str, Any] | None:
        with self._lock:
            for entry in self._plan:
                if what.startswith(entry["match"]):
                    if entry["times"] is not None:
                        entry["times"] -= 1
                        if entry["times"] <= 0:
                            self._plan.remove(entry)
                    return entry
        return None

    def writes(self) -> list[dict[str, Any]]:
        """The recorded requests that asked for a change."""
        return [r for r in self.requests
                if r["method"] == "POST" and r["path"] != "/customers/lookup"]

    # The transport: recording and failing ----------------------------------------------------

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self._app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        record: dict[str, Any] = {
            "method": scope["method"], "path": scope["path"],
            "authorization": headers.get("authorization"),
            "idempotency_key": headers.get("idempotency-key"), "status": None,
            "body": b"", "answer": b""}
        self.requests.append(record)
        plan = self._take(f"{scope['method']} {scope['path']}")
        kind = plan["kind"] if plan else None

        async def reading() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                record["body"] += message.get("body", b"")
            return message

        async def recorded(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                record["status"] = message["status"]
            elif message["type"] == "http.response.body":
                record["answer"] += message.get("body", b"")
            await send(message)

        scope.setdefault("state", {})["delay"] = plan["seconds"] if kind == "slow" else 0.0
        if kind == "status":
            response = error(plan["status"], "unavailable", "planned failure")
            return await response(scope, reading, recorded)
        if kind == "drop":
            if plan["after_work"]:
                await self._app(scope, reading, _discard)
            record["status"] = "dropped"
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", b"1000")]})
            raise _Dropped
        await self._app(scope, reading, recorded)

    # Reads -----------------------------------------------------------------------------------

    async def _lookup(self, request: Request) -> JSONResponse:
        if (refused := await self._refuse(request)) is not None:
            return refused
        body = await _body(request)
        if not isinstance(body, dict) or len(body) != 1 or not isinstance(
                body.get("email", body.get("phone")), str):
            return error(400, "invalid_request", "give exactly one of email or phone")
        if "email" in body:
            email = body["email"].strip().lower()
            found = [c for c in self.customers.values() if c["email"].lower() == email]
        else:
            found = [c for c in self.customers.values() if c["phone"] == body["phone"].strip()]
        return JSONResponse({"customers": sorted(found, key=lambda c: c["id"])})

    async def _customer(self, request: Request) -> JSONResponse:
        if (refused := await self._refuse(request)) is not None:
            return refused
        customer = self.customers.get(request.path_params["customer_id"])
        return JSONResponse(customer) if customer else error(404, "not_found", "no such customer")

    async def _customer_orders(self, request: Request) -> JSONResponse:
        if (refused := await self._refuse(request)) is not None:
            return refused
        customer_id = request.path_params["customer_id"]
        if customer_id not in self.customers:
            return error(404, "not_found", "no such customer")
        orders = [o for o in self.orders.values() if o["customer_id"] == customer_id]
        return JSONResponse({"orders": sorted(orders, key=lambda o: o["placed_at"],
                                              reverse=True)})

    async def _order(self, request: Request) -> JSONResponse:
        if (refused := await self._refuse(request)) is not None:
            return refused
        order = self._find_order(request.path_params["order_id"])
        return JSONResponse(order) if order else error(404, "not_found", "no such order")

    # Writes ----------------------------------------------------------------------------------

    async def _refund(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            if not isinstance(body, dict) or body.keys() != {"amount"}:
                return error(400, "invalid_request", "amount needed, and nothing else")
            try:
                amount = Decimal(str(body["amount"]))
            except InvalidOperation:
                return error(400, "invalid_request", "amount must be a decimal string")
            if not amount.is_finite():
                return error(400, "invalid_request", "amount must be a decimal string")
            if order["status"] != "delivered":
                return error(422, "order_not_eligible",
                             f"order is {order['status']}, not delivered")
            left = Decimal(order["total"]) - Decimal(order["refunded"])
            if amount <= 0 or amount > left:
                return error(422, "amount_out_of_range", f"amount must be within 0 and {left}")
            order["refunded"] = f"{Decimal(order['refunded']) + amount:.2f}"
            return _done("RF", request, {"refunded_total": order["refunded"]})

        return await self._write(request, "refund", work)

    async def _cancel(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            if not _fields(body, set()):
                return error(400, "invalid_request", "no fields expected")
            if order["status"] != "processing":
                return error(422, "order_not_eligible",
                             f"order is {order['status']}, not processing")
            order["status"], order["refunded"] = "cancelled", order["total"]
            return _done("CX", request, {"refunded_total": f"{Decimal(order['total']):.2f}"})

        return await self._write(request, "cancel_order", work)

    async def _address(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            required = ("line1", "city", "postcode", "country")
            if not isinstance(body, dict) or not all(
                    isinstance(body.get(k), str) and body[k].strip() for k in required):
                return error(400, "invalid_request", "line1, city, postcode and country needed")
            if order["status"] != "processing":
                return error(422, "order_not_eligible",
                             f"order is {order['status']}, not processing")
            order["shipping_address"] = {k: v for k, v in body.items() if v is not None}
            return _done("AD", request, {})

        return await self._write(request, "change_address", work)

    async def _return(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            if not _fields(body, {"sku"}, {"reason"}):
                return error(400, "invalid_request", "sku (and optionally reason) needed")
            if order["status"] != "delivered":
                return error(422, "not_delivered", f"order is {order['status']}, not delivered")
            if (item := _item(order, body["sku"])) is None:
                return error(422, "unknown_item", f"item {body['sku']} is not in this order")
            if any(r["sku"] == item["sku"] for r in order.get("returns", [])):
                return error(422, "already_returned", f"{item['name']} is already being returned")
            reference = _reference("RT", request)
            label = f"{LABELS}/{order['id']}-{item['sku']}.pdf"
            order["returns"] = [*order.get("returns", []), {
                "reference": reference, "sku": item["sku"], "reason": body.get("reason"),
                "label_url": label, "status": "label_sent"}]
            return _answer(reference, {"return_id": reference, "label_url": label})

        return await self._write(request, "start_return", work)

    async def _exchange(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            if not _fields(body, {"sku", "variant"}):
                return error(400, "invalid_request", "sku and variant needed")
            if order["status"] != "delivered":
                return error(422, "not_delivered", f"order is {order['status']}, not delivered")
            if (item := _item(order, body["sku"])) is None:
                return error(422, "unknown_item", f"item {body['sku']} is not in this order")
            others = [v for v in item.get("variants", []) if v != item.get("variant")]
            if body["variant"] not in others:
                return error(422, "unknown_variant", (
                    f"{item['name']} can only be exchanged for {' or '.join(others)}" if others
                    else f"{item['name']} cannot be exchanged for another variant"))
            reference = _reference("EX", request)
            order["exchanges"] = [*order.get("exchanges", []), {
                "reference": reference, "sku": item["sku"], "variant": body["variant"]}]
            return _answer(reference, {"sku": item["sku"], "variant": body["variant"]})

        return await self._write(request, "exchange_item", work)

    async def _reship(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            if not _fields(body, {"reason"}) or body["reason"] not in ("lost", "damaged"):
                return error(400, "invalid_request", "reason must be lost or damaged")
            if order["status"] not in ("shipped", "delivered"):
                return error(422, "not_shipped", f"order is {order['status']}, not shipped")
            if order.get("reships"):
                return error(422, "already_reshipped", "order was already sent again once")
            reference = _reference("RS", request)
            order["reships"] = [{"reference": reference, "reason": body["reason"]}]
            return _answer(reference, {"reason": body["reason"]})

        return await self._write(request, "reship_order", work)

    async def _invoice(self, request: Request) -> JSONResponse:
        async def work(order: dict[str, Any], body: Any) -> JSONResponse:
            if not _fields(body, set()):
                return error(400, "invalid_request", "no fields expected")
            if not order.get("invoice"):
                return error(422, "no_invoice", "order has no invoice yet")
            reference = _reference("IN", request)
            email = self.customers[order["customer_id"]]["email"]
            order["invoices_sent"] = [*order.get("invoices_sent", []),
                                      {"reference": reference, "sent_to": email}]
            return _answer(reference, {"invoice_url": order["invoice"]["url"]})

        return await self._write(request, "resend_invoice", work)

    async def _credit(self, request: Request) -> JSONResponse:
        async def work(customer: dict[str, Any], body: Any) -> JSONResponse:
            if not _fields(body, {"amount", "currency", "reason"}) or not re.fullmatch(
                    "[A-Z]{3}", body["currency"]):
                return error(400, "invalid_request", "amount, currency and reason needed")
            try:
                amount = Decimal(body["amount"])
            except InvalidOperation:
                return error(400, "invalid_request", "amount must be a decimal string")
            if not amount.is_finite():
                return error(400, "invalid_request", "amount must be a decimal string")
            if amount <= 0:
                return error(422, "amount_out_of_range", "amount must be more than 0")
            reference = _reference("GC", request)
            balance = Decimal(customer.get("store_credit") or "0") + amount
            customer["credits"] = [*customer.get("credits", []), {
                "reference": reference, "amount": f"{amount:.2f}",
                "currency": body["currency"], "reason": body["reason"]}]
            customer["store_credit"] = f"{balance:.2f}"
            return _answer(reference, {"store_credit": customer["store_credit"]})

        return await self._write(request, "goodwill_credit", work, target="customer")

    async def _write(self, request: Request, action: str, work: Any,
                     target: str = "order") -> JSONResponse:
        """Do `work` on the order (or customer) once per Idempotency-Key, as the contract asks."""
        if (refused := await self._refuse(request, wait=False)) is not None:
            return refused
        key = request.headers.get("idempotency-key")
        if not key:
            return error(400, "invalid_request", "an Idempotency-Key header is required")
        body = await _body(request)
        target_id = request.path_params[f"{target}_id"]
        fingerprint = json.dumps([action, target_id, body], sort_keys=True)
        if key in self._done:
            first, answer = self._done[key]
            if first != fingerprint:
                return error(422, "idempotency_key_reused", _KEY_REUSED)
            return answer
        if key in self._running:
            return error(409, "idempotency_key_in_use", "a request with this key is running")
        self._running[key] = fingerprint
        try:
            await asyncio.sleep(request.state.delay)
            found = (self._find_order(target_id) if target == "order"
                     else self.customers.get(target_id))
            if found is None:
                return error(404, "not_found", f"no such {target}")
            answer = await work(found, body)
            if answer.status_code == 200:
                self._done[key] = (fingerprint, answer)
                self.effects.append({"action": action, f"{target}_id": found["id"], "key": key})
            return answer
        finally:
            del self._running[key]

    # Helpers ---------------------------------------------------------------------------------

    async def _refuse(self, request: Request, wait: bool = True) -> JSONResponse | None:
        """401 without the right token; otherwise take the planned delay (if `wait`)."""
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "unauthorized", "a valid bearer token is required")
        if wait:
            await asyncio.sleep(request.state.delay)
        return None

    def _find_order(self, order_id: str) -> dict[str, Any] | None:
        wanted = order_id.strip().lower()
        return next((o for o in self.orders.values() if o["id"].lower() == wanted), None)


def _done(prefix: str, request: Request, detail: dict[str, Any]) -> JSONResponse:
    return _answer(_reference(prefix, request), detail)


def _reference(prefix: str, request: Request) -> str:
    key = request.headers["idempotency-key"]
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:8].upper()}"


def _answer(reference: str, detail: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"reference": reference, "detail": detail})


def _fields(body: Any, required: set[str], optional: frozenset[str] | set[str] = frozenset(),
            ) -> bool:
    """Whether a body has every required field, a non-empty string, and no unknown field (an
    optional one is a string or null)."""
    return (isinstance(body, dict) and required <= body.keys() <= required | optional
            and all(isinstance(body[k], str) and body[k].strip() for k in required)
            and all(isinstance(body.get(k), str | None) for k in optional))


def _item(order: dict[str, Any], sku: str) -> dict[str, Any] | None:
    return next((item for item in order["items"] if item["sku"] == sku), None)


async def _body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return None


async def _discard(message: dict[str, Any]) -> None:
    return None
