"""A business's own OpenAPI document: HttpBackend performs its writes with no code of its own."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.business.http_backend import HttpBackend
from bot.business.operations import read_operations
from graph.backend import ActionResult, BackendError

DOCUMENT = """\
openapi: 3.1.0
info: {title: A shop's own backend, version: '2'}
paths:
  /orders/{order_id}:
    get: {operationId: getOrder, responses: {'200': {description: The order.}}}
  /orders/{order_id}/warranty:
    post: {operationId: extendWarranty, responses: {'200': {description: Done.}}}
  /customers/{customer_id}/subscriptions/{subscription_id}/pause:
    parameters:
      - {name: customer_id, in: path, required: true, schema: {type: string}}
    put: {operationId: pauseSubscription, responses: {'200': {description: Done.}}}
  /orders/{order_id}/gift-wrap:
    delete: {operationId: removeGiftWrap, responses: {'200': {description: Done.}}}
  /quotes:
    post: {operationId: quoteShipping, responses: {'200': {description: A quote.}}}
"""


class ShopServer:
    """A tiny backend on a free port: answers from a queue, records every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                server.requests.append({
                    "method": self.command, "path": self.path,
                    "idempotency_key": self.headers.get("Idempotency-Key"),
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(raw) if raw else None})
                status, body = server.answers.pop(0) if server.answers else (
                    200, {"reference": "W-1", "detail": {}})
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_PUT = do_DELETE = do_GET = _answer

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/shop/api"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def shop_server() -> Iterator[ShopServer]:
    server = ShopServer()
    yield server
    server.stop()


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(DOCUMENT)
    return path


@pytest.fixture
async def shop(shop_server: ShopServer, document: Path):
    backend = HttpBackend(shop_server.url, "shop-token", openapi=document, backoff=0.01)
    yield backend
    await backend.close()


async def test_the_writes_are_those_the_document_declares_on_an_order_or_a_customer(shop):
    assert shop.operations() == {"extendWarranty", "pauseSubscription", "removeGiftWrap"}


async def test_a_declared_write_is_performed_as_the_document_says(shop, shop_server):
    shop_server.answers.append((200, {"reference": "WR-77", "detail": {"until": "2029-01-01"}}))
    result = await shop.perform("extendWarranty", "A-1/2", {"months": 24, "plan": "gold"}, "k1")
    assert result == ActionResult(ok=True, reference="WR-77", detail={"until": "2029-01-01"})
    assert shop_server.requests == [{
        "method": "POST", "path": "/shop/api/orders/A-1%2F2/warranty",
        "idempotency_key": "caseloop-k1", "authorization": "Bearer shop-token",
        "body": {"months": 24, "plan": "gold"}}]


async def test_other_path_parameters_come_from_the_arguments(shop, shop_server):
    assert (await shop.perform("pauseSubscription", "C 7",
                               {"subscription_id": "S-9", "until": "2027-03-01"}, "k2")).ok
    assert (await shop.perform("removeGiftWrap", "A-1", {}, "k3")).ok
    assert [(r["method"], r["path"], r["body"]) for r in shop_server.requests] == [
        ("PUT", "/shop/api/customers/C%207/subscriptions/S-9/pause", {"until": "2027-03-01"}),
        ("DELETE", "/shop/api/orders/A-1/gift-wrap", None)]


async def test_a_refusal_is_the_backends_message_for_the_customer(shop, shop_server):
    shop_server.answers.append((422, {"error": {"code": "expired",
                                                "message": "the warranty ran out in May"}}))
    assert await shop.perform("extendWarranty", "A-1", {}, "k") == ActionResult(
        ok=False, error="the warranty ran out in May")
    shop_server.answers.append((404, {"error": {"code": "not_found", "message": ""}}))
    assert await shop.perform("pauseSubscription", "C-0", {"subscription_id": "S"}, "k") == (
        ActionResult(ok=False, error="no such customer"))


async def test_a_failing_write_is_retried_with_its_key_then_raises(shop, shop_server):
    shop_server.answers.extend([(503, {}), (200, {"reference": "WR-1"})])
    assert (await shop.perform("extendWarranty", "A-1", {"months": 12}, "k-retry")).ok
    shop_server.answers.extend([(500, {})] * 3)
    with pytest.raises(BackendError, match="HTTP 500 after 3 attempts"):
        await shop.perform("extendWarranty", "A-2", {"months": 12}, "k-down")
    assert [(r["path"], r["idempotency_key"]) for r in shop_server.requests] == [
        ("/shop/api/orders/A-1/warranty", "caseloop-k-retry")] * 2 + [
        ("/shop/api/orders/A-2/warranty", "caseloop-k-down")] * 3


@pytest.mark.parametrize(("operation", "args"), [
    ("refundOrder", {"amount": "1.00"}),
    ("getOrder", {}),
    ("quoteShipping", {}),
    ("pauseSubscription", {"until": "2027-03-01"}),
])
async def test_what_the_document_does_not_declare_is_a_mistake(shop, shop_server, operation,
                                                               args):
    with pytest.raises(ValueError):
        await shop.perform(operation, "A-1", args, "k")
    assert shop_server.requests == []


def test_a_document_that_cannot_be_read_stops_the_start(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\npaths: [\n")
    with pytest.raises(ValueError, match="cannot read"):
        HttpBackend("http://orders.internal", openapi=broken)
    with pytest.raises(ValueError, match="no `paths`"):
        read_operations(_written(tmp_path / "empty.yaml", "openapi: 3.1.0\n"))
    with pytest.raises(ValueError, match="two operations"):
        read_operations(_written(tmp_path / "twice.yaml", DOCUMENT + """\
  /orders/{order_id}/warranty-again:
    post: {operationId: extendWarranty}
"""))


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
