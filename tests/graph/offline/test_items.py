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


FAR_ORDERS = [order("S0101", "shipped", "Cast iron skillet", total="36.50"),
              order("S0102", "shipped", "Insulated water bottle", total="22.40"),
              order("S0103", "delivered", "Pine side table", total="90.00")]


@pytest.mark.parametrize(("text", "order_id"), [
    ("ya salió la sartén?", "S0101"),
    ("wo bleibt die Trinkflasche", "S0102"),
    ("où en est ma gourde", "S0102"),
    ("ist der Beistelltisch schon unterwegs?", "S0103"),
    ("a mesinha já saiu?", "S0103"),
    ("has my frying pan shipped", "S0101"),
])
def test_a_product_named_in_the_customers_language_picks_its_order(
        text: str, order_id: str) -> None:
    chat = Chat()
    assert only_call(chat.say("show me my orders"))[0] == "list_orders"
    chat.answer({"orders": FAR_ORDERS})
    assert only_call(chat.say(text)) == ("get_order", {"order_id": order_id})


def test_a_word_that_only_ends_like_a_product_names_none() -> None:
    chat = Chat()
    assert only_call(chat.say("show me my orders"))[0] == "list_orders"
    chat.answer({"orders": FAR_ORDERS})
    reply = chat.say("is the comfortable one shipped")
    assert not any(call["args"].get("order_id") == "S0103" for call in reply.tool_calls)
