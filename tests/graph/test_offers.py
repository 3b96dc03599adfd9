"""Answers to an outreach's options, read in the offer's context."""

from __future__ import annotations

import pytest

from graph.offers import answers_offer, read_offer_reply

OFFER = {
    "order_id": "Q5530",
    "question": "Reply 1 to keep the order, or 2 to cancel it for a full refund.",
    "options": [
        {"number": 1, "label": "keep the order", "action": "keep",
         "words": ["keep", "keep it", "wait", "no problem", "that's fine"]},
        {"number": 2, "label": "cancel it for a full refund", "action": "cancel_order",
         "words": ["cancel", "cancel it", "refund"]},
    ],
}


@pytest.mark.parametrize("text", ["2", "2.", "option 2", "the second one", "Cancel it",
                                  "cancel it please", "cancle it", "yes cancel it",
                                  "I'd like to cancel it for a full refund please",
                                  "cancel Q5530", "Cancel it for a full refund"])
def test_the_second_option(text: str) -> None:
    reading = read_offer_reply(OFFER, text)
    assert reading.kind == "chosen" and reading.option is not None
    assert reading.option["number"] == 2


@pytest.mark.parametrize("text", ["1", "one", "the first one", "keep it", "Keep the order",
                                  "ok keep it thanks", "no problem", "I'll wait"])
def test_the_first_option(text: str) -> None:
    reading = read_offer_reply(OFFER, text)
    assert reading.kind == "chosen" and reading.option is not None
    assert reading.option["number"] == 1


@pytest.mark.parametrize("text", ["yes", "no", "ok", "3", "don't cancel", "no, keep it",
                                  "can I cancel it?", "keep it or cancel it"])
def test_answers_that_do_not_pick_one_are_unclear(text: str) -> None:
    assert read_offer_reply(OFFER, text).kind == "unclear"


@pytest.mark.parametrize("text", ["where is my order?", "cancel Q5521",
                                  "refund 20 dollars on Q5560", "hello", ""])
def test_other_requests_are_not_answers(text: str) -> None:
    assert read_offer_reply(OFFER, text).kind == "other"
    assert not answers_offer({"offer": OFFER}, text)


def test_a_plain_confirmation_is_not_an_offer() -> None:
    assert not answers_offer({"action": "cancel_order"}, "2")
    assert not answers_offer(None, "2")
