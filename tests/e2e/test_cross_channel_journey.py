"""One customer across channels, end to end: a case opened on WhatsApp, confirmed on Telegram.

One real server with both channels on, Twilio's REST API and Telegram's Bot API played by local
servers; webhooks signed or carrying the secret exactly as the providers send them. Noor is
recognized on WhatsApp by her number and on Telegram by sharing her own contact, both matching
the phone on file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from tests.factories import env_for, make_settings, write_shop
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.telegram_helpers import callback_update, contact_update, text_update
from tests.fakes.twilio import FakeTwilio
from tests.fakes.whatsapp_helpers import (
    inbound_form,
    post_webhook,
    query,
    shop_with_phones,
    whatsapp_env,
)

NOOR_PHONE = "+33612345678"
"""Noor Haddad's phone on file (customer K-77): her WhatsApp number, and her Telegram account's."""
NOOR_TELEGRAM = 6120458873
SECRET = "s3cret_Token-for-the-webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
T = TypeVar("T")
QUIET = 1.0
"""Seconds without a new message after which a channel is taken to have said everything."""


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def server(tmp_path: Path, smtp: SmtpSink, twilio: FakeTwilio,
           telegram: FakeTelegram) -> Iterator[CaseloopServer]:
    shop = write_shop(tmp_path, shop_with_phones({"K-77": NOOR_PHONE}))
    settings = make_settings(tmp_path, CASELOOP_DEMO_DATA=str(shop), CASELOOP_SMTP_URL=smtp.url)
    running = CaseloopServer({
        **env_for(settings), **whatsapp_env(twilio.url),
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_URL": telegram.api_url,
    }, tmp_path)
    running.start()
    yield running
    running.stop()


def on_whatsapp(server: CaseloopServer, twilio: FakeTwilio, text: str,
                deliveries: int) -> list[str]:
    """Noor writes on WhatsApp (Twilio posting the webhook `deliveries` times); the answer."""
    before = len(twilio.sent_to(NOOR_PHONE))
    form = inbound_form(NOOR_PHONE, text, profile="Noor")
    for _ in range(deliveries):
        answer = post_webhook(server.url, "/twilio/whatsapp", form)
        assert answer.status_code == 200
    twilio.wait_for(NOOR_PHONE, before + 1)
    return [sent["Body"] for sent in _settle(lambda: twilio.sent_to(NOOR_PHONE))[before:]]


def on_telegram(server: CaseloopServer, telegram: FakeTelegram, update: dict,
                deliveries: int) -> list[str]:
    """Telegram posts an update from Noor (`deliveries` times); the answer in her chat."""
    before = len(telegram.sent_to(NOOR_TELEGRAM))
    for _ in range(deliveries):
        answer = httpx.post(f"{server.url}/telegram/webhook", content=json.dumps(update),
                            headers={"Content-Type": "application/json",
                                     SECRET_HEADER: SECRET}, timeout=10)
        assert answer.status_code == 200
    telegram.wait_for("sendMessage", before + 1, chat_id=NOOR_TELEGRAM)
    return [call.params["text"]
            for call in _settle(lambda: telegram.sent_to(NOOR_TELEGRAM))[before:]]


def _settle(sent: Callable[[], list[T]]) -> list[T]:
    """What `sent()` returns once nothing new arrived for `QUIET` seconds."""
    count = -1
    while count != len(sent()):
        count = len(sent())
        time.sleep(QUIET)
    return sent()


def order_status(server: CaseloopServer, order_id: str) -> str:
    [(status,)] = query(server.env["DATABASE_URL"],
                        "SELECT status FROM store_orders WHERE id = ?", order_id)
    return status


def audit_records(server: CaseloopServer) -> list[dict]:
    """The audit log as an operator reads it: `caseloop audit --json`."""
    result = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                            env={**os.environ, **server.env}, cwd=server.workdir,
                            capture_output=True, text=True, check=True, timeout=30)
    return [json.loads(line) for line in result.stdout.splitlines()]


CANCEL_Q5530 = "cancel order Q5530 and refund its full 210.00 EUR"
YES_NO_BUTTONS = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"},
                                       {"text": "No", "callback_data": "no"}]]}


def propose_on_whatsapp_then_arrive_on_telegram(
    server: CaseloopServer, twilio: FakeTwilio, telegram: FakeTelegram, deliveries: int
) -> list[str]:
    """Noor asks for a cancellation on WhatsApp, then shares her own contact on Telegram."""
    proposed = on_whatsapp(server, twilio, "Hi, please cancel my order Q5530", deliveries)
    assert proposed[0] == "Hi Noor, I've matched this number to your account."
    assert CANCEL_Q5530 in proposed[1] and "Shall I go ahead?" in proposed[1]
    assert len(proposed) == 2
    assert order_status(server, "Q5530") == "processing"

    contact = contact_update(NOOR_TELEGRAM, NOOR_PHONE.lstrip("+"), owner_id=NOOR_TELEGRAM)
    arrival = on_telegram(server, telegram, contact, deliveries)
    assert arrival[0] == "Hi Noor, I've matched this number to your account."
    assert arrival[1].startswith("You have a request waiting for your answer")
    assert CANCEL_Q5530 in arrival[1] and "Reply yes" in arrival[1]
    assert len(arrival) == 2
    assert order_status(server, "Q5530") == "processing"
    return arrival


@pytest.mark.parametrize("deliveries", [1, 2], ids=["delivered once", "every webhook twice"])
def test_a_cancellation_proposed_on_whatsapp_is_confirmed_on_telegram(
    server: CaseloopServer, twilio: FakeTwilio, telegram: FakeTelegram, deliveries: int
) -> None:
    propose_on_whatsapp_then_arrive_on_telegram(server, twilio, telegram, deliveries)
    whatsapp_before = twilio.sent_to(NOOR_PHONE)

    done = on_telegram(server, telegram, text_update(NOOR_TELEGRAM, "yes"), deliveries)

    assert len(done) == 1 and done[0].startswith("Done: I've cancelled order Q5530")
    assert order_status(server, "Q5530") == "cancelled"
    assert [(r["action"], r["outcome"], r["customer_id"], r["args"])
            for r in audit_records(server)] == [
        ("cancel_order", "done", "K-77", {"order_id": "Q5530"})]
    time.sleep(QUIET)
    assert twilio.sent_to(NOOR_PHONE) == whatsapp_before
    assert len(telegram.sent_to(NOOR_TELEGRAM)) == 3


def test_the_case_named_on_telegram_is_confirmed_with_its_yes_button(
    server: CaseloopServer, twilio: FakeTwilio, telegram: FakeTelegram
) -> None:
    propose_on_whatsapp_then_arrive_on_telegram(server, twilio, telegram, deliveries=1)
    shown = telegram.sent_to(NOOR_TELEGRAM)[-1]
    assert shown.params.get("reply_markup") == YES_NO_BUTTONS

    message = {"message_id": 1, "date": int(time.time()), "text": shown.params["text"],
               "chat": {"id": NOOR_TELEGRAM, "type": "private"},
               "reply_markup": shown.params["reply_markup"]}
    press = callback_update(NOOR_TELEGRAM, "yes", message=message)
    [done] = on_telegram(server, telegram, press, deliveries=2)

    assert done.startswith("Done: I've cancelled order Q5530")
    assert order_status(server, "Q5530") == "cancelled"
    assert [(r["action"], r["outcome"]) for r in audit_records(server)] == [
        ("cancel_order", "done")]
    assert len(telegram.calls_to("answerCallbackQuery")) == 1
