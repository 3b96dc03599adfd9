"""Voice calls through Twilio ConversationRelay against the real server: a fake of Twilio's side
of the relay calls in, signed like Twilio, and hears what Caseloop says."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator

import pytest
import websockets

from tests.fakes.conversation_relay import RelayCall, call_form, call_sid
from tests.fakes.server import CaseloopServer
from tests.fakes.slack import CHANNEL, SIGNING_SECRET, TOKEN, FakeSlack
from tests.fakes.smtp import SmtpSink
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_helpers import NOOR, noor_env, running
from tests.fakes.whatsapp_helpers import inbound_form, post_webhook, query, whatsapp_env

STRANGER = "+447700900999"
DESK = "+442071234567"
ATTESTED = "TN-Validation-Passed-A"


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    yield from running(FakeTwilio())


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeSlack]:
    yield from running(FakeSlack())


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    yield from running(SmtpSink())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, twilio: FakeTwilio,
           slack_api: FakeSlack, smtp: SmtpSink) -> Iterator[CaseloopServer]:
    folder = tmp_path_factory.mktemp("voice")
    yield from running(CaseloopServer({
        **noor_env(folder, CASELOOP_SMTP_URL=smtp.url), **whatsapp_env(twilio.url),
        "TWILIO_SMS_FROM": "+14155550100", "CASELOOP_VOICE_TRANSFER_TO": DESK,
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_ESCALATION_CHANNEL": CHANNEL, "SLACK_API_URL": slack_api.api_url}, folder))


def database(server: CaseloopServer) -> str:
    return server.env["DATABASE_URL"]


def texts_to(twilio: FakeTwilio, number: str) -> list[str]:
    return [r["form"].get("Body", "") for r in twilio.created if r["form"].get("To") == number]


async def wait_for_text(twilio: FakeTwilio, number: str, count: int) -> list[str]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if len(found := texts_to(twilio, number)) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"no text reached {number}: {twilio.requests}")


async def hear(call: RelayCall, _: str) -> str:
    """The replies the caller hears for one thing said, until the last of them."""
    replies = [await call.reply()]
    while True:
        try:
            replies.append(await call.reply(timeout=0.4))
        except TimeoutError:
            return " ".join(replies)


def test_a_call_is_answered_with_a_relay_carrying_the_callers_identity(
        server: CaseloopServer) -> None:
    answer = post_webhook(server.url, "/twilio/voice", call_form(call_sid(), NOOR, ATTESTED))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    assert '<ConversationRelay dtmfDetection="true" interruptible="any"' in answer.text
    assert 'url="wss://support.example.com/twilio/relay"' in answer.text
    assert f'<Parameter name="caller" value="{NOOR}" />' in answer.text
    assert f'<Parameter name="StirVerstat" value="{ATTESTED}" />' in answer.text


async def test_forged_webhooks_and_handshakes_are_refused_and_store_nothing(
        server: CaseloopServer) -> None:
    sid = call_sid()
    for signature in (None, "forged"):
        assert post_webhook(server.url, "/twilio/voice", call_form(sid, NOOR),
                                 signature).status_code == 403
        handoff = {**call_form(sid, NOOR), "HandoffData": '{"reason":"person"}'}
        assert post_webhook(server.url, "/twilio/voice/handoff", handoff,
                                 signature).status_code == 403
        with pytest.raises(websockets.InvalidStatus):
            async with RelayCall(server.ws_url, sid, NOOR, signature=signature) as call:
                await call.say("refund order Q5521")
    assert query(database(server), "SELECT count(*) FROM inbox WHERE sender = ?", sid) == [(0,)]


async def test_a_known_caller_reads_acts_with_a_texted_code_is_interrupted_and_reaches_a_person(
        server: CaseloopServer, twilio: FakeTwilio, slack_api: FakeSlack) -> None:
    sid = call_sid()
    async with RelayCall(server.ws_url, sid, NOOR, ATTESTED) as call:
        await call.say("Where is my order Q5544?")
        status = await hear(call, "")
        assert "Q 5 5 4 4" in status and "#" not in status and "*" not in status
        assert "http" not in status

        await call.say("I want a refund for order Q5521, the desk lamp arrived broken")
        asked_code = await hear(call, "")
        assert "text message" in asked_code
        code = re.search(r"\b(\d{6})\b", (await wait_for_text(twilio, NOOR, 1))[-1]).group(1)
        await call.say(" ".join(code), partial=False)
        confirm = await hear(call, "")
        assert "Shall I go ahead?" in confirm and "press 1" in confirm
        await call.press("1")
        done = await hear(call, "")
        assert "reference" in done.lower()

        await call.say("What is your return policy?")
        first = await call.next_frame()
        assert first["type"] == "text"
        heard = first["token"].split()[0]
        await call.interrupt(heard)

        await call.press("9")  # a key that completes nothing is just kept
        await call.say("I want to talk to a person")
        handed = ""
        while (frame := await call.next_frame())["type"] != "end":
            handed += frame.get("token", "")
        assert "colleague" in handed
        assert '"reason":"person"' in frame["handoffData"]

    db = database(server)
    assert query(db, "SELECT method FROM links WHERE channel = 'voice' AND address = ?",
                 sid) == [(f"caller_id:{ATTESTED}",)]
    assert query(db, "SELECT count(*) FROM audit WHERE action = 'refund' AND outcome = 'done'"
                 ) == [(1,)]
    assert query(db, "SELECT count(*) FROM store_actions WHERE action = 'refund'") == [(1,)]
    lines = query(db, "SELECT role, text FROM transcript WHERE thread_id = 'customer:K-77' "
                  "AND channel = 'voice' ORDER BY id")
    policy_answer = next(text for role, text in lines[::-1]
                         if role == "bot" and text.endswith(" …"))
    assert policy_answer == f"{heard} …"

    transfer = post_webhook(server.url, "/twilio/voice/handoff", {
        **call_form(sid, NOOR), "HandoffData": call.frames[-1]["handoffData"],
        "SessionStatus": "ended"})
    assert f"<Dial callerId=\"+14155550100\"><Number>{DESK}</Number></Dial>" in transfer.text
    parents = [m for m in slack_api.parents() if m.channel == CHANNEL]
    assert parents, "the case reached Slack before the transfer"

    post_webhook(server.url, "/twilio/whatsapp", inbound_form(NOOR, "Hi, me again"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        rows = query(db, "SELECT channel FROM transcript WHERE thread_id = 'customer:K-77' "
                     "AND role = 'customer' ORDER BY id")
        if rows and rows[-1] == ("whatsapp",):
            break
        await asyncio.sleep(0.1)
    assert ("voice",) in rows and rows[-1] == ("whatsapp",)


async def test_an_unknown_caller_cannot_act_and_without_a_target_hears_a_call_back(
        server: CaseloopServer) -> None:
    sid = call_sid()
    async with RelayCall(server.ws_url, sid, STRANGER) as call:
        await call.say("Cancel order Q5530")
        reply = await hear(call, "")
        assert "e-mail" in reply
    assert query(database(server), "SELECT count(*) FROM links WHERE address = ?", sid) == [(0,)]
