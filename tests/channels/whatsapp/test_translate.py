"""Twilio's WhatsApp forms to inbound messages, and outbound messages to `messages.create` calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from channels.base import OutboundMessage
from channels.twilio.forms import PayloadError, to_status
from channels.twilio.text import CONFIRM_HINT, MAX_BODY_CHARS, split_text
from channels.whatsapp.translate import free_text_requests, template_request, to_inbound

DATA = Path(__file__).parents[2] / "data" / "whatsapp"
SENDER = "whatsapp:+14155238886"


def payload(name: str) -> dict[str, str]:
    return json.loads((DATA / f"{name}.json").read_text())


def reply(text: str, **fields: object) -> OutboundMessage:
    return OutboundMessage(channel="whatsapp", recipient="+33612345678", text=text, **fields)


def test_text_message_becomes_an_inbound_message_from_a_proven_number() -> None:
    message = to_inbound(payload("inbound_text"))
    assert message.channel == "whatsapp"
    assert message.sender == "+33612345678"
    assert message.verified_phone == "+33612345678"
    assert message.provider_message_id == "SM1f0e9c2b7a4d4e21b8f3a6c5d9e07b12"
    assert message.text == "Hi! Where is my order Q5544?"
    assert message.sender_name == "Noor"
    assert message.attachments == ()
    assert message.raw["WaId"] == "33612345678"


def test_media_message_keeps_its_media_and_has_no_text() -> None:
    message = to_inbound(payload("inbound_media"))
    assert message.text == ""
    [image] = message.attachments
    assert image.kind == "image" and image.mime_type == "image/jpeg"
    assert image.url and image.url.endswith("/Media/ME3b9f0d7c1a2e4b5c6d7e8f9a0b1c2d3e")


def test_several_media_of_different_kinds() -> None:
    form = payload("inbound_media") | {
        "NumMedia": "3", "MediaContentType1": "audio/ogg", "MediaUrl1": "https://x.test/a",
        "MediaContentType2": "application/pdf", "MediaUrl2": "https://x.test/b",
        "Body": "see attached",
    }
    message = to_inbound(form)
    assert [a.kind for a in message.attachments] == ["image", "audio", "document"]
    assert message.text == "see attached"


def test_shared_location_becomes_a_location_attachment() -> None:
    [place] = to_inbound(payload("inbound_location")).attachments
    assert place.kind == "location"
    assert place.data == {"latitude": "45.7640", "longitude": "4.8357",
                          "address": "5 Rue Haute, Lyon", "label": "Home"}


@pytest.mark.parametrize("change", [
    {"From": ""}, {"MessageSid": "", "SmsMessageSid": ""}, {"From": "+33612345678"},
    {"From": "whatsapp:33612345678"}, {"From": "whatsapp:+33 6 12"}, {"From": "sms:+33612345678"},
])
def test_form_without_a_usable_sender_or_id_is_refused(change: dict[str, str]) -> None:
    with pytest.raises(PayloadError):
        to_inbound(payload("inbound_text") | change)


def test_odd_media_count_is_no_crash() -> None:
    assert to_inbound(payload("inbound_text") | {"NumMedia": "many"}).attachments == ()


def test_status_callbacks() -> None:
    delivered = to_status(payload("status_delivered"))
    assert (delivered.provider_id, delivered.status, delivered.recipient, delivered.error_code) \
        == ("SM9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", "delivered", "+33612345678", None)
    failed = to_status(payload("status_failed"))
    assert (failed.status, failed.error_code) == ("failed", "63016")
    with pytest.raises(PayloadError):
        to_status({"MessageSid": "SM1"})


def test_short_reply_is_one_free_text_message() -> None:
    assert free_text_requests(reply("Your rug is on its way."), SENDER) == [
        {"to": "whatsapp:+33612345678", "from_": SENDER, "body": "Your rug is on its way."}]


def test_status_callback_url_is_passed_when_known() -> None:
    [request] = free_text_requests(reply("Hi"), SENDER, "https://support.example.com/twilio/status")
    assert request["status_callback"] == "https://support.example.com/twilio/status"


def test_confirmation_offers_short_replies() -> None:
    [request] = free_text_requests(
        reply("Shall I refund 38.40 EUR on order Q5521?", options=("Yes", "No"),
              kind="confirmation"), SENDER)
    assert request["body"] == f"Shall I refund 38.40 EUR on order Q5521?\n\n{CONFIRM_HINT}"
    assert CONFIRM_HINT == "Reply YES to confirm or NO to cancel."


def test_other_options_are_spelled_out() -> None:
    [request] = free_text_requests(reply("Which order?", options=("Q5521", "Q5544")), SENDER)
    assert request["body"].endswith("\n\nReply Q5521 or Q5544.")


def test_template_carries_the_text_as_its_variable() -> None:
    request = template_request(reply("Your refund\nwas approved.", kind="notice"), SENDER, "HXabc")
    assert "body" not in request
    assert request["content_sid"] == "HXabc"
    assert json.loads(request["content_variables"]) == {"1": "Your refund was approved."}


def test_template_variable_is_cut_at_a_sentence_to_fit() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(100))
    variable = json.loads(template_request(reply(text), SENDER, "HXabc")["content_variables"])["1"]
    assert len(variable) <= 900
    assert variable.endswith("here.…")


def sentences(count: int) -> str:
    return " ".join(f"This is sentence {n}, which says something useful about the order."
                    for n in range(count))


def test_long_text_is_split_at_sentence_ends_under_the_limit() -> None:
    text = sentences(80)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(part) <= MAX_BODY_CHARS for part in parts)
    assert all(part.endswith("order.") for part in parts)
    assert " ".join(parts) == text


def test_long_reply_becomes_several_messages_with_the_hint_at_the_end() -> None:
    requests = free_text_requests(reply(sentences(60), options=("Yes", "No")), SENDER)
    assert len(requests) > 1
    assert requests[-1]["body"].endswith(CONFIRM_HINT)
    assert all(CONFIRM_HINT not in r["body"] for r in requests[:-1])


def test_paragraphs_are_preferred_places_to_cut() -> None:
    text = "a" * 50 + "\n\n" + "b" * 60
    assert split_text(text, limit=80) == ["a" * 50, "b" * 60]


def test_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    text = ("word " * 100).strip()
    parts = split_text(text, limit=42)
    assert all(len(p) <= 42 for p in parts)
    assert " ".join(parts) == text


def test_a_word_longer_than_the_limit_is_cut_anywhere() -> None:
    assert split_text("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_emoji_count_twice_as_twilio_counts_them() -> None:
    parts = split_text("😀" * 10, limit=10)
    assert parts == ["😀" * 5, "😀" * 5]


def test_text_exactly_at_the_limit_is_one_part() -> None:
    text = "y" * (MAX_BODY_CHARS - 1) + "."
    assert split_text(text) == [text]
    assert split_text("   ") == []


def test_sentence_ending_exactly_at_the_limit_is_kept_whole() -> None:
    first = "z" * 9 + "."
    assert split_text(f"{first} next one.", limit=10) == [first, "next one."]
