"""Outreach by phone call against the real server: an event rings the phone on file, the call
opens with the event and its options, and a key pressed answers the offer.

Twilio's REST API and its side of ConversationRelay are played by local stand-ins. Noor (K-77)
has her phone on file and no messaging channel, and `CASELOOP_OUTREACH_VOICE` is on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_outreach import DELAY, EVENTS_SECRET, TOLD, audit_records, post_event
from tests.fakes.conversation_relay import RelayCall, call_form
from tests.fakes.server import CaseloopServer
from tests.fakes.sms_helpers import NUMBER, sms_env
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_helpers import NOOR, noor_env, running
from tests.fakes.whatsapp_helpers import PUBLIC_URL, post_webhook, query

GREETING = ("Hi Noor, your order Q 5 5 3 0 (Bookshelf) is running late: it should now arrive on "
            "30 November 2026. We're sorry about the wait. Press 1 to keep the order, or 2 to "
            "cancel it for a full refund.")


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    yield from running(FakeTwilio())


def voice_server(folder: Path, twilio: FakeTwilio, outreach_voice: str) -> CaseloopServer:
    """Noor's shop with SMS and voice calls on, outreach calls as `outreach_voice` says."""
    return CaseloopServer({
        **noor_env(folder), **sms_env(twilio.url), "CASELOOP_EVENTS_SECRET": EVENTS_SECRET,
        "CASELOOP_QUIET_HOURS": "off", "CASELOOP_OUTREACH_VOICE": outreach_voice}, folder)


@pytest.fixture
def server(tmp_path: Path, twilio: FakeTwilio) -> Iterator[CaseloopServer]:
    yield from running(voice_server(tmp_path, twilio, "on"))


def rows(server: CaseloopServer, sql: str, *parameters: Any) -> list[tuple]:
    return query(server.env["DATABASE_URL"], sql, *parameters)


def twilio_calls_back(server: CaseloopServer, url: str, form: dict[str, str],
                      signature: str | None = "sign") -> Any:
    """Twilio requests a URL Caseloop gave it, signed for that public URL."""
    assert url.startswith(PUBLIC_URL)
    return post_webhook(server.url, url[len(PUBLIC_URL):], form, signature)


def rung(server: CaseloopServer, twilio: FakeTwilio) -> dict[str, Any]:
    """The call placed to Noor, once outreach recorded it (Twilio rings for seconds first)."""
    call = twilio.wait_for_call(NOOR)
    deadline = time.monotonic() + 10
    while rows(server, "SELECT status FROM events") != [("sent",)]:
        assert time.monotonic() < deadline, "the call was placed but never recorded"
        time.sleep(0.05)
    return call


def placed_call_form(sid: str, status: str = "in-progress") -> dict[str, str]:
    """The form of Twilio's requests about a call the business placed to Noor."""
    return {**call_form(sid, NUMBER), "Direction": "outbound-api", "From": NUMBER, "To": NOOR,
            "Called": NOOR, "Caller": NUMBER, "CallStatus": status}


def relay_parameters(twiml: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in twiml.split("<Parameter ")[1:]:
        name = part.split('name="', 1)[1].split('"', 1)[0]
        found[name] = part.split('value="', 1)[1].split('"', 1)[0]
    return found


async def test_an_event_rings_noor_the_call_says_the_options_and_her_2_cancels_once(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    assert post_event(server, DELAY).status_code == 202
    call = rung(server, twilio)
    assert (call["form"]["From"], call["form"]["To"]) == (NUMBER, NOOR)
    assert twilio.sent_to(NOOR, "sms") == []
    assert rows(server, "SELECT channel, status FROM events") == [("voice", "sent")]

    forged = twilio_calls_back(server, call["form"]["Url"], placed_call_form(call["sid"]),
                               signature="forged")
    assert forged.status_code == 403
    answer = twilio_calls_back(server, call["form"]["Url"], placed_call_form(call["sid"]))
    assert answer.status_code == 200 and "<ConversationRelay" in answer.text
    assert f'welcomeGreeting="{GREETING}"' in answer.text.replace("&#x27;", "'")
    parameters = relay_parameters(answer.text)
    assert parameters["choices"] == "2"

    async with RelayCall(server.ws_url, call["sid"], NOOR, parameters=parameters) as relay:
        await relay.press("2")
        outcome = await relay.reply()
    assert outcome.startswith("Done: I've cancelled order Q 5 5 3 0")
    assert rows(server, "SELECT status FROM store_orders WHERE id = 'Q5530'") == [("cancelled",)]
    assert audit_records(server) == [("cancel_order", "done", "K-77")]
    assert rows(server, "SELECT origin, event_id FROM cases WHERE customer_id = 'K-77'") == [
        ("outreach", "evt_1")]
    assert ("customer", "voice", "2") in rows(
        server, "SELECT role, channel, text FROM transcript WHERE thread_id = 'customer:K-77'")

    ended = twilio_calls_back(server, call["form"]["StatusCallback"],
                              placed_call_form(call["sid"], "completed"))
    assert ended.status_code == 204
    time.sleep(1.0)
    assert twilio.sent_to(NOOR, "sms") == []


async def test_a_spoken_answer_is_the_offers_answer_too(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    assert post_event(server, DELAY).status_code == 202
    call = rung(server, twilio)
    answer = twilio_calls_back(server, call["form"]["Url"], placed_call_form(call["sid"]))
    async with RelayCall(server.ws_url, call["sid"], NOOR,
                         parameters=relay_parameters(answer.text)) as relay:
        await relay.say("cancel it")
        outcome = await relay.reply()
    assert outcome.startswith("Done: I've cancelled order Q 5 5 3 0")
    assert audit_records(server) == [("cancel_order", "done", "K-77")]


def test_a_call_nobody_answers_is_followed_by_the_text_once(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    assert post_event(server, DELAY).status_code == 202
    call = rung(server, twilio)
    status = placed_call_form(call["sid"], "no-answer")
    assert twilio_calls_back(server, call["form"]["StatusCallback"], status,
                             signature="forged").status_code == 403
    for _ in range(2):  # a callback delivered twice texts once
        assert twilio_calls_back(server, call["form"]["StatusCallback"],
                                 status).status_code == 204
    [told] = twilio.wait_for(NOOR, channel="sms")
    assert told["Body"] == TOLD
    time.sleep(1.0)
    assert len(twilio.sent_to(NOOR, "sms")) == 1
    assert rows(server, "SELECT channel, detail FROM events") == [
        ("voice", "call no-answer; texted instead")]


def test_with_outreach_calls_off_noor_is_texted_and_never_called(
        tmp_path: Path, twilio: FakeTwilio) -> None:
    for off in running(voice_server(tmp_path, twilio, "off")):
        assert post_event(off, DELAY).status_code == 202
        [told] = twilio.wait_for(NOOR, channel="sms")
        assert told["Body"] == TOLD
        assert rows(off, "SELECT channel, status FROM events") == [("sms", "sent")]
    assert twilio.calls == []
