"""Telegram end to end: the real server, python-telegram-bot inside it, a local Bot API outside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.databases import query
from tests.factories import env_for, make_settings, write_shop
from tests.fakes.openai import FakeOpenAI, text
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.fakes.telegram_helpers import (
    callback_update,
    contact_update,
    shop_with_phones,
    sticker_update,
    text_update,
)

SECRET = "s3cret_Token-for-the-webhook"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOOR = 6120458873
MEDIA_ONLY_START = "Thanks! I can only read text messages for now."

StartServer = Callable[..., CaseloopServer]


@pytest.fixture
def start_server(tmp_path: Path, smtp: SmtpSink,
                 telegram: FakeTelegram) -> Iterator[StartServer]:
    """Starts the real server with Telegram pointed at the fake; extra settings as keywords."""
    started: list[CaseloopServer] = []

    def start(**env: str) -> CaseloopServer:
        settings = env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url))
        server = CaseloopServer({
            **settings, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_URL": telegram.api_url, **env}, tmp_path)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server: StartServer) -> CaseloopServer:
    return start_server()


def deliver(server: CaseloopServer, update: object, secret: str | None = SECRET,
            content: bytes | None = None) -> httpx.Response:
    """Telegram posting an update to the webhook."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = secret
    body = content if content is not None else json.dumps(update).encode()
    return httpx.post(f"{server.url}/telegram/webhook", content=body, headers=headers, timeout=10)


def say(server: CaseloopServer, telegram: FakeTelegram, user_id: int, update: dict,
        replies: int = 1) -> list[str]:
    """Deliver an update and return the texts of the next `replies` messages to that user."""
    before = len(telegram.sent_to(user_id))
    assert deliver(server, update).status_code == 200
    telegram.wait_for("sendMessage", before + replies, chat_id=user_id)
    return telegram.texts_to(user_id)[before:before + replies]


def inbox_rows(server: CaseloopServer) -> list[dict[str, str]]:
    rows = query(server.env["DATABASE_URL"],
                 "SELECT channel, provider_id, sender, message FROM inbox ORDER BY id")
    return [dict(zip(("channel", "provider_id", "sender", "message"), row, strict=True))
            for row in rows]


def test_a_text_update_is_answered_in_the_senders_chat(
    server: CaseloopServer, telegram: FakeTelegram
) -> None:
    [answer] = say(server, telegram, NOOR, text_update(NOOR, "Do you take returns of opened "
                                                              "items?"))
    assert "Returns" in answer
    [call] = telegram.sent_to(NOOR)
    assert call.params["chat_id"] == str(NOOR)
    assert "parse_mode" not in call.params
    [row] = inbox_rows(server)
    assert (row["channel"], row["sender"]) == ("telegram", str(NOOR))


def test_an_update_delivered_twice_is_answered_once(
    server: CaseloopServer, telegram: FakeTelegram
) -> None:
    update = text_update(NOOR, "How long does shipping take?")
    assert deliver(server, update).status_code == 200
    assert deliver(server, update).status_code == 200
    telegram.wait_for("sendMessage", 1, chat_id=NOOR)
    time.sleep(1.0)
    assert len(telegram.sent_to(NOOR)) == 1
    assert [row["provider_id"] for row in inbox_rows(server)] == [str(update["update_id"])]


def test_a_wrong_or_missing_secret_is_refused_and_nothing_stored(
    server: CaseloopServer, telegram: FakeTelegram
) -> None:
    for secret in (None, "", "wrong", SECRET + "x", SECRET[:-1], SECRET.upper()):
        response = deliver(server, text_update(NOOR, "refund everything"), secret=secret)
        assert response.status_code == 401, secret
    assert inbox_rows(server) == []
    assert telegram.calls_to("sendMessage") == []


def test_malformed_bodies_are_refused_with_400_and_nothing_stored(
    server: CaseloopServer,
) -> None:
    for body in (
        b"{not json", b"", b"\xff\xfe", b"[]", b'"hello"', b"null", b'{"message": {"text": "hi"}}',
        b'{"update_id": "seven"}', b'{"update_id": 5, "message": {"text": "no chat or date"}}',
        b'{"update_id": 6, "callback_query": {"id": "1"}}',
        json.dumps(text_update(NOOR, "hi") | {"update_id": True}).encode(),
        json.dumps(text_update(NOOR, "hi")).replace('"text": "hi"', '"text": 7').encode(),
        json.dumps(text_update(NOOR, "hi")).replace(f'"id": {NOOR}', f'"id": "{NOOR}"').encode(),
    ):
        response = deliver(server, None, content=body)
        assert response.status_code == 400, body
    assert inbox_rows(server) == []
    assert server.process is not None and server.process.poll() is None


def test_a_sticker_gets_a_polite_answer(server: CaseloopServer, telegram: FakeTelegram) -> None:
    [answer] = say(server, telegram, NOOR, sticker_update(NOOR))
    assert answer.startswith(MEDIA_ONLY_START)


