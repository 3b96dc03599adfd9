"""Outreach end to end: signed events into the real server, messages out through the channels.

The business's systems post events to `POST /events`, signed with the shared secret; Twilio's
REST API and Telegram's Bot API are played by local servers. Noor (K-77) has her phone on file
and has never written, so WhatsApp reaches her only with the approved outreach template until
she answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from bot.outreach.event_signature import SIGNATURE_HEADER, sign
from tests.databases import query
from tests.factories import env_for, make_settings, write_shop
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.telegram_helpers import callback_update, contact_update
from tests.fakes.twilio import FakeTwilio
from tests.fakes.whatsapp_helpers import (
    inbound_form,
    post_webhook,
    shop_with_phones,
    whatsapp_env,
)

NOOR_PHONE = "+33612345678"
NOOR_TELEGRAM = 6120458873
EVENTS_SECRET = "whsec-shared-with-the-order-system"
TELEGRAM_SECRET = "s3cret_Token-for-the-webhook"
OUTREACH_TEMPLATE = "HX0000000000000000000000000000a0b1"
QUIET = 1.0
"""Seconds without a new message after which a channel is taken to have said everything."""
DELAY = {"id": "evt_1", "type": "shipment_delayed", "order_id": "Q5530",
         "data": {"new_eta": "2026-11-30"}}
TOLD = ("Hi Noor, your order Q5530 (Bookshelf) is running late: it should now arrive on "
        "30 November 2026. We're sorry about the wait. Reply 1 to keep the order, or 2 to "
        "cancel it for a full refund.")
T = TypeVar("T")


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def env(tmp_path: Path, smtp: SmtpSink, twilio: FakeTwilio,
        telegram: FakeTelegram) -> dict[str, str]:
    shop = write_shop(tmp_path, shop_with_phones({"K-77": NOOR_PHONE}))
    settings = make_settings(tmp_path, CASELOOP_DEMO_DATA=str(shop), CASELOOP_SMTP_URL=smtp.url)
    return {**env_for(settings), **whatsapp_env(twilio.url, json.dumps(
                {"outreach": OUTREACH_TEMPLATE})),
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_URL": telegram.api_url, "CASELOOP_EVENTS_SECRET": EVENTS_SECRET,
            "CASELOOP_QUIET_HOURS": "off"}


def serve(env: dict[str, str], folder: Path, **overrides: str) -> CaseloopServer:
    running = CaseloopServer({**env, **overrides}, folder)
    running.start()
    return running


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[CaseloopServer]:
    running = serve(env, tmp_path)
    yield running
    running.stop()


def post_event(server: CaseloopServer, event: dict[str, Any] | bytes,
               secret: str | None = EVENTS_SECRET, body: bytes | None = None) -> httpx.Response:
    """Post an event as the order system does: the exact bytes, signed with the secret."""
    raw = event if isinstance(event, bytes) else json.dumps(event).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SIGNATURE_HEADER] = sign(secret, raw)
    return httpx.post(f"{server.url}/events", content=body or raw, headers=headers, timeout=10)


def on_whatsapp(server: CaseloopServer, twilio: FakeTwilio, text: str) -> list[str]:
    """Noor writes on WhatsApp; what she got back."""
    before = len(twilio.sent_to(NOOR_PHONE))
    assert post_webhook(server.url, "/twilio/whatsapp",
                        inbound_form(NOOR_PHONE, text)).status_code == 200
    twilio.wait_for(NOOR_PHONE, before + 1)
    return [sent["Body"] for sent in settle(lambda: twilio.sent_to(NOOR_PHONE))[before:]]


def on_telegram(server: CaseloopServer, telegram: FakeTelegram, update: dict) -> list[str]:
    """Telegram posts an update from Noor; what she got back."""
    before = len(telegram.sent_to(NOOR_TELEGRAM))
    answer = httpx.post(f"{server.url}/telegram/webhook", json=update, timeout=10,
                        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert answer.status_code == 200
    telegram.wait_for("sendMessage", before + 1, chat_id=NOOR_TELEGRAM)
    return [c.params["text"] for c in settle(lambda: telegram.sent_to(NOOR_TELEGRAM))[before:]]


def settle(sent: Callable[[], list[T]]) -> list[T]:
    """What `sent()` returns once nothing new arrived for `QUIET` seconds."""
    count = -1
    while count != len(sent()):
        count = len(sent())
        time.sleep(QUIET)
    return sent()


def rows(server: CaseloopServer, sql: str, *parameters: Any) -> list[tuple]:
    return query(server.env["DATABASE_URL"], sql, *parameters)


def order_status(server: CaseloopServer, order_id: str) -> str:
    [(status,)] = rows(server, "SELECT status FROM store_orders WHERE id = ?", order_id)
    return status


def audit_records(server: CaseloopServer) -> list[tuple[str, str, str]]:
    """The audit log as an operator reads it: `caseloop audit --json`."""
    result = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                            env={**os.environ, **server.env}, cwd=server.workdir,
                            capture_output=True, text=True, check=True, timeout=30)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return [(r["action"], r["outcome"], r["customer_id"]) for r in records]


def test_a_signed_delay_reaches_noor_by_template_and_her_2_cancels_once(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    accepted = post_event(server, DELAY)
    assert accepted.status_code == 202 and accepted.json() == {"id": "evt_1", "duplicate": False}

    [told] = twilio.wait_for(NOOR_PHONE)
    assert told["ContentSid"] == OUTREACH_TEMPLATE and "Body" not in told
    assert json.loads(told["ContentVariables"])["1"] == TOLD
    [(origin, reason, stage, event_id)] = rows(
        server, "SELECT origin, reason, stage, event_id FROM cases WHERE customer_id = 'K-77'")
    assert (origin, reason, event_id) == ("outreach", "delay", "evt_1") and stage != "closed"
    [(kind, payload)] = rows(server, "SELECT kind, payload FROM timers WHERE key = ?",
                             "order_moved:evt_1")
    assert json.loads(payload)["order_id"] == "Q5530"

    replies = on_whatsapp(server, twilio, "2")
    assert replies[0] == "Hi Noor, I've matched this number to your account."
    assert replies[1].startswith("Done: I've cancelled order Q5530 and refunded 210.00 EUR.")
    assert order_status(server, "Q5530") == "cancelled"
    on_whatsapp(server, twilio, "2")
    assert audit_records(server) == [("cancel_order", "done", "K-77")]
    [(origin, resolution)] = rows(
        server, "SELECT origin, resolution FROM cases WHERE customer_id = 'K-77'")
    assert origin == "outreach"


def test_on_telegram_the_options_are_buttons_and_a_press_runs_one(
        server: CaseloopServer, twilio: FakeTwilio, telegram: FakeTelegram) -> None:
    contact = contact_update(NOOR_TELEGRAM, NOOR_PHONE.lstrip("+"), owner_id=NOOR_TELEGRAM)
    on_telegram(server, telegram, contact)

    assert post_event(server, DELAY).status_code == 202
    telegram.wait_for("sendMessage", 2, chat_id=NOOR_TELEGRAM)
    told = telegram.sent_to(NOOR_TELEGRAM)[-1]
    assert told.params["text"] == TOLD
    assert told.params["reply_markup"] == {"inline_keyboard": [
        [{"text": "Keep the order", "callback_data": "keep the order"},
         {"text": "Cancel it for a full refund", "callback_data": "cancel it for a full refund"}]]}
    assert twilio.sent_to(NOOR_PHONE) == []

    replies = on_telegram(server, telegram,
                          callback_update(NOOR_TELEGRAM, "cancel it for a full refund"))
    assert replies[0].startswith("Done: I've cancelled order Q5530")
    assert order_status(server, "Q5530") == "cancelled"
    assert audit_records(server) == [("cancel_order", "done", "K-77")]


def test_forged_unsigned_and_malformed_events_are_refused_and_not_stored(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    raw = json.dumps(DELAY).encode()
    assert post_event(server, DELAY, secret=None).status_code == 401
    assert post_event(server, DELAY, secret="not-the-shared-secret-at-all").status_code == 401
    tampered = raw.replace(b"Q5530", b"Q5544")
    assert post_event(server, raw, body=tampered).status_code == 401
    answer = httpx.post(f"{server.url}/events", content=raw, timeout=10,
                        headers={SIGNATURE_HEADER: "sha256=" + "0" * 64})
    assert answer.status_code == 401
    assert post_event(server, b"{not json").status_code == 400
    assert post_event(server, b"[]").status_code == 400
    missing = post_event(server, {"id": "evt_2", "type": "shipment_delayed"})
    assert missing.status_code == 422 and "order_id" in missing.json()["error"]
    no_eta = post_event(server, {**DELAY, "data": {}})
    assert no_eta.status_code == 422
    assert no_eta.json() == {"error": "a shipment_delayed event needs data fields: new_eta"}
    too_big = post_event(server, {**DELAY, "data": {"new_eta": "x" * 70_000}})
    assert too_big.status_code == 413

    assert rows(server, "SELECT COUNT(*) FROM events") == [(0,)]
    time.sleep(QUIET)
    assert twilio.created == []


def test_a_repeated_event_is_answered_but_sent_once(server: CaseloopServer,
                                                    twilio: FakeTwilio) -> None:
    assert post_event(server, DELAY).json()["duplicate"] is False
    assert post_event(server, DELAY).json() == {"id": "evt_1", "duplicate": True}
    twilio.wait_for(NOOR_PHONE)
    assert len(settle(lambda: twilio.sent_to(NOOR_PHONE))) == 1
    assert rows(server, "SELECT COUNT(*) FROM events") == [(1,)]


def test_stop_means_no_outreach_until_start_and_inside_the_window_it_is_free_text(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    [opted_out] = on_whatsapp(server, twilio, "STOP")
    assert opted_out.startswith("Understood: we won't message you first any more.")
    assert post_event(server, DELAY).status_code == 202
    time.sleep(2 * QUIET)
    assert len(twilio.sent_to(NOOR_PHONE)) == 1
    assert rows(server, "SELECT status, detail FROM events") == [
        ("skipped", "the customer opted out")]

    [opted_in] = on_whatsapp(server, twilio, "START")
    assert opted_in.startswith("Welcome back")
    assert post_event(server, {**DELAY, "id": "evt_2"}).status_code == 202
    told = twilio.wait_for(NOOR_PHONE, 3)[-1]
    assert told["Body"] == TOLD and "ContentSid" not in told


def test_the_daily_cap_holds_back_a_second_message(env: dict[str, str], tmp_path: Path,
                                                   twilio: FakeTwilio) -> None:
    running = serve(env, tmp_path, CASELOOP_OUTREACH_DAILY_CAP="1")
    try:
        assert post_event(running, {**DELAY, "order_id": "Q5544"}).status_code == 202
        twilio.wait_for(NOOR_PHONE)
        assert post_event(running, {**DELAY, "id": "evt_2"}).status_code == 202
        time.sleep(2 * QUIET)
        assert len(twilio.sent_to(NOOR_PHONE)) == 1
        assert rows(running, "SELECT id, status, detail FROM events ORDER BY id") == [
            ("evt_1", "sent", None), ("evt_2", "skipped", "daily cap of 1 reached")]
    finally:
        running.stop()


def test_in_quiet_hours_the_event_waits_and_goes_out_after_a_restart(
        env: dict[str, str], tmp_path: Path, twilio: FakeTwilio) -> None:
    hour = datetime.now(UTC).hour
    night = f"{hour:02d}-{(hour + 2) % 24:02d}"
    running = serve(env, tmp_path, CASELOOP_QUIET_HOURS=night)
    try:
        assert post_event(running, DELAY).status_code == 202
        time.sleep(2 * QUIET)
        assert twilio.created == []
        [(status, detail)] = rows(running, "SELECT status, detail FROM events")
        assert status == "waiting" and detail.startswith("quiet hours until")
    finally:
        running.kill()

    # The night ends while the server is down: the timer is due when it starts again.
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="milliseconds")
    rows(running, "UPDATE timers SET due_at = ? WHERE kind = 'outreach'",
         past.replace("+00:00", "Z"))
    again = serve(env, tmp_path, CASELOOP_QUIET_HOURS=f"{(hour + 12) % 24:02d}-"
                                                     f"{(hour + 13) % 24:02d}")
    try:
        [told] = twilio.wait_for(NOOR_PHONE)
        assert json.loads(told["ContentVariables"])["1"] == TOLD
        assert len(settle(lambda: twilio.sent_to(NOOR_PHONE))) == 1
    finally:
        again.stop()


def test_an_event_stored_when_the_server_died_is_sent_at_the_next_start(
        env: dict[str, str], tmp_path: Path, twilio: FakeTwilio) -> None:
    running = serve(env, tmp_path)
    running.kill()
    # What the route had committed when the process died, before the event was processed.
    rows(running, "INSERT INTO events (id, type, order_id, body, received_at) "
                  "VALUES (?, ?, ?, ?, ?)", "evt_1", "shipment_delayed", "Q5530",
         json.dumps(DELAY), "2026-11-20T09:00:00.000Z")

    again = serve(env, tmp_path)
    try:
        twilio.wait_for(NOOR_PHONE)
        assert post_event(again, DELAY).json()["duplicate"] is True
        assert len(settle(lambda: twilio.sent_to(NOOR_PHONE))) == 1
        assert rows(again, "SELECT status FROM events") == [("sent",)]
    finally:
        again.stop()


def due_now(server: CaseloopServer, kind: str) -> None:
    """Move the clock for the timers of one kind: they are due as of a minute ago."""
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="milliseconds")
    rows(server, "UPDATE timers SET due_at = ? WHERE kind = ? AND status = 'pending'",
         past.replace("+00:00", "Z"), kind)


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_the_cancelled_order_case_is_verified_closed_and_rated(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    post_event(server, DELAY)
    twilio.wait_for(NOOR_PHONE)
    on_whatsapp(server, twilio, "2")
    [(stage, resolution, origin)] = rows(
        server, "SELECT stage, resolution, origin FROM cases WHERE customer_id = 'K-77'")
    assert (stage, resolution, origin) == ("closed", "done", "outreach")

    due_now(server, "ask_satisfaction")
    question = twilio.wait_for(NOOR_PHONE, 4)[-1]["Body"]
    assert question.startswith("One quick question before I go: how would you rate the help")
    [thanks] = on_whatsapp(server, twilio, "5")
    assert thanks == "Thank you for your rating, glad I could help!"
    assert rows(server, "SELECT satisfaction FROM cases WHERE customer_id = 'K-77'") == [(5,)]


def test_unanswered_the_delay_is_followed_up_and_closes_once_the_order_moved(
        server: CaseloopServer, twilio: FakeTwilio) -> None:
    post_event(server, DELAY)
    twilio.wait_for(NOOR_PHONE)
    rows(server, "UPDATE store_orders SET status = 'shipped' WHERE id = 'Q5530'")

    due_now(server, "order_moved")
    wait_until(lambda: rows(server, "SELECT stage FROM cases") == [("closed",)])
    assert rows(server, "SELECT resolution, origin FROM cases") == [("moved", "outreach")]
    assert audit_records(server) == [("check_order_moved", "done", "K-77")]
