"""The web chat as a browser uses it: HTTP and a WebSocket against the real server."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx
import pytest
import websockets

from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink


def test_chat_page_is_served_without_any_outside_resource(server: CaseloopServer) -> None:
    page = httpx.get(server.url + "/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "http://" not in page.text and "https://" not in page.text
    script = httpx.get(server.url + "/static/chat.js")
    assert script.status_code == 200 and "/webchat/ws" in script.text


def test_sessions_are_unguessable_tokens(server: CaseloopServer) -> None:
    tokens = {server.new_session() for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(token) >= 40 for token in tokens)


async def test_unknown_session_is_refused(server: CaseloopServer) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await server.connect("not-a-real-token")
    assert refused.value.response.status_code == 403


async def test_whole_case_over_the_websocket(server: CaseloopServer, smtp: SmtpSink) -> None:
    chat = await server.connect(server.new_session())
    policy = await chat.ask("Do you take returns of opened items?")
    assert "Returns" in policy[0]
    assert "e-mail" in (await chat.ask("refund my lamp from order Q5521 please"))[0]
    await chat.ask("sure, it's noor.haddad@example.org")
    code = await smtp.code_for("noor.haddad@example.org")
    verified, confirm = await chat.ask(code, replies=2)
    assert "verified" in verified
    assert "refund 38.40 EUR on order Q5521" in confirm
    await chat.send("yes")
    assert (await chat.receive())["text"].startswith("Done")
    await chat.close()
    audit = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                           env=server_env_of(server), cwd=server.workdir, capture_output=True,
                           text=True, check=True)
    records = [json.loads(line) for line in audit.stdout.splitlines()]
    assert [(r["action"], r["args"], r["outcome"], r["actor"], r["customer_id"])
            for r in records] == [("refund", {"order_id": "Q5521", "amount": "38.40"}, "done",
                                   "agent", "K-77")]
    assert records[0]["at"].endswith("Z") and records[0]["rule"] == "refund-up-to-50-auto"


async def test_confirmations_offer_yes_and_no_and_refusals_do_not(
    server: CaseloopServer, smtp: SmtpSink
) -> None:
    chat = await server.connect(server.new_session())
    await chat.ask("noor.haddad@example.org")
    await chat.ask(await smtp.code_for("noor.haddad@example.org"))
    await chat.send("please refund 10 on Q5521")
    confirmation = await chat.receive()
    assert confirmation["options"] == ["Yes", "No"]
    await chat.send("no")
    assert "options" not in await chat.receive()
    await chat.close()


async def test_reconnecting_continues_the_conversation(server: CaseloopServer,
                                                       smtp: SmtpSink) -> None:
    token = server.new_session()
    chat = await server.connect(token)
    await chat.ask("noor.haddad@example.org")
    await chat.ask(await smtp.code_for("noor.haddad@example.org"))
    await chat.close()
    again = await server.connect(token)
    assert "DPD-998877" in (await again.ask("and where is Q5544 now?"))[0]
    await again.close()


async def test_replies_written_while_offline_arrive_on_reconnect(server: CaseloopServer) -> None:
    token = server.new_session()
    chat = await server.connect(token)
    await chat.send("how long does shipping take?")
    await chat.close()
    await asyncio.sleep(1.0)
    again = await server.connect(token)
    assert "Shipping" in (await again.receive())["text"]
    await again.close()


async def test_a_resent_frame_is_answered_once(server: CaseloopServer) -> None:
    chat = await server.connect(server.new_session())
    await chat.send("what is your refund policy?", message_id="frame-1")
    await chat.send("what is your refund policy?", message_id="frame-1")
    await chat.send("how long does shipping take?", message_id="frame-2")
    first, second = await chat.receive(), await chat.receive()
    assert "Refunds" in first["text"] and "Shipping" in second["text"]
    with pytest.raises(asyncio.TimeoutError):
        await chat.receive(timeout=1.0)
    await chat.close()


@pytest.mark.parametrize("frame, expected", [
    ("this is not json", "JSON"),
    ('{"text": ""}', "empty"),
    ('{"text": "   "}', "empty"),
    ('{"message": "hi"}', "JSON"),
    ('["text"]', "JSON"),
    ('{"text": 42}', "JSON"),
    (json.dumps({"text": "y" * 70000}), "too long"),
])
async def test_bad_frames_get_a_clear_error_and_the_chat_goes_on(
    server: CaseloopServer, frame: str, expected: str
) -> None:
    chat = await server.connect(server.new_session())
    await chat.socket.send(frame)
    error = await chat.receive()
    assert error["type"] == "error" and expected in error["text"]
    assert "Shipping" in (await chat.ask("shipping times?"))[0]
    await chat.close()


async def test_binary_frames_are_refused_politely(server: CaseloopServer) -> None:
    chat = await server.connect(server.new_session())
    await chat.socket.send(b"\xff\xfe\x00binary")
    assert (await chat.receive())["type"] == "error"
    assert "Returns" in (await chat.ask("return policy"))[0]
    await chat.close()


def test_malformed_http_requests_never_give_a_server_error(server: CaseloopServer) -> None:
    for method, path, body in [("POST", "/webchat/sessions", b"\xff\xfe"),
                               ("GET", "/webchat/ws", b""), ("POST", "/healthz", b"{")]:
        response = httpx.request(method, server.url + path, content=body)
        assert response.status_code < 500, (method, path, response.status_code)


def server_env_of(server: CaseloopServer) -> dict[str, str]:
    import os

    return {**os.environ, **server.env}


async def test_session_tokens_stay_out_of_the_server_log(server: CaseloopServer) -> None:
    token = server.new_session()
    chat = await server.connect(token)
    await chat.ask("hello")
    await chat.close()
    with pytest.raises(websockets.InvalidStatus):
        await server.connect(token + "x")
    assert "/webchat/ws" in server.log()
    assert token not in server.log()
    assert "session=[redacted]" in server.log()
