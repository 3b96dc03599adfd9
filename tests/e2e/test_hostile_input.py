"""Hostile input through the real server, every channel on: bounded, cleaned, never a 5xx."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.outreach.event_signature import SIGNATURE_HEADER, sign
from tests.databases import query
from tests.factories import env_for, make_settings
from tests.fakes.server import CaseloopServer
from tests.fakes.slack import SIGNING_SECRET, FakeSlack, signed_headers
from tests.fakes.slack import TOKEN as SLACK_TOKEN
from tests.fakes.smtp import SmtpSink
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_helpers import text_update
from tests.fakes.twilio import FakeTwilio
from tests.fakes.whatsapp_helpers import inbound_form, post_webhook, whatsapp_env

SECRET = "s3cret_Token-for-the-webhook"
EVENTS_SECRET = "whsec-shared-with-the-order-system"
TELEGRAM_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CHARS = 300
NOOR = 6120458873


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseloopServer]:
    """One server for the module with every channel on, each pointed at a local fake."""
    folder: Path = tmp_path_factory.mktemp("hostile")
    fakes = [SmtpSink(), FakeTelegram(), FakeTwilio(), FakeSlack()]
    for fake in fakes:
        fake.start()
    smtp, telegram, twilio, slack = fakes
    assert isinstance(smtp, SmtpSink) and isinstance(telegram, FakeTelegram)
    assert isinstance(twilio, FakeTwilio) and isinstance(slack, FakeSlack)
    env = {**env_for(make_settings(folder, CASELOOP_SMTP_URL=smtp.url)),
           **whatsapp_env(twilio.url),
           "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "TELEGRAM_API_URL": telegram.api_url,
           "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_ESCALATION_CHANNEL": "C0ESCALATE", "SLACK_API_URL": slack.api_url,
           "CASELOOP_EVENTS_SECRET": EVENTS_SECRET,
           "CASELOOP_MAX_MESSAGE_CHARS": str(MAX_CHARS),
           "CASELOOP_SESSIONS_PER_MINUTE": "60",
           "CASELOOP_FRAME_ANCESTORS": "'self' https://shop.example.com"}
    running = CaseloopServer(env, folder)
    running.start()
    running.telegram = telegram  # type: ignore[attr-defined]
    yield running
    running.stop()
    for fake in reversed(fakes):
        fake.stop()


def stored_texts(server: CaseloopServer, channel: str) -> list[str]:
    rows = query(server.env["DATABASE_URL"],
                 "SELECT message FROM inbox WHERE channel = ? ORDER BY id", channel)
    return [json.loads(row[0])["text"] for row in rows]


def telegram_post(server: CaseloopServer, body: bytes) -> httpx.Response:
    return httpx.post(f"{server.url}/telegram/webhook", content=body, timeout=10,
                      headers={"Content-Type": "application/json", TELEGRAM_HEADER: SECRET})


def events_post(server: CaseloopServer, body: bytes) -> httpx.Response:
    return httpx.post(f"{server.url}/events", content=body, timeout=10,
                      headers={"Content-Type": "application/json",
                               SIGNATURE_HEADER: sign(EVENTS_SECRET, body)})


async def test_a_long_message_is_cut_to_the_same_limit_on_every_channel(
    server: CaseloopServer,
) -> None:
    long_text = "where is my parcel " * 100  # 1,900 characters
    chat = await server.connect(server.new_session())
    [answer] = await chat.ask(long_text)
    assert answer
    await chat.close()
    assert telegram_post(server, json.dumps(text_update(NOOR, long_text)).encode()
                         ).status_code == 200
    assert post_webhook(server.url, "/twilio/whatsapp",
                        inbound_form("+447700900123", long_text)).status_code == 200
    for channel in ("webchat", "telegram", "whatsapp"):
        deadline = time.monotonic() + 10
        while not stored_texts(server, channel) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        text = stored_texts(server, channel)[-1]
        assert len(text) <= MAX_CHARS and text.endswith(" …")
        assert text.startswith("where is my parcel where is my parcel")


async def test_a_lone_surrogate_among_twenty_customers_loses_no_one_s_message(
    server: CaseloopServer,
) -> None:
    chats = [await server.connect(server.new_session()) for _ in range(20)]
    frames = [json.dumps({"text": "what is your refund policy?"}) for _ in range(20)]
    frames[7] = '{"text": "\\udc80 what is your refund policy?"}'
    await asyncio.gather(*(chat.socket.send(frame) for chat, frame in zip(chats, frames,
                                                                           strict=True)))
    answers = await asyncio.gather(*(chat.receive(timeout=30) for chat in chats))
    assert all(answer["type"] == "message" and "Refund" in answer["text"] for answer in answers)
    assert "\ufffd what is your refund policy?" in stored_texts(server, "webchat")
    for chat in chats:
        await chat.close()


def test_a_signed_telegram_update_with_a_lone_surrogate_is_taken_and_answered(
    server: CaseloopServer,
) -> None:
    telegram: FakeTelegram = server.telegram  # type: ignore[attr-defined]
    user = 7700112233
    body = json.dumps(text_update(user, "PLACEHOLDER")).replace(
        "PLACEHOLDER", "\\udc80 do you ship abroad?").encode()
    assert telegram_post(server, body).status_code == 200
    telegram.wait_for("sendMessage", 1, chat_id=user)
    assert "\ufffd do you ship abroad?" in stored_texts(server, "telegram")


def test_bodies_over_the_limit_are_refused_while_they_stream(server: CaseloopServer) -> None:
    def endless(chunks: int) -> Iterator[bytes]:
        for _ in range(chunks):
            yield b"x" * 65_536

    for path in ("/telegram/webhook", "/twilio/whatsapp", "/events", "/slack/events",
                 "/console/login"):
        started = time.monotonic()
        # 20 MB, chunked: no Content-Length to trust.
        response = httpx.post(f"{server.url}{path}", content=endless(320), timeout=30,
                              headers={TELEGRAM_HEADER: SECRET})
        assert response.status_code in (401, 403, 413), (path, response.status_code)
        assert time.monotonic() - started < 5, path
        # A declared length over the limit is refused before a byte of the body is sent.
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
            raw.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                        f"\r\nContent-Length: {20 * 1024 * 1024}\r\n\r\n".encode())
            assert raw.recv(200).startswith(b"HTTP/1.1 413"), path
    response = httpx.post(f"{server.url}/telegram/webhook", timeout=10,
                          content=b"x" * (300 * 1024), headers={TELEGRAM_HEADER: SECRET})
    assert response.status_code == 413


def test_deeply_nested_json_is_a_400_on_signed_routes(server: CaseloopServer) -> None:
    deep = b"[" * 20_000 + b"]" * 20_000
    assert telegram_post(server, deep).status_code == 400
    assert events_post(server, deep).status_code == 400
    nested = json.dumps({"update_id": 5, "message": json.loads("[" * 40 + "]" * 40)}).encode()
    assert telegram_post(server, nested).status_code == 400


def test_a_lone_surrogate_in_signed_json_is_replaced_not_a_500(server: CaseloopServer) -> None:
    body = (b'{"id": "evt_surrogate", "type": "shipment_delayed", "order_id": "Q\\udc80",'
            b' "data": {"new_eta": "2026-12-24\\udc80", "note\\ud800": ["\\udfff"]}}')
    response = events_post(server, body)
    assert response.status_code == 202 and response.json()["id"] == "evt_surrogate"
    [stored] = query(server.env["DATABASE_URL"],
                     "SELECT body FROM events WHERE id = ?", "evt_surrogate")
    assert "2026-12-24\ufffd" in json.loads(stored[0])["data"]["new_eta"]


def test_the_chat_page_and_static_files_send_security_headers(server: CaseloopServer) -> None:
    for path in ("/", "/static/chat.js", "/static/chat.css"):
        response = httpx.get(f"{server.url}{path}", timeout=10)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'self' https://shop.example.com" in policy
        assert "script-src 'self'" in policy and "default-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "x-frame-options" not in response.headers  # it cannot allow the shop's origin
    missing = httpx.get(f"{server.url}/static/no-such-file.js", timeout=10)
    assert missing.status_code == 404 and "default-src 'none'" in (
        missing.headers["content-security-policy"])


def test_starting_sessions_too_fast_from_one_address_is_refused_with_retry_after(
    server: CaseloopServer,
) -> None:
    # As a proxy in front would say: the client is 203.0.113.9 (uvicorn trusts it from localhost).
    client = {"X-Forwarded-For": "203.0.113.9"}
    statuses = [httpx.post(f"{server.url}/webchat/sessions", headers=client, timeout=10)
                for _ in range(80)]
    refused = [r for r in statuses if r.status_code == 429]
    assert refused and len(refused) <= 80 - 40
    assert int(refused[0].headers["retry-after"]) >= 1
    assert "Too many new chats" in refused[0].json()["error"]
    # Other addresses are not affected.
    assert httpx.post(f"{server.url}/webchat/sessions", timeout=10).status_code == 201


ROUTES = [("POST", "/webchat/sessions"), ("POST", "/telegram/webhook"),
          ("POST", "/twilio/whatsapp"), ("POST", "/twilio/status"), ("POST", "/events"),
          ("POST", "/slack/events"), ("POST", "/console/login"), ("GET", "/console"),
          ("POST", "/console/cases/1/take-over"), ("POST", "/console/approvals/1/approve"),
          ("GET", "/metrics"), ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/webchat/ws"),
          ("GET", "/static/..%2f..%2fbot%2fconfig.py"), ("GET", "/")]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data",
                 "multipart/form-data; boundary=x", "text/plain",
                 "application/json; charset=latin-1"]


def malformed_bodies(rng: random.Random) -> Iterator[bytes]:
    """Bodies a hostile client might send: broken JSON, deep nesting, bad UTF-8, odd forms."""
    fixed = [b"", b"{", b"[]", b"null", b"1e999999", b'{"text": "\\udc80"}', b"\xff\xfe\x00",
             b"[" * 5000, b'{"a":' * 3000, b"payload=" + b"%7B" * 2000, b"payload=%ZZ",
             b"a=1&" * 2000, b"--x\r\nContent-Disposition: form-data\r\n\r\n",
             json.dumps({"update_id": "x", "message": {"text": 5}}).encode(),
             json.dumps({"type": "url_verification", "challenge": ["x"]}).encode(),
             b"Body=%00%00&From=whatsapp%3A%2B1&MessageSid=" + b"S" * 5000,
             b"\x00" * 1000, "é\u202e\u0000".encode()]
    yield from fixed
    while True:
        yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))


def test_hundreds_of_malformed_requests_get_no_5xx_and_the_chat_still_works(
    server: CaseloopServer,
) -> None:
    rng = random.Random(1729)
    bodies = malformed_bodies(rng)
    failures = []
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for index in range(300):
            method, path = ROUTES[index % len(ROUTES)]
            body = next(bodies)
            headers = {"Content-Type": CONTENT_TYPES[index % len(CONTENT_TYPES)],
                       TELEGRAM_HEADER: SECRET}
            if path == "/events":
                headers[SIGNATURE_HEADER] = sign(EVENTS_SECRET, body)
            if path == "/slack/events":
                headers.update(signed_headers(body.decode("utf-8", "replace"),
                                              content_type=headers["Content-Type"]))
                body = body.decode("utf-8", "replace").encode()
            response = client.request(method, path, content=body, headers=headers)
            if response.status_code >= 500:
                failures.append((method, path, body[:60], response.status_code))
    assert failures == []
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200


async def test_after_the_fuzz_a_normal_turn_still_works(server: CaseloopServer) -> None:
    chat = await server.connect(server.new_session())
    [answer] = await chat.ask("how long does shipping take?")
    assert "Shipping" in answer
    await chat.close()


@pytest.fixture
def default_server(tmp_path: Path) -> Iterator[CaseloopServer]:
    """A server with the default message limit (4,000 characters)."""
    running = CaseloopServer(env_for(make_settings(tmp_path)), tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.mark.parametrize("long_text", [
    "a" * 4000, "1 a " * 1000, "é" * 3999 + "@", "12 Hauptstrasse" * 266, "£1," * 1333,
], ids=["letters", "number-word", "accents-at", "streets", "amounts"])
async def test_one_long_message_does_not_hold_up_another_customer(
    default_server: CaseloopServer, long_text: str
) -> None:
    sender = await default_server.connect(default_server.new_session())
    other = await default_server.connect(default_server.new_session())
    for _ in range(3):
        await sender.send(long_text)
    started = time.monotonic()
    [answer] = await other.ask("how long does shipping take?")
    assert "Shipping" in answer
    assert time.monotonic() - started < 3.0  # generous: a turn takes tens of milliseconds
    for _ in range(3):
        assert (await sender.receive(timeout=30))["type"] == "message"
    await sender.close()
    await other.close()
