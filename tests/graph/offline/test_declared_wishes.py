"""A declared action the customer says they want done is started, in the five languages; saying
they want to know how it works is answered from the help articles."""

from __future__ import annotations

import pytest

from bot.config import DEFAULTS_DIR
from graph.declarations.loading import load_actions
from graph.tools import agent_tools
from tests.graph.offline.conversation import Chat, only_call, order

TOOLS = agent_tools(load_actions(DEFAULTS_DIR / "actions.toml"))
LAMP = order("L5001", "delivered", total="64.00",
             items=[{"sku": "LAMP-2", "name": "Floor lamp", "qty": 1, "unit_price": "64.00"}])


@pytest.mark.parametrize("text", [
    "i want to return an item",
    "je voudrais retourner un article",
    "quero devolver um produto",
])
def test_a_return_the_customer_says_they_want_is_started(text: str) -> None:
    chat = Chat(TOOLS)
    assert only_call(chat.say(text)) == ("list_orders", {})
    assert only_call(chat.answer({"orders": [LAMP]})) == (  # the one order it can be
        "start_return", {"order_id": "L5001", "sku": "LAMP-2"})


@pytest.mark.parametrize("text", [
    "I need to check your return window",
    "how do I return something",
    "quisiera saber cómo devolver algo",
])
def test_wanting_to_know_how_returns_work_is_answered_from_the_articles(text: str) -> None:
    assert only_call(Chat(TOOLS).say(text)) == ("search_knowledge", {"query": text})
