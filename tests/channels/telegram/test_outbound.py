"""Outbound messages into sendMessage arguments: plain text, split, with keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup

from channels.base import OutboundMessage
from channels.telegram.translate import (
    MAX_TEXT,
    SHARE_PHONE,
    VERIFY_KIND,
    callback_data,
    split_text,
    to_send_requests,
)


def outbound(text: str, **fields: object) -> OutboundMessage:
    return OutboundMessage(channel="telegram", recipient="6120458873", text=text, **fields)


def test_plain_text_to_the_users_chat_with_no_parse_mode() -> None:
    text = "Use <b>bold</b>, *stars* and _underscores_ [as](written)"
    assert to_send_requests(outbound(text)) == [{"chat_id": 6120458873, "text": text}]


def test_short_text_is_one_part() -> None:
    assert split_text("Hello there. How are you?") == ["Hello there. How are you?"]


def test_long_text_splits_between_paragraphs() -> None:
    first, second = "A" * 3000 + ".", "B" * 3000 + "."
    assert split_text(f"{first}\n\n{second}") == [first, second]


def test_long_paragraph_splits_between_sentences() -> None:
    sentences = [f"Sentence number {i} says something about returns." for i in range(200)]
    parts = split_text(" ".join(sentences))
    assert len(parts) > 1
    assert all(len(part) <= MAX_TEXT for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts) == " ".join(sentences)


def test_paragraphs_are_packed_together_while_they_fit() -> None:
    paragraphs = ["x" * 1000 + "." for _ in range(6)]
    parts = split_text("\n\n".join(paragraphs))
    assert [part.count("\n\n") + 1 for part in parts] == [4, 2]


def test_a_word_longer_than_the_limit_is_cut() -> None:
    parts = split_text("see " + "y" * 9000)
    assert parts == ["see", "y" * 4096, "y" * 4096, "y" * 808]


def test_length_counts_utf16_units_like_telegram() -> None:
    parts = split_text("😀" * 2100)  # each emoji is two UTF-16 units
    assert [len(part) for part in parts] == [2048, 52]


def test_keyboard_rides_on_the_last_part() -> None:
    text = "word. " * 1000
    requests = to_send_requests(outbound(text, options=("Yes", "No"), kind="confirmation"))
    assert len(requests) == 2
    assert "reply_markup" not in requests[0]
    assert isinstance(requests[-1]["reply_markup"], InlineKeyboardMarkup)


def test_confirmation_options_are_inline_buttons_with_lower_case_data() -> None:
    [request] = to_send_requests(outbound("Refund 10.00 EUR on Q5521?", options=("Yes", "No"),
                                          kind="confirmation"))
    markup = request["reply_markup"]
    assert [(b.text, b.callback_data) for b in markup.inline_keyboard[0]] == [
        ("Yes", "yes"), ("No", "no")]


def test_callback_data_fits_telegrams_64_bytes() -> None:
    assert len(callback_data("É" * 40).encode()) <= 64


def test_asking_for_identity_offers_to_share_the_phone() -> None:
    for message in (
        outbound("To keep your account safe I first need to confirm it's you. "
                 "What's the e-mail address on your account?"),
        outbound("Who are you?", kind=VERIFY_KIND),
    ):
        [request] = to_send_requests(message)
        markup = request["reply_markup"]
        assert isinstance(markup, ReplyKeyboardMarkup)
        [[button]] = markup.keyboard
        assert (button.text, button.request_contact) == (SHARE_PHONE, True)
        assert markup.one_time_keyboard


def test_other_replies_have_no_keyboard() -> None:
    [request] = to_send_requests(outbound("Your order Q5544 is on its way."))
    assert "reply_markup" not in request
