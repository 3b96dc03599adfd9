"""Accuracy of the offline model on held-out phrasings it was not written from."""

from __future__ import annotations

import pytest

from graph.offline.reading import read_message
from tests.graph.offline.conversation import Chat
from tests.graph.offline.evaluation_set import ACTION_CASES, HOLDOUT_CASES, INTENT_CASES


def _understood_as(text: str) -> str | None:
    reading = read_message(text)
    if reading.task:
        return reading.task
    if reading.out_of_scope:
        return "out_of_scope"
    if reading.order_ids:
        return "order_status"
    return reading.social[0] if reading.social else None


def _accuracy(cases: list[tuple[str, str]]) -> tuple[float, list[tuple[str, str, str | None]]]:
    misses = [(text, want, got) for text, want in cases if (got := _understood_as(text)) != want]
    return 1 - len(misses) / len(cases), misses


@pytest.mark.parametrize(
    "cases", [INTENT_CASES, HOLDOUT_CASES], ids=["evaluation", "holdout"]
)
def test_intent_accuracy_is_at_least_ninety_percent(cases: list[tuple[str, str]]) -> None:
    accuracy, misses = _accuracy(cases)
    print(f"intent accuracy {accuracy:.1%} on {len(cases)} phrasings; misses: {misses}")
    assert accuracy >= 0.9, misses


def test_every_action_call_has_exactly_the_right_arguments() -> None:
    wrong = []
    for text, name, args in ACTION_CASES:
        reply = Chat().say(text)
        calls = [(call["name"], call["args"]) for call in reply.tool_calls]
        ok = len(calls) == 1 and calls[0][0] == name and (args is None or calls[0][1] == args)
        if not ok:
            wrong.append((text, calls, reply.content))
    print(f"action arguments right for {len(ACTION_CASES) - len(wrong)}/{len(ACTION_CASES)}")
    assert not wrong
