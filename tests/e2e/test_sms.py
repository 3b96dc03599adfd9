"""SMS through Twilio against the real server: signed webhooks in, REST messages out, STOP kept.

Twilio's REST API is played by a local server. Noor (K-77) has her phone on file; the server
has SMS and no other messaging channel, so outreach reaches her by SMS.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.test_outreach import DELAY, EVENTS_SECRET, TOLD, post_event
from tests.fakes.openai import FakeOpenAI, text
from tests.fakes.server import CaseloopServer
from tests.fakes.sms_helpers import NUMBER, sms_env, sms_form
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_helpers import (
    BAD_SIGNATURES,
    EMPTY_TWIML,
    LONG_ANSWER,
    NOOR,
    bad_signature,
    hosted_model,
    noor_env,
    running,
    stranger,
)
from tests.fakes.whatsapp_helpers import ACCOUNT_SID, AUTH_TOKEN, post_webhook, query

PATH = "/twilio/sms"
QUIET = 1.0
"""Seconds without a new message after which the channel is taken to have said everything."""


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    yield from running(FakeTwilio())


def sms_server(folder: Path, twilio: FakeTwilio, **settings: str) -> CaseloopServer:
    return CaseloopServer({**noor_env(folder, **settings), **sms_env(twilio.url),
                           "CASELOOP_EVENTS_SECRET": EVENTS_SECRET,
                           "CASELOOP_QUIET_HOURS": "off"}, folder)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory,
           twilio: FakeTwilio) -> Iterator[CaseloopServer]:
    yield from running(sms_server(tmp_path_factory.mktemp("sms"), twilio))


@pytest.fixture
def fresh(tmp_path: Path, twilio: FakeTwilio) -> Iterator[CaseloopServer]:
    """A server of its own, where Noor has never written, and a Twilio that sent nothing yet."""
    twilio.reset()
    yield from running(sms_server(tmp_path, twilio))


def rows(server: CaseloopServer, sql: str, *parameters: Any) -> list[tuple]:
    return query(server.env["DATABASE_URL"], sql, *parameters)


def settle(twilio: FakeTwilio, number: str) -> list[str]:
    """The bodies that reached `number` by SMS once nothing more arrives for `QUIET` seconds."""
    count = -1
    while count != len(twilio.sent_to(number, "sms")):
        count = len(twilio.sent_to(number, "sms"))
        time.sleep(QUIET)
    return [form["Body"] for form in twilio.sent_to(number, "sms")]


def texts(server: CaseloopServer, twilio: FakeTwilio, number: str, body: str) -> list[str]:
    """`number` texts `body`; the SMS it got back."""
    before = len(twilio.sent_to(number, "sms"))
    answer = post_webhook(server.url, PATH, sms_form(number, body))
    assert (answer.status_code, answer.text) == (200, EMPTY_TWIML)
    twilio.wait_for(number, before + 1, channel="sms")
    return settle(twilio, number)[before:]


def test_a_known_customer_texts_and_is_answered_by_sms_without_an_email_code(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    answer = post_webhook(server.url, PATH, sms_form(NOOR, "Hi! Where is my order Q5544?"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.text == EMPTY_TWIML
    replies = twilio.wait_for(NOOR, 2, channel="sms")
    assert all(r["From"] == NUMBER and r["To"] == NOOR for r in replies)
    assert "Noor" in replies[0]["Body"]
    assert "Q5544" in replies[1]["Body"] and "DPD-998877" in replies[1]["Body"]
    assert not any("*" in r["Body"] or "code" in r["Body"].lower() for r in replies)
    created = [r for r in twilio.created if r["form"]["To"] == NOOR]
    assert all(r["auth"] == (ACCOUNT_SID, AUTH_TOKEN) for r in created)
    assert rows(server, "SELECT customer_id, method FROM links WHERE channel = 'sms' "
                "AND address = ?", NOOR) == [("K-77", "sms_phone")]


def test_a_text_delivered_twice_is_answered_once(server: CaseloopServer,
                                                 twilio: FakeTwilio) -> None:
    number = stranger()
    form = sms_form(number, "Do you take returns of opened items?")
    for _ in range(2):
        assert post_webhook(server.url, PATH, form).status_code == 200
    twilio.wait_for(number, channel="sms")
    assert len(settle(twilio, number)) == 1
    assert rows(server, "SELECT provider_id, status FROM inbox WHERE channel = 'sms' "
                "AND sender = ?", number) == [(form["MessageSid"], "done")]


@pytest.mark.parametrize("how", BAD_SIGNATURES)
def test_badly_signed_texts_are_refused_and_nothing_is_stored(
    server: CaseloopServer, twilio: FakeTwilio, how: str
) -> None:
    number = stranger()
    for body in ("refund everything please", "STOP"):
        form = sms_form(number, body)
        signature = bad_signature(how, server.url, PATH, form, "/twilio/whatsapp")
        assert post_webhook(server.url, PATH, form, signature=signature).status_code == 403
    time.sleep(0.3)
    assert rows(server, "SELECT COUNT(*) FROM inbox WHERE sender = ?", number) == [(0,)]
    assert rows(server, "SELECT COUNT(*) FROM consent WHERE subject LIKE ?",
                f"%{number}") == [(0,)]
    assert twilio.attempts_for(number, "sms") == []


@pytest.mark.parametrize("change", ["no From", "no MessageSid", "short code", "huge sender"])
def test_malformed_signed_forms_are_refused_and_nothing_is_stored(
    server: CaseloopServer, change: str
) -> None:
    number = stranger()
    form = sms_form(number, "hello")
    if change == "no From":
        form.pop("From")
    elif change == "no MessageSid":
        form.pop("MessageSid"), form.pop("SmsMessageSid")
    else:
        form["From"] = "72345" if change == "short code" else "+" + "4" * 30_000
    answer = post_webhook(server.url, PATH, form)
    assert answer.status_code == 400
    assert rows(server, "SELECT COUNT(*) FROM inbox WHERE message LIKE ?",
                f"%{number.lstrip('+')}%") == [(0,)]


def test_garbage_and_huge_bodies_never_cause_a_server_error(server: CaseloopServer) -> None:
    for body, headers in [
        (b"\xff\xfe\x00garbage", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"--x\r\nbroken", {"Content-Type": "multipart/form-data; boundary=x"}),
        (b"", {}),
        (b"Body=" + b"a" * 200_000, {"Content-Type": "application/x-www-form-urlencoded"}),
    ]:
        answer = httpx.post(server.url + PATH, content=body, timeout=10,
                            headers={**headers, "X-Twilio-Signature": "abc="})
        assert answer.status_code in (400, 403, 413), (body[:20], answer.status_code)


def test_a_delivery_status_is_kept_for_the_sms(server: CaseloopServer,
                                               twilio: FakeTwilio) -> None:
    number = stranger()
    post_webhook(server.url, PATH, sms_form(number, "hello"))
    twilio.wait_for(number, channel="sms")
    [sid] = [r["sid"] for r in twilio.created if r["form"]["To"] == number]
    status = {"MessageSid": sid, "MessageStatus": "delivered", "SmsSid": sid,
              "SmsStatus": "delivered", "To": number, "From": NUMBER,
              "AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01"}
    assert post_webhook(server.url, "/twilio/status", status).status_code == 200
    assert rows(server, "SELECT channel, recipient, status FROM deliveries "
                "WHERE provider_id = ?", sid) == [("sms", number, "delivered")]


def test_a_long_reply_arrives_as_several_sms_in_order(tmp_path: Path,
                                                      twilio: FakeTwilio) -> None:
    model = FakeOpenAI()
    model.start()
    model.answers.append(text(f"**Returns, in full.** {LONG_ANSWER}"))
    alone = sms_server(tmp_path, twilio, **hosted_model(model))
    alone.start()
    try:
        number = stranger()
        post_webhook(alone.url, PATH, sms_form(number, "Tell me everything about returns"))
        twilio.wait_for(number, channel="sms")
        bodies = settle(twilio, number)
    finally:
        alone.stop()
        model.stop()
    assert len(bodies) == 3
    assert all(len(body) <= 1600 and body.endswith("two days.") for body in bodies)
    assert " ".join(bodies) == f"Returns, in full. {LONG_ANSWER}"


def test_outreach_reaches_a_customer_with_only_a_phone_by_sms_and_her_2_cancels(
    fresh: CaseloopServer, twilio: FakeTwilio
) -> None:
    assert post_event(fresh, DELAY).status_code == 202
    [told] = twilio.wait_for(NOOR, channel="sms")
    assert (told["From"], told["Body"]) == (NUMBER, TOLD)
    assert rows(fresh, "SELECT channel, status FROM events") == [("sms", "sent")]

    replies = texts(fresh, twilio, NOOR, "2")
    assert replies[0] == "Hi Noor, I've matched this number to your account."
    assert replies[1].startswith("Done: I've cancelled order Q5530 and refunded 210.00 EUR.")
    assert rows(fresh, "SELECT status FROM store_orders WHERE id = 'Q5530'") == [("cancelled",)]


def test_stop_is_kept_unanswered_and_outreach_skips_the_number_until_start(
    fresh: CaseloopServer, twilio: FakeTwilio
) -> None:
    answer = post_webhook(fresh.url, PATH, sms_form(NOOR, "Stop"))
    assert (answer.status_code, answer.text) == (200, EMPTY_TWIML)
    twilio.unsubscribe(NOOR)  # what Twilio itself does on a STOP
    assert post_event(fresh, DELAY).status_code == 202
    time.sleep(2 * QUIET)
    assert twilio.attempts_for(NOOR, "sms") == []
    assert rows(fresh, "SELECT status, detail FROM events") == [
        ("skipped", "the customer opted out")]
    assert rows(fresh, "SELECT subject, opted_out FROM consent") == [(f"sms:{NOOR}", 1)]
    assert rows(fresh, "SELECT COUNT(*) FROM inbox") == [(0,)]

    assert post_webhook(fresh.url, PATH, sms_form(NOOR, "START")).status_code == 200
    twilio.unsubscribed.discard(NOOR)
    assert post_event(fresh, {**DELAY, "id": "evt_2"}).status_code == 202
    [told] = twilio.wait_for(NOOR, channel="sms")
    assert told["Body"] == TOLD
    assert len(settle(twilio, NOOR)) == 1


def test_a_number_twilio_refuses_as_unsubscribed_is_not_written_to_again(
    fresh: CaseloopServer, twilio: FakeTwilio
) -> None:
    """Noor said STOP to the number before Caseloop heard of it: Twilio's 21610 is kept."""
    twilio.unsubscribe(NOOR)
    assert post_event(fresh, DELAY).status_code == 202
    deadline = time.monotonic() + 15
    while not twilio.attempts_for(NOOR, "sms"):
        assert time.monotonic() < deadline, "the outreach was never attempted"
        time.sleep(0.05)
    time.sleep(QUIET)
    assert [r["status"] for r in twilio.attempts_for(NOOR, "sms")] == [400]
    assert rows(fresh, "SELECT subject, opted_out FROM consent") == [(f"sms:{NOOR}", 1)]
    assert post_event(fresh, {**DELAY, "id": "evt_2", "order_id": "Q5544"}).status_code == 202
    time.sleep(2 * QUIET)
    assert len(twilio.attempts_for(NOOR, "sms")) == 1
    assert rows(fresh, "SELECT id, status, detail FROM events ORDER BY id")[1] == (
        "evt_2", "skipped", "the customer opted out")
