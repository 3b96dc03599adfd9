"""HttpBackend on the wire: headers, retries, timeouts, and never a made-up success."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import httpx
import pytest

from bot.business.http_backend import HttpBackend, http_idempotency_key
from graph.backend import ActionResult, Address, BackendError
from tests.backend.conftest import TOKEN, http_backend_for
from tests.fakes.ports import free_port

NEW_ADDRESS = Address(line1="14 Rue de la Paix", city="Paris", postcode="75002", country="FR")


async def _refunded(backend: HttpBackend, order_id: str = "Q5521") -> Decimal:
    order = await backend.get_order(order_id)
    assert order is not None
    return order.refunded


async def test_every_call_carries_the_bearer_token(http_backend, reference):
    await http_backend.find_customer_by_email("noor.haddad@example.org")
    await http_backend.get_order("Q5521")
    await http_backend.refund("Q5521", Decimal("1.00"), "k1")
    assert {r["authorization"] for r in reference.requests} == {f"Bearer {TOKEN}"}


async def test_writes_carry_an_idempotency_key_derived_from_the_actions(http_backend,
                                                                        reference):
    await http_backend.refund("Q5521", Decimal("1.00"), "5f0c9e2a")
    await http_backend.cancel_order("Q5530", "77aa")
    await http_backend.change_address("Q5530", NEW_ADDRESS, "77ab")
    await http_backend.get_order("Q5521")
    assert [(r["method"], r["path"], r["idempotency_key"]) for r in reference.requests] == [
        ("POST", "/orders/Q5521/refunds", "caseloop-5f0c9e2a"),
        ("POST", "/orders/Q5530/cancel", "caseloop-77aa"),
        ("POST", "/orders/Q5530/shipping-address", "caseloop-77ab"),
        ("GET", "/orders/Q5521", None),
    ]


def test_an_unusual_key_becomes_a_stable_header_value():
    key = "refund for order #12 / é"
    header = http_idempotency_key(key)
    assert header == http_idempotency_key(key) != http_idempotency_key(key + "!")
    assert header.startswith("caseloop-sha256-") and header.isascii() and " " not in header


async def test_a_5xx_is_retried_with_the_same_key_then_succeeds(http_backend, reference):
    reference.fail(500, times=1, match="POST /orders")
    reference.fail(503, times=1, match="POST /orders")
    result = await http_backend.refund("Q5521", Decimal("12.50"), "k-retry")
    assert result.ok
    writes = reference.writes()
    assert [w["status"] for w in writes] == [500, 503, 200]
    assert {w["idempotency_key"] for w in writes} == {"caseloop-k-retry"}
    assert await _refunded(http_backend) == Decimal("12.50")


async def test_reads_are_retried_on_5xx(http_backend, reference):
    reference.fail(502, times=2, match="GET /orders")
    order = await http_backend.get_order("Q5544")
    assert order is not None and order.status == "shipped"
    assert [r["status"] for r in reference.requests] == [502, 502, 200]


async def test_a_connection_dropped_before_the_work_is_retried(http_backend, reference):
    reference.drop(times=1, match="POST /orders")
    assert (await http_backend.cancel_order("Q5530", "k-drop")).ok
    assert [w["status"] for w in reference.writes()] == ["dropped", 200]
    assert len(reference.effects) == 1


async def test_a_refund_whose_answer_was_lost_is_not_done_twice(http_backend, reference):
    reference.drop(times=1, match="POST /orders", after_work=True)
    result = await http_backend.refund("Q5521", Decimal("20.00"), "k-lost")
    assert result.ok and result.detail == {"refunded_total": "20.00"}
    assert [w["status"] for w in reference.writes()] == ["dropped", 200]
    assert [e["key"] for e in reference.effects] == ["caseloop-k-lost"]
    assert await _refunded(http_backend) == Decimal("20.00")


async def test_a_slow_write_is_waited_out_without_doing_it_twice(reference):
    reference.slow(1.0, times=1, match="POST /orders")
    backend = http_backend_for(reference, timeout=0.3, attempts=8, backoff=0.2)
    try:
        result = await backend.refund("Q5521", Decimal("5.00"), "k-slow")
        assert result.ok
        assert await _refunded(backend) == Decimal("5.00")
    finally:
        await backend.close()
    statuses = [w["status"] for w in reference.writes()]
    assert statuses[-1] == 200 and 409 in statuses
    assert len(reference.effects) == 1


async def test_reads_that_time_out_every_time_raise(reference):
    reference.slow(1.0, times=None, match="GET /orders")
    backend = http_backend_for(reference, timeout=0.2, attempts=2)
    try:
        with pytest.raises(BackendError, match="ReadTimeout after 2 attempts"):
            await backend.get_order("Q5521")
    finally:
        await backend.close()


@pytest.mark.parametrize("status", [400, 401, 403, 429])
async def test_a_4xx_on_a_read_is_not_retried(http_backend, reference, status):
    reference.fail(status, times=None)
    with pytest.raises(BackendError, match=f"HTTP {status}"):
        await http_backend.get_order("Q5521")
    assert len(reference.requests) == 1


async def test_a_refused_write_is_not_retried(http_backend, reference):
    result = await http_backend.refund("Q5521", Decimal("99.00"), "k-too-much")
    assert result == ActionResult(ok=False, error="amount must be within 0 and 38.40")
    assert [w["status"] for w in reference.writes()] == [422]


async def test_a_wrong_token_is_an_error_not_an_empty_answer(reference):
    backend = HttpBackend(reference.url, "not-the-token", attempts=3, backoff=0.01)
    try:
        with pytest.raises(BackendError, match="HTTP 401"):
            await backend.find_customer_by_email("noor.haddad@example.org")
        with pytest.raises(BackendError, match="HTTP 401"):
            await backend.refund("Q5521", Decimal("1.00"), "k")
    finally:
        await backend.close()
    assert len(reference.requests) == 2 and reference.effects == []


async def test_a_404_is_none_on_reads_and_a_refusal_on_writes(http_backend, reference):
    assert await http_backend.get_customer("nobody") is None
    assert await http_backend.get_order("nothing") is None
    assert await http_backend.list_orders("nobody") == []
    assert (await http_backend.refund("nothing", Decimal("1"), "k")).error == "no such order"
    assert [r["status"] for r in reference.requests] == [404, 404, 404, 404]


async def test_a_backend_that_keeps_failing_raises_after_the_last_attempt(http_backend,
                                                                        reference):
    reference.fail(503, times=None)
    with pytest.raises(BackendError, match="HTTP 503 after 3 attempts"):
        await http_backend.refund("Q5521", Decimal("10.00"), "k-down")
    reference.recover()
    assert len(reference.writes()) == 3
    assert await _refunded(http_backend) == Decimal("0.00")


async def test_a_backend_nobody_listens_on_raises():
    backend = HttpBackend(f"http://127.0.0.1:{free_port()}", "t", attempts=2, backoff=0.01)
    try:
        with pytest.raises(BackendError, match="ConnectError after 2 attempts"):
            await backend.find_customers_by_phone("+15550001111")
        with pytest.raises(BackendError):
            await backend.cancel_order("Q5530", "k")
    finally:
        await backend.close()


async def test_the_base_url_may_have_a_path_and_a_trailing_slash():
    seen: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "no"}})

    backend = HttpBackend("http://orders.internal/caseloop/v1/", "t",
                          transport=httpx.MockTransport(answer))
    await backend.get_order("A 1/2")
    await backend.close()
    assert seen == [b"/caseloop/v1/orders/A%201%2F2"]


@pytest.mark.parametrize("body", [
    {"status": "done"},
    {"reference": ""},
    {"reference": None},
    "not json",
])
async def test_a_success_without_a_readable_outcome_is_not_taken_for_one(body):
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(200, text=body)
        return httpx.Response(200, json=body)

    backend = HttpBackend("http://orders.internal", "t", transport=httpx.MockTransport(answer))
    try:
        with pytest.raises(BackendError):
            await backend.refund("Q1", Decimal("1.00"), "k")
    finally:
        await backend.close()


@pytest.mark.parametrize("body", [
    {"id": "Q1"},
    {"orders": "none"},
    [],
])
async def test_an_order_the_backend_garbled_is_an_error(body):
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(body).encode(),
                              headers={"content-type": "application/json"})

    backend = HttpBackend("http://orders.internal", "t", transport=httpx.MockTransport(answer))
    try:
        with pytest.raises(BackendError):
            await backend.get_order("Q1")
        with pytest.raises(BackendError):
            await backend.list_orders("K1")
    finally:
        await backend.close()


async def test_retry_after_is_honoured_within_a_bound():
    calls: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return httpx.Response(503, headers={"Retry-After": "0.3"})
        return httpx.Response(200, json={"customers": []})

    backend = HttpBackend("http://orders.internal", "t", backoff=0.01,
                          transport=httpx.MockTransport(answer))
    try:
        assert await backend.find_customer_by_email("x@example.org") is None
    finally:
        await backend.close()
    assert calls[1] - calls[0] >= 0.29
