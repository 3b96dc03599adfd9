"""The writes of the contract by operationId, run on the demo store and on the reference alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.business.demo_store import KEY_REUSED
from graph.backend import ActionResult, Backend, BackendError

WRITES = {"refundOrder", "cancelOrder", "changeShippingAddress"}


def refused(message: str) -> ActionResult:
    return ActionResult(ok=False, error=message)


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


async def test_a_key_used_for_another_write_changes_nothing(backend: Backend):
    assert (await backend.perform("cancelOrder", "Q5530", {}, "key-1")).ok
    assert await backend.perform("refundOrder", "Q5521", {"amount": "1.00"}, "key-1") == refused(
        KEY_REUSED)
    assert (await backend.get_order("Q5521")).refunded == Decimal("0.00")


async def test_an_amount_the_backend_cannot_read_changes_nothing(backend: Backend):
    with pytest.raises(BackendError):
        await backend.perform("refundOrder", "Q5521", {"amount": "ten"}, "k")
    assert (await backend.get_order("Q5521")).refunded == Decimal("0.00")
