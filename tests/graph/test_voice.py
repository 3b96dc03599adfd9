"""Calls in the graph: codes as callers say them, and the reply that hands a call on."""

from __future__ import annotations

import time

from langchain_core.messages import AIMessage, HumanMessage

from graph.voice import HAND_OFF, PASSED_ON, hand_off_call, spoken_code


def test_codes_are_read_as_callers_say_them() -> None:
    assert spoken_code("4 2 1 9 9 0") == "421990"
    assert spoken_code("it's four two one, nine nine oh") == "421990"
    assert spoken_code("421990") == "421990"
    assert spoken_code("my order is Q5521") is None
    assert spoken_code("yes please") is None


def test_reading_a_code_is_linear_on_long_input() -> None:
    started = time.perf_counter()
    for text in ("1 " * 20_000, "one " * 20_000, "1-" * 20_000):
        spoken_code(text)
    assert time.perf_counter() - started < 1.0


def config(channel: str) -> dict:
    return {"configurable": {"channel": channel, "sender": "CA" + "0" * 32}}


def test_a_call_that_brings_people_in_is_handed_on() -> None:
    reply = AIMessage(content="I'm bringing in a colleague; they'll reply right here.", id="r1")
    state = {"messages": [HumanMessage(content="a person please"), reply],
             "turn_facts": [{"kind": "escalated", "reason": "asked_for_person"}]}
    update = hand_off_call(state, config("voice"))
    (message,) = update["messages"]
    assert (message.id, message.content) == ("r1", PASSED_ON)
    assert message.additional_kwargs[HAND_OFF] is True
    assert hand_off_call(state, config("whatsapp")) == {}
    assert hand_off_call({**state, "turn_facts": []}, config("voice")) == {}
