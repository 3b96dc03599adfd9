"""Accuracy of follow-ups that lean on context, and of moods, on invented shops and phrasings."""

from __future__ import annotations

from graph.offline.lexicon import CAPABILITIES, FRUSTRATION
from graph.offline.reading import read_message
from tests.graph.offline.context_set import FOLLOW_UPS, MOODS, SHOP_A, SHOP_B, SHOP_C
from tests.graph.offline.conversation import Chat, only_call, order

SHOPS = {"A": SHOP_A, "B": SHOP_B, "C": SHOP_C}


def _chat_in(shop: list[dict], setup: str) -> Chat:
    chat = Chat()
    if setup == "listed":
        chat.say("which orders do I have")
        chat.answer({"orders": shop})
    elif setup == "focused":
        shipped = next(o for o in shop if o["status"] == "shipped")
        chat.say(f"where is {shipped['id']}?")
        chat.answer({"order": shipped})
    return chat


def _step(reply) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    if not reply.tool_calls:
        return ("text", None)
    return reply.tool_calls[0]["name"], reply.tool_calls[0]["args"].get("order_id")


def test_follow_ups_resolve_the_right_order_at_least_ninety_percent() -> None:
    misses = []
    for shop, setup, text, expected in FOLLOW_UPS:
        got = _step(_chat_in(SHOPS[shop], setup).say(text))
        if got != tuple(expected):
            misses.append((setup, text, expected, got))
    accuracy = 1 - len(misses) / len(FOLLOW_UPS)
    print(f"follow-up accuracy {accuracy:.1%} on {len(FOLLOW_UPS)}; misses: {misses}")
    assert accuracy >= 0.9, misses


def _mood_of(text: str) -> str | None:
    reading = read_message(text)
    if reading.task:
        return reading.task
    for mood in (FRUSTRATION, CAPABILITIES):
        if reading.has(mood):
            return mood
    return reading.social[0] if reading.social else None


def test_frustration_and_capability_questions_at_least_ninety_percent() -> None:
    misses = [(text, want, got) for text, want in MOODS if (got := _mood_of(text)) != want]
    accuracy = 1 - len(misses) / len(MOODS)
    print(f"mood accuracy {accuracy:.1%} on {len(MOODS)}; misses: {misses}")
    assert accuracy >= 0.9, misses


def test_a_product_named_after_a_status_is_looked_up_in_the_list() -> None:
    chat = _chat_in(SHOP_B, "focused")
    assert _step(chat.say("and where are the candles?")) == ("list_orders", None)
    assert _step(chat.answer({"orders": SHOP_B})) == ("get_order", "88-KL-244")


def test_a_product_not_in_any_order_asks_instead_of_guessing() -> None:
    chat = Chat()
    chat.say("is my toaster on its way")
    reply = chat.answer({"orders": SHOP_B})
    assert reply.tool_calls == []
    assert '"toaster"' in reply.content and "Which one" in reply.content


def test_a_customer_with_many_orders_is_understood_about_the_newest() -> None:
    orders = [order("OX-5030", "shipped", "Hammock"), order("OX-5029", "shipped", "Lantern"),
              *(order(f"OX-{5028 - n}", "delivered", "Tent pegs") for n in range(28))]
    for question, expected in (("where is 5029?", "OX-5029"),
                               ("has the hammock shipped", "OX-5030")):
        chat = Chat()
        chat.say("show me my orders")
        chat.answer({"orders": orders})  # newest first, as the backend lists them
        assert _step(chat.say(question)) == ("get_order", expected)


def test_an_order_written_with_a_space_after_its_letters_is_the_known_order() -> None:
    chat = Chat()
    chat.say("what have I ordered")
    chat.answer({"orders": [order("VB-52012", "shipped", "Speaker"),
                            order("VB-49031", "delivered", "Headphones", total="59.00")]})
    name, args = only_call(chat.say("refund half of vb 49031 please, one ear cup rattles"))
    assert (name, args["order_id"], args["amount"]) == ("refund", "VB-49031", "29.50")
