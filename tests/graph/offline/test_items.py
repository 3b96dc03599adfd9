"""Products named with typos still point at the customer's order."""

from __future__ import annotations

import pytest

from tests.graph.offline.conversation import Chat, only_call, order

ORDERS = [order("P1200", "shipped", "Brass compass", total="38.50"),
          order("P1201", "delivered", "Cast iron teapot", total="29.00")]


@pytest.mark.parametrize(("text", "order_id"), [
    ("has the compas shipped yet", "P1200"),
    ("where's my teapott", "P1201"),
])
def test_a_misspelt_product_picks_its_order(text: str, order_id: str) -> None:
    chat = Chat()
    assert only_call(chat.say("show me my orders"))[0] == "list_orders"
    chat.answer({"orders": ORDERS})
    assert only_call(chat.say(text)) == ("get_order", {"order_id": order_id})
