"""WhatsApp through Twilio against the real server: signed webhooks in, REST messages out."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.openai import FakeOpenAI, text
from tests.fakes.server import CaseloopServer
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
from tests.fakes.whatsapp_helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BUSINESS,
    inbound_form,
    message_sid,
    post_webhook,
    query,
    status_form,
    whatsapp_env,
)

TEMPLATES = json.dumps({"default": "HX0000000000000000000000000000def0",
                        "confirmation": "HX00000000000000000000000000c0f1"})


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    yield from running(FakeTwilio())


def whatsapp_server(folder: Path, twilio: FakeTwilio, **settings: str) -> CaseloopServer:
    return CaseloopServer({**noor_env(folder, **settings), **whatsapp_env(twilio.url, TEMPLATES)},
                          folder)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory,
           twilio: FakeTwilio) -> Iterator[CaseloopServer]:
    yield from running(whatsapp_server(tmp_path_factory.mktemp("whatsapp"), twilio))


def database(server: CaseloopServer) -> str:
    return server.env["DATABASE_URL"]


def inbox_rows(server: CaseloopServer, number: str) -> list[tuple]:
    return query(database(server), "SELECT provider_id, status FROM inbox "
                 "WHERE channel = 'whatsapp' AND sender = ?", number)


def settle(twilio: FakeTwilio, number: str, seconds: float = 1.0) -> list[dict[str, str]]:
    """What reached `number` once nothing more arrives for `seconds`."""
    count = -1
    while count != len(twilio.sent_to(number)):
        count = len(twilio.sent_to(number))
        time.sleep(seconds)
    return twilio.sent_to(number)


def test_customer_writes_and_the_reply_arrives_through_the_rest_api(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    answer = post_webhook(server.url, "/twilio/whatsapp",
                          inbound_form(NOOR, "Hi! Where is my order Q5544?"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.text == EMPTY_TWIML
    replies = twilio.wait_for(NOOR, 2)
    assert all(r["From"] == BUSINESS and r["To"] == f"whatsapp:{NOOR}" for r in replies)
    assert "Noor" in replies[0]["Body"]
    assert "Q5544" in replies[1]["Body"] and "DPD-998877" in replies[1]["Body"]
    created = [r for r in twilio.created if r["form"]["To"] == f"whatsapp:{NOOR}"]
    assert all(r["account"] == ACCOUNT_SID and r["auth"] == (ACCOUNT_SID, AUTH_TOKEN)
               for r in created)


def test_a_webhook_delivered_twice_is_answered_once(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    number = stranger()
    form = inbound_form(number, "Do you take returns of opened items?")
    for _ in range(2):
        assert post_webhook(server.url, "/twilio/whatsapp", form).status_code == 200
    twilio.wait_for(number)
    assert len(settle(twilio, number)) == 1
    assert inbox_rows(server, number) == [(form["MessageSid"], "done")]


@pytest.mark.parametrize("how", BAD_SIGNATURES)
def test_badly_signed_webhooks_are_refused_and_nothing_is_stored(
    server: CaseloopServer, twilio: FakeTwilio, how: str
) -> None:
    number = stranger()
    form = inbound_form(number, "refund everything please")
    path = "/twilio/whatsapp"
    signature = bad_signature(how, server.url, path, form, "/twilio/status")
    answer = post_webhook(server.url, path, form, signature=signature)
    assert answer.status_code == 403
    time.sleep(0.3)
    assert inbox_rows(server, number) == []
    assert twilio.sent_to(number) == []


@pytest.mark.parametrize("drop", ["From", "MessageSid", "both"])
def test_malformed_signed_forms_are_refused_and_nothing_is_stored(
    server: CaseloopServer, twilio: FakeTwilio, drop: str
) -> None:
    number = stranger()
    form = inbound_form(number, "hello")
    for field in (["From", "MessageSid", "SmsMessageSid"] if drop == "both"
                  else [drop, "SmsMessageSid"] if drop == "MessageSid" else [drop]):
        form.pop(field)
    answer = post_webhook(server.url, "/twilio/whatsapp", form)
    assert answer.status_code == 400
    assert query(database(server), "SELECT COUNT(*) FROM inbox WHERE message LIKE ?",
                 f"%{number.lstrip('+')}%") == [(0,)]


def test_garbage_never_causes_a_server_error(server: CaseloopServer) -> None:
    for body, headers in [
        (b"\xff\xfe\x00garbage", {"Content-Type": "application/x-www-form-urlencoded"}),
        (b"not json", {"Content-Type": "application/json"}),
        (b"--x\r\nbroken", {"Content-Type": "multipart/form-data; boundary=x"}),
        (b"", {}),
    ]:
        for path in ("/twilio/whatsapp", "/twilio/status"):
            answer = httpx.post(server.url + path, content=body,
                                headers={**headers, "X-Twilio-Signature": "abc="})
            assert answer.status_code in (400, 403), (path, body, answer.status_code)


def test_media_only_message_gets_a_polite_answer(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    number = stranger()
    form = inbound_form(number, media=[("image/jpeg", "https://api.twilio.com/2010-04-01/"
                                        f"Accounts/{ACCOUNT_SID}/Messages/M1/Media/ME1")])
    assert post_webhook(server.url, "/twilio/whatsapp", form).status_code == 200
    [reply] = twilio.wait_for(number)
    assert "only read text" in reply["Body"]


def test_media_only_message_is_stored_with_its_media_and_answered(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    number = stranger()
    url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/M2/Media/ME2"
    form = inbound_form(number, media=[("image/jpeg", url)])
    assert post_webhook(server.url, "/twilio/whatsapp", form).status_code == 200
    [reply] = twilio.wait_for(number)
    assert reply["Body"].strip()
    [(stored,)] = query(database(server), "SELECT message FROM inbox WHERE provider_id = ?",
                        form["MessageSid"])
    assert json.loads(stored)["attachments"] == [
        {"kind": "image", "url": url, "mime_type": "image/jpeg", "data": {}}]


def test_a_transient_503_is_retried_and_the_message_still_arrives(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    number = stranger()
    twilio.fail(503, 20503, "Service Unavailable")
    post_webhook(server.url, "/twilio/whatsapp",
                 inbound_form(number, "What is your return policy?"))
    [reply] = twilio.wait_for(number)
    assert "return" in reply["Body"].lower()
    attempts = [r for r in twilio.requests if r["form"].get("To") == f"whatsapp:{number}"]
    assert [r["status"] for r in attempts] == [503, 201]


def test_status_callbacks_out_of_order_keep_the_furthest_status(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    number = stranger()
    post_webhook(server.url, "/twilio/whatsapp", inbound_form(number, "hello"))
    twilio.wait_for(number)
    [sid] = [r["sid"] for r in twilio.created if r["form"]["To"] == f"whatsapp:{number}"]

    def statuses() -> list[tuple]:
        return query(database(server),
                     "SELECT status, recipient FROM deliveries WHERE provider_id = ?", sid)

    assert statuses() == [("queued", number)]
    for status in ("delivered", "sent", "read", "delivered", "queued"):
        answer = post_webhook(server.url, "/twilio/status", status_form(sid, status, number))
        assert answer.status_code == 200
    assert statuses() == [("read", number)]
    forged = post_webhook(server.url, "/twilio/status", status_form(sid, "failed", number),
                          signature="Zm9yZ2Vk")
    assert forged.status_code == 403
    assert statuses() == [("read", number)]


def test_a_failure_reported_before_sent_is_kept(
    server: CaseloopServer, twilio: FakeTwilio
) -> None:
    number, sid = stranger(), message_sid()
    for status, code in (("failed", "63016"), ("sent", None), ("queued", None)):
        answer = post_webhook(server.url, "/twilio/status",
                              status_form(sid, status, number, error_code=code))
        assert answer.status_code == 200
    assert query(database(server), "SELECT status, error_code, channel FROM deliveries "
                 "WHERE provider_id = ?", sid) == [("failed", "63016", "whatsapp")]
    incomplete = post_webhook(server.url, "/twilio/status", {"MessageSid": sid})
    assert incomplete.status_code == 400



def test_a_long_reply_is_split_at_sentence_ends(tmp_path: Path, twilio: FakeTwilio) -> None:
    model = FakeOpenAI()
    model.start()
    model.answers.append(text(LONG_ANSWER))
    alone = whatsapp_server(tmp_path, twilio, **hosted_model(model))
    alone.start()
    try:
        number = stranger()
        post_webhook(alone.url, "/twilio/whatsapp",
                     inbound_form(number, "Tell me everything about how returns work"))
        parts = settle(twilio, number)
    finally:
        alone.stop()
        model.stop()
    bodies = [part["Body"] for part in parts]
    assert len(bodies) == 3
    assert all(len(body) <= 1600 and body.endswith("two days.") for body in bodies)
    assert " ".join(bodies) == LONG_ANSWER


def test_outside_the_24_hour_window_only_the_template_is_sent(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    """A reply held up by an outage is delivered after the window closed: as a template."""
    number = stranger()
    alone = whatsapp_server(tmp_path, twilio)
    alone.start()
    try:
        twilio.fail(503, 20503, "Service Unavailable", times=50)
        post_webhook(alone.url, "/twilio/whatsapp",
                     inbound_form(number, "What is your return policy?"))
        deadline = time.monotonic() + 15
        while not any(r["form"].get("To") == f"whatsapp:{number}" for r in twilio.requests):
            assert time.monotonic() < deadline, "the reply was never attempted"
            time.sleep(0.05)
    finally:
        alone.stop()
        twilio.plan.clear()
    assert twilio.sent_to(number) == []
    two_days_ago = "2020-01-01T00:00:00.000Z"
    query(database(alone), "UPDATE inbox SET received_at = ? WHERE sender = ?",
          two_days_ago, number)
    assert query(database(alone), "SELECT status FROM outbox WHERE recipient = ?",
                 number) == [("pending",)]

    alone.start()
    try:
        [sent] = twilio.wait_for(number)
        time.sleep(0.5)
    finally:
        alone.stop()
    assert "Body" not in sent
    assert sent["ContentSid"] == "HX0000000000000000000000000000def0"
    assert "return" in json.loads(sent["ContentVariables"])["1"].lower()
    free_text = [r for r in twilio.requests
                 if r["form"].get("To") == f"whatsapp:{number}" and r["status"] == 201
                 and "Body" in r["form"]]
    assert free_text == []
    assert query(database(alone), "SELECT status FROM outbox WHERE recipient = ?",
                 number) == [("sent",)]


def test_outside_the_window_without_a_template_nothing_is_sent_and_the_failure_is_kept(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    number = stranger()
    alone = whatsapp_server(tmp_path, twilio)
    alone.env["CASELOOP_WHATSAPP_TEMPLATES"] = "{}"
    alone.start()
    try:
        twilio.fail(503, 20503, "Service Unavailable", times=50)
        post_webhook(alone.url, "/twilio/whatsapp", inbound_form(number, "hello there"))
        deadline = time.monotonic() + 15
        while not any(r["form"].get("To") == f"whatsapp:{number}" for r in twilio.requests):
            assert time.monotonic() < deadline, "the reply was never attempted"
            time.sleep(0.05)
    finally:
        alone.stop()
        twilio.plan.clear()
    query(database(alone), "UPDATE inbox SET received_at = ? WHERE sender = ?",
          "2020-01-01T00:00:00.000Z", number)
    attempts_before = len(twilio.requests)
    alone.start()
    alone.stop()
    assert [r for r in twilio.requests[attempts_before:]
            if r["form"].get("To") == f"whatsapp:{number}"] == []
    [(status, error)] = query(database(alone),
                              "SELECT status, error FROM outbox WHERE recipient = ?", number)
    assert status == "failed" and "24-hour window" in error and "template" in error
