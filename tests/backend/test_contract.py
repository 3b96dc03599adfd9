"""The backend contract, run on the demo store and over HTTP on the reference server alike."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from bot.business.demo_store import KEY_REUSED
from graph.backend import ActionResult, Address, Backend
from tests.backend.conftest import http_backend_for, open_demo_store

NEW_ADDRESS = Address(line1="14 Rue de la Paix", city="Paris", postcode="75002", country="FR")


async def test_a_customer_is_found_by_email_whatever_its_case_and_spaces(backend: Backend):
    noor = await backend.find_customer_by_email("noor.haddad@example.org")
    assert noor is not None and (noor.id, noor.name, noor.tier) == ("K-77", "Noor Haddad",
                                                                    "standard")
    assert await backend.find_customer_by_email("  NOOR.Haddad@Example.ORG ") == noor
    assert await backend.find_customer_by_email("nobody@example.org") is None


async def test_extra_customer_fields_are_kept(backend: Backend):
    ines = await backend.find_customer_by_email("ines.duarte@example.com")
    assert ines is not None and ines.model_dump()["loyalty"] == "gold"
    assert await backend.get_customer("K-55") == ines


async def test_customers_are_found_by_phone_all_of_them(backend: Backend):
    assert [c.id for c in await backend.find_customers_by_phone("+33612345678")] == ["K-77"]
    assert [c.id for c in await backend.find_customers_by_phone("+15550001111")] == ["K-88",
                                                                                      "K-99"]
    assert await backend.find_customers_by_phone("+15559999999") == []


async def test_customers_are_read_by_id_and_unknown_ids_are_none(backend: Backend):
    bart = await backend.get_customer("K-88")
    assert bart is not None and (bart.email, bart.tier) == ("bart@okafor.example", "vip")
    assert await backend.get_customer("K-00") is None


async def test_orders_are_listed_newest_first(backend: Backend):
    orders = await backend.list_orders("K-77")
    assert sorted(o.id for o in orders) == ["Q5521", "Q5530", "Q5544", "Q5560"]
    placed = [o.placed_at for o in orders]
    assert placed == sorted(placed, reverse=True)
    assert [o.id for o in await backend.list_orders("K-55")] == []
    assert await backend.list_orders("K-00") == []


async def test_an_order_reads_back_whole(backend: Backend):
    order = await backend.get_order("Q5544")
    assert order is not None
    assert (order.customer_id, order.status, order.currency, order.total, order.refunded) == (
        "K-77", "shipped", "EUR", Decimal("64.00"), Decimal("0.00"))
    assert order.tracking is not None and order.tracking.number == "DPD-998877"
    assert [(i.name, i.qty, i.unit_price) for i in order.items] == [("Rug", 1, Decimal("64.00"))]
    assert order.shipping_address.city == "Lyon"
    assert await backend.get_order(" q5544 ") == order
    assert await backend.get_order("Q0000") is None


async def test_a_refund_is_done_once_per_key(backend: Backend):
    first = await backend.refund("Q5521", Decimal("12.50"), "key-refund-1")
    assert first.ok and first.reference and first.detail == {"refunded_total": "12.50"}
    again = await backend.refund("Q5521", Decimal("12.50"), "key-refund-1")
    assert again == first
    assert (await backend.get_order("Q5521")).refunded == Decimal("12.50")


async def test_two_keys_are_two_refunds(backend: Backend):
    assert (await backend.refund("Q5521", Decimal("10.00"), "key-a")).ok
    second = await backend.refund("Q5521", Decimal("10.00"), "key-b")
    assert second.ok and second.detail == {"refunded_total": "20.00"}
    assert (await backend.get_order("Q5521")).refunded == Decimal("20.00")


async def test_a_key_reused_for_a_different_request_changes_nothing(backend: Backend):
    assert (await backend.refund("Q5521", Decimal("5.00"), "key-reused")).ok
    for reuse in (backend.refund("Q5521", Decimal("30.00"), "key-reused"),
                  backend.refund("Q5560", Decimal("5.00"), "key-reused"),
                  backend.cancel_order("Q5530", "key-reused")):
        assert await reuse == ActionResult(ok=False, error=KEY_REUSED)
    assert (await backend.get_order("Q5521")).refunded == Decimal("5.00")
    assert (await backend.get_order("Q5560")).refunded == Decimal("0.00")
    assert (await backend.get_order("Q5530")).status == "processing"


async def test_a_refund_beyond_what_was_paid_is_refused(backend: Backend):
    assert (await backend.refund("Q5521", Decimal("30.00"), "key-1")).ok
    refused = await backend.refund("Q5521", Decimal("8.41"), "key-2")
    assert refused == ActionResult(ok=False, error="amount must be within 0 and 8.40")
    assert (await backend.refund("Q5521", Decimal("8.40"), "key-3")).ok
    assert (await backend.get_order("Q5521")).refunded == Decimal("38.40")
    assert not (await backend.refund("Q5521", Decimal("0.01"), "key-4")).ok


async def test_a_refund_of_nothing_or_less_is_refused(backend: Backend):
    for amount in ("0", "-5.00"):
        result = await backend.refund("Q5521", Decimal(amount), f"key-{amount}")
        assert result == ActionResult(ok=False, error="amount must be within 0 and 38.40")
    assert (await backend.get_order("Q5521")).refunded == Decimal("0.00")


async def test_only_delivered_orders_are_refunded(backend: Backend):
    refused = await backend.refund("Q5544", Decimal("10.00"), "key-1")
    assert refused == ActionResult(ok=False, error="order is shipped, not delivered")
    assert (await backend.get_order("Q5544")).refunded == Decimal("0.00")


async def test_writes_on_an_unknown_order_are_refused(backend: Backend):
    expected = ActionResult(ok=False, error="no such order")
    assert await backend.refund("Q0000", Decimal("1.00"), "key-1") == expected
    assert await backend.cancel_order("Q0000", "key-2") == expected
    assert await backend.change_address("Q0000", NEW_ADDRESS, "key-3") == expected


async def test_cancelling_refunds_the_whole_order_once(backend: Backend):
    first = await backend.cancel_order("Q5530", "key-cancel")
    assert first.ok and first.reference and first.detail == {"refunded_total": "210.00"}
    assert await backend.cancel_order("Q5530", "key-cancel") == first
    order = await backend.get_order("Q5530")
    assert (order.status, order.refunded) == ("cancelled", Decimal("210.00"))
    assert await backend.cancel_order("Q5530", "key-other") == ActionResult(
        ok=False, error="order is cancelled, not processing")


async def test_only_processing_orders_are_cancelled_or_redirected(backend: Backend):
    assert await backend.cancel_order("Q5544", "key-1") == ActionResult(
        ok=False, error="order is shipped, not processing")
    assert await backend.change_address("Q5521", NEW_ADDRESS, "key-2") == ActionResult(
        ok=False, error="order is delivered, not processing")
    assert (await backend.get_order("Q5544")).status == "shipped"
    assert (await backend.get_order("Q5521")).shipping_address.city == "Lyon"


async def test_an_address_change_is_exact_and_once(backend: Backend):
    new = Address(line1="Flat 2", line2="22 Baker Street", city="London", postcode="NW1 6XE",
                  country="GB")
    first = await backend.change_address("Q5530", new, "key-address")
    assert first.ok and first.reference
    assert await backend.change_address("Q5530", new, "key-address") == first
    assert (await backend.get_order("Q5530")).shipping_address == new
    reused = await backend.change_address("Q5530", NEW_ADDRESS, "key-address")
    assert reused == ActionResult(ok=False, error=KEY_REUSED)
    assert (await backend.get_order("Q5530")).shipping_address == new


async def test_both_backends_answer_a_whole_session_alike(reference, tmp_path: Path):
    """The same calls in the same order give the same answers, references aside."""
    demo, database = await open_demo_store(tmp_path)
    http = http_backend_for(reference)
    try:
        answers = [await _session(demo), await _session(http)]
    finally:
        await http.close()
        await database.close()
    assert answers[0] == answers[1]


async def _session(backend: Backend) -> str:
    """What a backend answers to a session of calls, as JSON with its references numbered."""
    steps = [
        backend.find_customer_by_email("Noor.Haddad@example.org"),
        backend.find_customers_by_phone("+15550001111"),
        backend.list_orders("K-77"),
        backend.refund("Q5521", Decimal("20.00"), "s-1"),
        backend.refund("Q5521", Decimal("20.00"), "s-2"),
        backend.refund("Q5521", Decimal("18.40"), "s-3"),
        backend.refund("Q5521", Decimal("18.40"), "s-3"),
        backend.refund("Q5530", Decimal("1.00"), "s-4"),
        backend.change_address("Q5530", NEW_ADDRESS, "s-5"),
        backend.cancel_order("Q5530", "s-6"),
        backend.change_address("Q5530", NEW_ADDRESS, "s-7"),
        backend.cancel_order("Q5544", "s-8"),
        backend.perform("startReturn", "Q5560", {"sku": "SKU-Q5560"}, "s-9"),
        backend.perform("startReturn", "Q5560", {"sku": "SKU-Q5560"}, "s-10"),
        backend.perform("exchangeItem", "Q5521", {"sku": "SKU-Q5521", "variant": "white"},
                        "s-11"),
        backend.perform("exchangeItem", "Q5521", {"sku": "SKU-Q5521", "variant": "red"}, "s-12"),
        backend.perform("reshipOrder", "Q5544", {"reason": "lost"}, "s-13"),
        backend.perform("reshipOrder", "Q5530", {"reason": "lost"}, "s-14"),
        backend.perform("resendInvoice", "Q5521", {}, "s-15"),
        backend.perform("resendInvoice", "Q5544", {}, "s-16"),
        backend.perform("goodwillCredit", "K-88",
                        {"amount": "15", "currency": "EUR", "reason": "broken candle"}, "s-17"),
        backend.perform("goodwillCredit", "K-88",
                        {"amount": "15", "currency": "EUR", "reason": "broken candle"}, "s-17"),
        backend.list_orders("K-77"),
        backend.get_customer("K-88"),
    ]
    answers = []
    references: list[str] = []
    for step in steps:
        answer = await step
        if isinstance(answer, ActionResult) and answer.reference:
            references.append(answer.reference)
        answers.append(answer)
    text = json.dumps(answers, default=lambda model: model.model_dump(mode="json"))
    for number, reference in enumerate(dict.fromkeys(references)):
        text = text.replace(json.dumps(reference), f'"reference {number}"')
    return text
