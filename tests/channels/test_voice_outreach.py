"""The voice channel's parts of outreach calls: the URLs Twilio is given, the keys a call opens
with."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from channels.voice.call import CallSession
from channels.voice.translate import CHOICES, Call
from channels.voice.twiml import OUTREACH_PATH, OUTREACH_STATUS_PATH, outreach_urls

CALL_SID = "CA" + "2e" * 16
PUBLIC = "https://support.example.com/"
SAID = "Your order Q5530 is late. Press 1 to keep the order, or 2 to cancel it & be refunded."


class Silent:
    async def send_text(self, data: str) -> None:
        pass


def test_the_urls_carry_the_event_the_greeting_and_the_choices() -> None:
    answer, status = outreach_urls(PUBLIC, "evt 1/ü", SAID, 2)
    parts = urlsplit(answer)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        "https://support.example.com" + OUTREACH_PATH
    assert parse_qs(parts.query) == {"event": ["evt 1/ü"], "greeting": [SAID], "choices": ["2"]}
    assert urlsplit(status).path == OUTREACH_STATUS_PATH
    assert parse_qs(urlsplit(status).query) == {"event": ["evt 1/ü"]}


def test_a_call_opened_with_choices_takes_a_key_as_one_of_them_once() -> None:
    session = CallSession(Call(CALL_SID, None, parameters={CHOICES: "2"}), Silent())
    assert session.key("3") is None  # not a choice: the start of a number
    assert session.key("*") is None
    assert session.key("2") == "2"
    assert session.key("1") is None  # the choice was made; keys make a number again


def test_choices_that_are_not_a_number_open_none_and_at_most_nine_open() -> None:
    for junk in ("", "two", "-1", "0"):
        session = CallSession(Call(CALL_SID, None, parameters={CHOICES: junk}), Silent())
        assert session.key("1") is None
    many = CallSession(Call(CALL_SID, None, parameters={CHOICES: "99"}), Silent())
    assert many.key("9") == "9"
