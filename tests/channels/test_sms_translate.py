"""Twilio's SMS forms to inbound messages, keywords to consent, and replies to plain-text SMS."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from channels.base import OutboundMessage
from channels.sms.keywords import carrier_keyword
from channels.sms.translate import plain_text, send_requests, to_inbound
from channels.twilio.forms import PayloadError, to_status
from channels.twilio.text import CONFIRM_HINT, MAX_BODY_CHARS

DATA = Path(__file__).parents[1] / "data" / "sms"
NUMBER = "+14155550142"
SERVICE = "MG" + "0f" * 16
CUSTOMER = "+33612345678"


def payload(name: str) -> dict[str, str]:
    return json.loads((DATA / f"{name}.json").read_text())


def reply(text: str, **fields: object) -> OutboundMessage:
    return OutboundMessage(channel="sms", recipient=CUSTOMER, text=text, **fields)


def test_a_text_becomes_an_inbound_message_from_a_number_the_carrier_proved() -> None:
    message = to_inbound(payload("inbound_text"))
    assert (message.channel, message.sender, message.verified_phone) == ("sms", CUSTOMER,
                                                                         CUSTOMER)
    assert message.provider_message_id == "SM3b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e"
    assert message.text == "Hi, where is my order Q5544?"
    assert message.attachments == () and message.raw["To"] == NUMBER


def test_an_mms_keeps_its_picture() -> None:
    [picture] = to_inbound(payload("inbound_mms")).attachments
    assert (picture.kind, picture.mime_type) == ("image", "image/jpeg")
    assert picture.url and picture.url.startswith("https://api.twilio.com/")


@pytest.mark.parametrize("drop", ["From", "MessageSid", "both"])
def test_a_form_without_sender_or_sid_is_refused(drop: str) -> None:
    form = payload("inbound_text")
    fields = {"From": ["From"], "MessageSid": ["MessageSid", "SmsMessageSid"],
              "both": ["From", "MessageSid", "SmsMessageSid"]}[drop]
    for field in fields:
        form.pop(field)
    with pytest.raises(PayloadError):
        to_inbound(form)


@pytest.mark.parametrize("sender", ["12345", "ACME", "whatsapp:+33612345678", "+0123456",
                                    "+3361234567890123456", "+33 6 12 34 56 78", "x" * 70_000])
def test_a_sender_that_is_not_a_phone_number_is_refused(sender: str) -> None:
    with pytest.raises(PayloadError) as refused:
        to_inbound(payload("inbound_text") | {"From": sender})
    assert len(str(refused.value)) < 80


def test_hostile_text_is_cleaned_and_kept_whole_for_the_inbox_to_bound() -> None:
    message = to_inbound(payload("inbound_text") | {"Body": "hi\x00 \ud800" + "a" * 60_000,
                                                    "NumMedia": "9" * 50})
    assert message.text.startswith("hi \ufffd") and "\x00" not in message.text
    assert message.attachments == ()


@pytest.mark.parametrize(("body", "opt_out_type", "expected"), [
    ("STOP", None, "opt_out"),
    ("  stop ", None, "opt_out"),
    ("Cancel", None, "opt_out"),
    ("UNSUBSCRIBE", None, "opt_out"),
    ("revoke", None, "opt_out"),
    ("START", None, "opt_in"),
    ("unstop", None, "opt_in"),
    ("Arrêt", "STOP", "opt_out"),
    ("go on", "START", "opt_in"),
    ("HELP", "HELP", None),
    ("HELP", None, None),
    ("YES", None, None),
    ("yes", "START", None),
    ("stop sending me these", None, None),
    ("please cancel order Q5544", None, None),
    ("Stop!", None, None),
    ("", None, None),
])
def test_only_twilios_whole_message_keywords_change_consent(
    body: str, opt_out_type: str | None, expected: str | None
) -> None:
    form = payload("inbound_text") | {"Body": body}
    if opt_out_type:
        form["OptOutType"] = opt_out_type
    assert carrier_keyword(form) == expected


def test_advanced_opt_out_says_which_keyword_it_was() -> None:
    assert carrier_keyword(payload("inbound_stop_advanced_opt_out")) == "opt_out"


def test_a_status_callback_names_the_sms_channel_and_number() -> None:
    update = to_status(payload("status_undelivered"))
    assert (update.channel, update.recipient, update.status, update.error_code) == (
        "sms", CUSTOMER, "undelivered", "30003")


def test_a_short_reply_is_one_message_from_the_number() -> None:
    assert send_requests(reply("Your rug is on its way."), NUMBER) == [
        {"to": CUSTOMER, "from_": NUMBER, "body": "Your rug is on its way."}]


def test_a_messaging_service_sends_instead_of_a_number_and_statuses_are_asked_for() -> None:
    [request] = send_requests(reply("Hello"), SERVICE, "https://support.example.com/twilio/status")
    assert request == {"to": CUSTOMER, "messaging_service_sid": SERVICE, "body": "Hello",
                       "status_callback": "https://support.example.com/twilio/status"}


def test_a_confirmation_spells_out_yes_and_no() -> None:
    [request] = send_requests(reply("Shall I refund 38.40 EUR on order Q5521?",
                                    options=("Yes", "No")), NUMBER)
    assert request["body"] == f"Shall I refund 38.40 EUR on order Q5521?\n\n{CONFIRM_HINT}"


def test_markdown_is_taken_out() -> None:
    text = ("## Your refund\n**Order Q5521**: refunded *38.40 EUR* to your `Visa`.\n"
            "* Track it [here](https://shop.example.com/t/1)\n- Or at https://x.example\n"
            "```\ncode\n```\n5 * 3 * 2 = 30, snake_case_name stays")
    assert plain_text(text) == (
        "Your refund\nOrder Q5521: refunded 38.40 EUR to your Visa.\n"
        "- Track it here (https://shop.example.com/t/1)\n- Or at https://x.example\n"
        "code\n5 * 3 * 2 = 30, snake_case_name stays")


@pytest.mark.parametrize("hostile", ["[" * 50_000, "*" * 50_000, "**a" * 20_000,
                                     "[a](" * 20_000, "_" * 50_000, "`" * 50_000,
                                     "#" * 50_000, "*a " * 20_000])
def test_markdown_removal_is_linear_on_adversarial_text(hostile: str) -> None:
    began = time.perf_counter()
    plain_text(hostile)
    assert time.perf_counter() - began < 0.5


def test_a_long_reply_is_split_into_messages_in_order_at_sentence_ends() -> None:
    sentences = [f"Point {n}: our returns desk checks every parcel within two days."
                 for n in range(60)]
    requests = send_requests(reply(" ".join(sentences), options=("Yes", "No")), NUMBER)
    bodies = [request["body"] for request in requests]
    assert len(bodies) == 3
    assert all(len(body) <= MAX_BODY_CHARS for body in bodies)
    assert all(body.endswith("two days.") for body in bodies[:-1])
    assert bodies[-1].endswith(CONFIRM_HINT)
    assert " ".join(bodies).replace(f"\n\n{CONFIRM_HINT}", "") == " ".join(sentences)


def test_a_reply_of_emoji_counts_as_twilio_counts() -> None:
    bodies = [request["body"] for request in send_requests(reply("😀" * 1000), NUMBER)]
    assert bodies == ["😀" * 800, "😀" * 200]
