"""Ready in under two seconds with every channel on: webhooks during the background load.

The server listens before python-telegram-bot, bolt and LangGraph are loaded. A Telegram update
and a Slack event sent right after `/healthz` first answers, while `/readyz` still says not
ready, are verified, stored and answered once; the same deliveries sent again later are
recognized.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.databases import query
from tests.factories import env_for, make_settings
from tests.fakes.server import CaseloopServer
from tests.fakes.slack import SIGNING_SECRET, FakeSlack, event_body, event_callback, signed_headers
from tests.fakes.slack import TOKEN as SLACK_TOKEN
from tests.fakes.smtp import SmtpSink
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_helpers import text_update
from tests.fakes.twilio import FakeTwilio
from tests.fakes.whatsapp_helpers import whatsapp_env

SECRET = "cold-start-webhook-secret"
TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOOR = 6120458874


@pytest.fixture
def fakes() -> Iterator[tuple[SmtpSink, FakeTelegram, FakeTwilio, FakeSlack]]:
    running = (SmtpSink(), FakeTelegram(), FakeTwilio(), FakeSlack())
    for fake in running:
        fake.start()
    yield running
    for fake in reversed(running):
        fake.stop()


@pytest.fixture
def cold_server(tmp_path: Path, fakes: tuple[SmtpSink, FakeTelegram, FakeTwilio, FakeSlack]
                ) -> Iterator[CaseloopServer]:
    """Every channel on; returned as soon as `/healthz` answers, before `/readyz` does."""
    smtp, telegram, twilio, slack = fakes
    env = {**env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)),
           **whatsapp_env(twilio.url),
           "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "TELEGRAM_API_URL": telegram.api_url,
           "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_ESCALATION_CHANNEL": "C0ESCALATE", "SLACK_API_URL": slack.api_url}
    server = CaseloopServer(env, tmp_path)
    server.start(until="/healthz")
    yield server
    server.stop()


def post_telegram(server: CaseloopServer, update: dict) -> httpx.Response:
    return httpx.post(f"{server.url}/telegram/webhook", content=json.dumps(update), timeout=20,
                      headers={"Content-Type": "application/json", TELEGRAM_HEADER: SECRET})


def post_slack(server: CaseloopServer, body: str, **extra: str) -> httpx.Response:
    return httpx.post(f"{server.url}/slack/events", content=body, timeout=20,
                      headers=signed_headers(body, **extra))


def test_webhooks_during_the_background_load_are_stored_and_answered_once(
    cold_server: CaseloopServer, fakes: tuple[SmtpSink, FakeTelegram, FakeTwilio, FakeSlack],
) -> None:
    telegram = fakes[1]
    update = text_update(NOOR, "what is your refund policy?")
    slack_body = event_body(event_callback(
        {"type": "message", "channel": "C0ESCALATE", "user": "U0AGENT", "text": "hello",
         "ts": "1700000000.000100", "thread_ts": "1700000000.000001"}, event_id="Ev0COLDSTART"))

    loading = httpx.get(f"{cold_server.url}/readyz", timeout=5)
    with ThreadPoolExecutor(2) as pool:
        sent_telegram = pool.submit(post_telegram, cold_server, update)
        sent_slack = pool.submit(post_slack, cold_server, slack_body)
        assert sent_telegram.result().status_code == 200
        assert sent_slack.result().status_code == 200

    assert loading.status_code == 503
    assert loading.json()["channels"] is False
    assert httpx.get(f"{cold_server.url}/readyz", timeout=5).status_code == 200
    [reply] = [call.params["text"] for call in telegram.wait_for("sendMessage", chat_id=NOOR)]
    assert "refund" in reply.lower()

    # The same deliveries again, now that everything is loaded: recognized, not taken twice.
    assert post_telegram(cold_server, update).status_code == 200
    assert post_slack(cold_server, slack_body, **{"X-Slack-Retry-Num": "1"}).status_code == 200
    database = cold_server.env["DATABASE_URL"]
    assert len(query(database, "SELECT id FROM inbox WHERE channel = 'telegram'")) == 1
    assert query(database, "SELECT event_id FROM slack_events") == [("Ev0COLDSTART",)]
    assert "Dropped Slack event Ev0COLDSTART: already taken (retry 1)" in cold_server.log()
    assert len(telegram.texts_to(NOOR)) == 1


def test_a_forged_webhook_is_refused_at_once_while_loading(
    cold_server: CaseloopServer,
) -> None:
    forged = httpx.post(f"{cold_server.url}/telegram/webhook", content=b"{}", timeout=5,
                        headers={TELEGRAM_HEADER: "wrong"})
    unsigned = httpx.post(f"{cold_server.url}/slack/events", content=b"{}", timeout=5)
    still_loading = httpx.get(f"{cold_server.url}/readyz", timeout=5).status_code
    assert (forged.status_code, unsigned.status_code) == (401, 401)
    assert still_loading == 503
