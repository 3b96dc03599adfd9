"""An order picked from a list by what it cost ("the $35 one") is that order, and its price is
no sum asked for."""

from __future__ import annotations

import pytest

from graph.offline.by_price import price_named
from tests.graph.offline.conversation import Chat, only_call, order

ORDERS = {"orders": [order("B7731", "shipped", "Desk Lamp", total="80.00"),
                     order("B7732", "delivered", "Coffee Mug", total="12.00"),
                     order("B7733", "processing", "Wool Scarf", total="35.00")]}


def _after_the_list() -> Chat:
    chat = Chat()
    chat.say("show me my orders")
    chat.answer(ORDERS)
    return chat


@pytest.mark.parametrize(("text", "expected"), [
    ("the $35 one", ("get_order", {"order_id": "B7733"})),
    ("the one for 80 dollars", ("get_order", {"order_id": "B7731"})),
    ("refund the 12 dollar one", ("refund", {"order_id": "B7732"})),
    ("cancel the 35 dollar order", ("cancel_order", {"order_id": "B7733"})),
    ("die für 80 Dollar", ("get_order", {"order_id": "B7731"})),
    ("la de 12 dólares", ("get_order", {"order_id": "B7732"})),
])
def test_an_order_picked_by_its_price_is_that_order(text: str, expected: tuple) -> None:
    assert only_call(_after_the_list().say(text)) == expected


def test_a_sum_asked_for_after_a_list_is_still_the_sum() -> None:
    assert only_call(_after_the_list().say("refund $5 on the mug")) == (
        "refund", {"order_id": "B7732", "amount": "5.00"})


@pytest.mark.parametrize("text", [
    "refund £8 please", "the 35 dollar one arrived late and I want a refund of half, which is "
    "what I think is fair", "£1 one £2 one",
])
def test_no_order_is_described_by_a_sum_asked_for_or_a_long_message(text: str) -> None:
    assert price_named(text) is None
