"""The writes of the contract by operationId, run on the demo store and on the reference alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.business.demo_store import KEY_REUSED
from graph.backend import ActionResult, Backend, BackendError
from tests.backend.conftest import INVOICE_URL

WRITES = {"refundOrder", "cancelOrder", "changeShippingAddress", "startReturn", "exchangeItem",
          "reshipOrder", "resendInvoice", "goodwillCredit"}
LAMP = "SKU-Q5521"
LABEL = "https://returns.example.com/labels/Q5521-SKU-Q5521.pdf"


def refused(message: str) -> ActionResult:
    return ActionResult(ok=False, error=message)


async def extra(backend: Backend, order_id: str, field: str) -> list[dict]:
    order = await backend.get_order(order_id)
    assert order is not None
    return order.model_dump().get(field, [])


async def test_both_backends_perform_every_write_of_the_contract(backend: Backend):
    assert backend.operations() == WRITES


async def test_an_unknown_operation_is_a_mistake_not_a_refusal(backend: Backend):
    with pytest.raises(ValueError, match="giftWrap"):
        await backend.perform("giftWrap", "Q5521", {}, "key-1")
    with pytest.raises(ValueError, match="getOrder"):
        await backend.perform("getOrder", "Q5521", {}, "key-2")


async def test_the_old_writes_are_the_same_operations(backend: Backend):
    first = await backend.perform("refundOrder", "Q5521", {"amount": "12.50"}, "key-refund")
    assert first.ok and first.detail == {"refunded_total": "12.50"}
    assert await backend.refund("Q5521", Decimal("12.50"), "key-refund") == first
    assert (await backend.get_order("Q5521")).refunded == Decimal("12.50")


async def test_a_return_is_started_once_per_key(backend: Backend):
    args = {"sku": LAMP, "reason": "too dim"}
    first = await backend.perform("startReturn", "Q5521", args, "key-return")
    assert first.ok and first.reference
    assert first.detail == {"return_id": first.reference, "label_url": LABEL}
    assert await backend.perform("startReturn", "Q5521", args, "key-return") == first
    assert await extra(backend, "Q5521", "returns") == [
        {"reference": first.reference, "sku": LAMP, "reason": "too dim", "label_url": LABEL,
         "status": "label_sent"}]


async def test_a_return_needs_a_delivered_order_and_an_item_not_yet_returned(backend: Backend):
    assert await backend.perform("startReturn", "Q5530", {"sku": "SKU-Q5530"}, "k1") == refused(
        "order is processing, not delivered")
    assert await backend.perform("startReturn", "Q5521", {"sku": "SKU-Q5530"}, "k2") == refused(
        "item SKU-Q5530 is not in this order")
    done = await backend.perform("startReturn", "Q5521", {"sku": LAMP}, "k3")
    assert done.ok
    assert await backend.perform("startReturn", "Q5521", {"sku": LAMP}, "k4") == refused(
        "Desk lamp is already being returned")
    assert [r["reason"] for r in await extra(backend, "Q5521", "returns")] == [None]
    assert await extra(backend, "Q5530", "returns") == []


async def test_an_item_is_exchanged_for_another_of_its_variants_once(backend: Backend):
    args = {"sku": LAMP, "variant": "black"}
    first = await backend.perform("exchangeItem", "Q5521", args, "key-exchange")
    assert first.ok and first.reference
    assert await backend.perform("exchangeItem", "Q5521", args, "key-exchange") == first
    assert await extra(backend, "Q5521", "exchanges") == [
        {"reference": first.reference, "sku": LAMP, "variant": "black"}]


async def test_an_exchange_needs_a_delivered_order_and_a_variant_the_item_comes_in(
        backend: Backend):
    other = "Desk lamp can only be exchanged for black or white"
    for order_id, args, message in [
        ("Q5544", {"sku": "SKU-Q5544", "variant": "red"}, "order is shipped, not delivered"),
        ("Q5521", {"sku": "SKU-Q0", "variant": "black"}, "item SKU-Q0 is not in this order"),
        ("Q5521", {"sku": LAMP, "variant": "green"}, other),
        ("Q5521", {"sku": LAMP, "variant": "brass"}, other),
        ("Q5560", {"sku": "SKU-Q5560", "variant": "blue"},
         "Armchair cannot be exchanged for another variant"),
    ]:
        assert await backend.perform("exchangeItem", order_id, args, f"k-{order_id}-"
                                     f"{args['variant']}") == refused(message)
        assert await extra(backend, order_id, "exchanges") == []


async def test_a_lost_order_is_sent_again_once(backend: Backend):
    first = await backend.perform("reshipOrder", "Q5544", {"reason": "lost"}, "key-reship")
    assert first.ok and first.reference
    assert await backend.perform("reshipOrder", "Q5544", {"reason": "lost"}, "key-reship") == first
    assert await backend.perform("reshipOrder", "Q5544", {"reason": "damaged"}, "k2") == refused(
        "order was already sent again once")
    assert await extra(backend, "Q5544", "reships") == [
        {"reference": first.reference, "reason": "lost"}]


async def test_only_a_shipped_or_delivered_order_is_sent_again(backend: Backend):
    assert (await backend.perform("reshipOrder", "Q5521", {"reason": "damaged"}, "k1")).ok
    assert await backend.perform("reshipOrder", "Q5530", {"reason": "lost"}, "k2") == refused(
        "order is processing, not shipped")
    assert await extra(backend, "Q5530", "reships") == []


async def test_an_invoice_is_sent_again_to_the_customer(backend: Backend):
    first = await backend.perform("resendInvoice", "Q5521", {}, "key-invoice")
    assert first.ok and first.reference and first.detail == {"invoice_url": INVOICE_URL}
    assert await backend.perform("resendInvoice", "Q5521", {}, "key-invoice") == first
    second = await backend.perform("resendInvoice", "Q5521", {}, "key-invoice-2")
    assert await extra(backend, "Q5521", "invoices_sent") == [
        {"reference": first.reference, "sent_to": "noor.haddad@example.org"},
        {"reference": second.reference, "sent_to": "noor.haddad@example.org"}]


async def test_an_order_without_an_invoice_has_none_to_send(backend: Backend):
    assert await backend.perform("resendInvoice", "Q5560", {}, "k1") == refused(
        "order has no invoice yet")
    assert await extra(backend, "Q5560", "invoices_sent") == []


async def test_a_goodwill_credit_is_given_once_per_key_and_adds_up(backend: Backend):
    args = {"amount": "5.00", "currency": "EUR", "reason": "late delivery"}
    first = await backend.perform("goodwillCredit", "K-77", args, "key-credit")
    assert first.ok and first.reference and first.detail == {"store_credit": "5.00"}
    assert await backend.perform("goodwillCredit", "K-77", args, "key-credit") == first
    second = await backend.perform("goodwillCredit", "K-77", {**args, "amount": "2.5"}, "k2")
    assert second.detail == {"store_credit": "7.50"}
    noor = (await backend.get_customer("K-77")).model_dump()
    assert noor["store_credit"] == "7.50"
    assert noor["credits"] == [
        {"reference": first.reference, "amount": "5.00", "currency": "EUR",
         "reason": "late delivery"},
        {"reference": second.reference, "amount": "2.50", "currency": "EUR",
         "reason": "late delivery"}]


async def test_a_credit_of_nothing_is_refused(backend: Backend):
    args = {"amount": "0.00", "currency": "EUR", "reason": "sorry"}
    assert await backend.perform("goodwillCredit", "K-55", args, "k1") == refused(
        "amount must be more than 0")
    assert "credits" not in (await backend.get_customer("K-55")).model_dump()


@pytest.mark.parametrize(("operation", "args"), [
    ("startReturn", {"sku": LAMP}),
    ("exchangeItem", {"sku": LAMP, "variant": "black"}),
    ("reshipOrder", {"reason": "lost"}),
    ("resendInvoice", {}),
])
async def test_writes_on_an_unknown_order_are_refused(backend: Backend, operation, args):
    assert await backend.perform(operation, "Q0000", args, "k") == refused("no such order")


async def test_a_credit_for_an_unknown_customer_is_refused(backend: Backend):
    args = {"amount": "5.00", "currency": "EUR", "reason": "sorry"}
    assert await backend.perform("goodwillCredit", "K-00", args, "k") == refused(
        "no such customer")


async def test_a_key_used_for_another_write_changes_nothing(backend: Backend):
    assert (await backend.perform("reshipOrder", "Q5544", {"reason": "lost"}, "key-1")).ok
    again = [("startReturn", "Q5521", {"sku": LAMP}),
             ("reshipOrder", "Q5521", {"reason": "lost"}),
             ("goodwillCredit", "K-77", {"amount": "1", "currency": "EUR", "reason": "x"})]
    for operation, target, args in again:
        assert await backend.perform(operation, target, args, "key-1") == refused(KEY_REUSED)
    assert await extra(backend, "Q5521", "returns") == []
    assert await extra(backend, "Q5521", "reships") == []


@pytest.mark.parametrize(("operation", "target", "args"), [
    ("startReturn", "Q5521", {}),
    ("startReturn", "Q5521", {"sku": LAMP, "colour": "red"}),
    ("exchangeItem", "Q5521", {"sku": LAMP}),
    ("reshipOrder", "Q5544", {"reason": "stolen"}),
    ("resendInvoice", "Q5521", {"to": "someone@example.org"}),
    ("goodwillCredit", "K-77", {"amount": "ten", "currency": "EUR", "reason": "x"}),
    ("goodwillCredit", "K-77", {"amount": "10", "currency": "euros", "reason": "x"}),
])
async def test_arguments_the_backend_cannot_read_change_nothing(backend: Backend, operation,
                                                                target, args):
    with pytest.raises(BackendError):
        await backend.perform(operation, target, args, "k")
    order, customer = await backend.get_order("Q5521"), await backend.get_customer("K-77")
    assert not {"returns", "exchanges", "invoices_sent"} & order.model_dump().keys()
    assert "credits" not in customer.model_dump()
    assert await extra(backend, "Q5544", "reships") == []