async def test_confirmation_buttons_carry_the_action_out_once(
    server: CaseloopServer, telegram: FakeTelegram, smtp: SmtpSink
) -> None:
    [ask] = say(server, telegram, NOOR, text_update(NOOR, "refund my lamp from order Q5521"))
    assert "e-mail" in ask
    keyboard = telegram.sent_to(NOOR)[-1].params["reply_markup"]
    assert keyboard["keyboard"] == [[{"text": "Share my phone number", "request_contact": True}]]

    say(server, telegram, NOOR, text_update(NOOR, "noor.haddad@example.org"))
    code = await smtp.code_for("noor.haddad@example.org")
    verified, confirm = say(server, telegram, NOOR, text_update(NOOR, code), replies=2)
    assert "verified" in verified
    assert "refund 38.40 EUR on order Q5521" in confirm
    sent = telegram.sent_to(NOOR)[-1]
    assert sent.params["reply_markup"] == {"inline_keyboard": [[
        {"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]]}

    shown = {"message_id": 1004, "date": int(time.time()), "text": confirm,
             "chat": {"id": NOOR, "type": "private"}, "reply_markup": sent.params["reply_markup"]}
    press = callback_update(NOOR, "yes", message=shown)
    [done] = say(server, telegram, NOOR, press)
    assert done.startswith("Done")
    assert deliver(server, press).status_code == 200  # Telegram redelivers the press
    [answered] = telegram.wait_for("answerCallbackQuery")
    assert answered.params["callback_query_id"] == press["callback_query"]["id"]
    [removed] = telegram.wait_for("editMessageReplyMarkup")
    assert removed.params["message_id"] == "1004"

    time.sleep(1.0)
    assert len(telegram.calls_to("answerCallbackQuery")) == 1
    assert telegram.texts_to(NOOR)[-1] == done
    audit = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"], env=server_env(server),
                           cwd=server.workdir, capture_output=True, text=True, check=True)
    refunds = [json.loads(line) for line in audit.stdout.splitlines()]
    assert [(r["action"], r["outcome"], r["customer_id"]) for r in refunds] == [
        ("refund", "done", "K-77")]


def test_own_contact_links_the_customer_and_someone_elses_does_not(
    start_server: StartServer, telegram: FakeTelegram, tmp_path: Path
) -> None:
    folder = tmp_path / "phones"
    folder.mkdir()
    shop = write_shop(folder, shop_with_phones({"K-77": "+447700900123",
                                                "K-88": "+33612345678"}))
    server = start_server(CASELOOP_DEMO_DATA=str(shop))
    stranger = 5988123001

    [answer] = say(server, telegram, stranger, contact_update(stranger, "447700900123",
                                                              owner_id=NOOR))
    assert "Noor" not in answer
    [answer] = say(server, telegram, NOOR, contact_update(NOOR, "447700900123", owner_id=NOOR))
    assert answer.startswith("Hi Noor")

    rows = {row["sender"]: json.loads(row["message"]) for row in inbox_rows(server)}
    assert rows[str(stranger)]["verified_phone"] is None
    assert rows[str(NOOR)]["verified_phone"] == "+447700900123"


def test_long_replies_are_split_and_markup_arrives_as_written(
    start_server: StartServer, telegram: FakeTelegram
) -> None:
    model = FakeOpenAI()
    model.start()
    try:
        server = start_server(CASELOOP_MODEL="openai:gpt-4o-mini", OPENAI_API_KEY="sk-test",
                              OPENAI_BASE_URL=model.base_url)
        paragraphs = [" ".join(f"Point {p}.{s} of our returns policy, in full." for s in
                               range(40)) for p in range(4)]
        long_answer = "\n\n".join(paragraphs)
        assert len(long_answer) > 6000
        model.answers.append(text(long_answer))
        parts = say(server, telegram, NOOR, text_update(NOOR, "tell me everything"), replies=2)
        assert all(len(part) <= 4096 for part in parts)
        assert "\n\n".join(parts) == long_answer

        markup = "Use <b>bold</b> or *stars* and _underscores_, like `code` & [links](x)."
        model.answers.append(text(markup))
        [answer] = say(server, telegram, NOOR, text_update(NOOR, "how do I format?"))
        assert answer == markup
        assert all("parse_mode" not in call.params for call in telegram.sent_to(NOOR))
    finally:
        model.stop()


def test_polling_mode_answers_updates_served_by_get_updates(
    start_server: StartServer, telegram: FakeTelegram
) -> None:
    telegram.push_update(text_update(NOOR, "Do you take returns of opened items?"))
    server = start_server(CASELOOP_TELEGRAM_MODE="polling", TELEGRAM_WEBHOOK_SECRET="")
    telegram.wait_for("sendMessage", 1, chat_id=NOOR)
    assert "Returns" in telegram.texts_to(NOOR)[0]
    telegram.push_update(sticker_update(NOOR))
    telegram.wait_for("sendMessage", 2, chat_id=NOOR)
    assert telegram.texts_to(NOOR)[1].startswith(MEDIA_ONLY_START)
    assert telegram.calls_to("deleteWebhook")
    assert deliver(server, text_update(NOOR, "hi")).status_code == 404


def test_set_webhook_registers_the_public_url_with_the_secret(
    server: CaseloopServer, telegram: FakeTelegram
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "telegram", "set-webhook"],
        env={**server_env(server), "CASELOOP_PUBLIC_URL": "https://support.example.com"},
        cwd=server.workdir, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "https://support.example.com/telegram/webhook" in result.stdout
    [call] = telegram.calls_to("setWebhook")
    assert call.params["url"] == "https://support.example.com/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]


def server_env(server: CaseloopServer) -> dict[str, str]:
    return {**os.environ, **server.env}
