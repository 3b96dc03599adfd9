"""Customer text cleaned at the edge: invalid Unicode and control characters never get past it."""

from __future__ import annotations

import pytest

from channels.base import InboundMessage, clean_text, limit_text


@pytest.mark.parametrize(("given", "kept"), [
    ("\udc80 where is my order?", "\ufffd where is my order?"),
    ("a\x00b\x07c\x1bd", "abcd"),
    ("line one\r\nline two\rthree\n\tindented", "line one\nline two\nthree\n\tindented"),
    ("thanks 🩷, the goose 🪿 arrived 🫨", "thanks 🩷, the goose 🪿 arrived 🫨"),
    ("👩\u200d💻 family 👨\u200d👩\u200d👧", "👩\u200d💻 family 👨\u200d👩\u200d👧"),
    ("Straße 5, 75002 Paris, ça va", "Straße 5, 75002 Paris, ça va"),
])
def test_clean_text_keeps_what_a_person_wrote_and_drops_what_cannot_be_stored(
    given: str, kept: str
) -> None:
    assert clean_text(given) == kept
    clean_text(given).encode("utf-8")  # storable


def test_every_string_of_an_inbound_message_is_cleaned() -> None:
    message = InboundMessage(channel="telegram", sender="42\x00", provider_message_id="7",
                             text="hi \ud800", sender_name="No\udfffor",
                             raw={"message": {"text": "hi \ud800", "list": ["\x00x"]}})
    assert (message.sender, message.text, message.sender_name) == ("42", "hi \ufffd",
                                                                   "No\ufffdor")
    assert message.raw == {"message": {"text": "hi \ufffd", "list": ["x"]}}
    message.model_dump_json()


@pytest.mark.parametrize(("text", "limit", "cut"), [
    ("short", 10, "short"),
    ("where is my parcel where is my parcel", 20, "where is my parcel …"),
    ("x" * 50, 10, "xxxxxxxx …"),
])
def test_limit_text_cuts_at_a_word_and_marks_the_cut(text: str, limit: int, cut: str) -> None:
    assert limit_text(text, limit) == cut
    assert len(limit_text(text, limit)) <= limit
