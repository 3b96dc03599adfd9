"""The real server on the business's own backend: a web chat customer's refund goes through the
HTTP contract once, and a backend that fails gets a clear answer, an audit record and a person."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import shop
from tests.fakes.backend_server import ReferenceBackend
from tests.fakes.server import CaseloopServer, WebchatClient
from tests.fakes.smtp import SmtpSink

TOKEN = "e2e-backend-token-5f1c"


@pytest.fixture
def reference() -> Iterator[ReferenceBackend]:
    backend = ReferenceBackend(shop(), token=TOKEN)
    backend.start()
    yield backend
    backend.stop()


@pytest.fixture
def server_env(server_env: dict[str, str], reference: ReferenceBackend) -> dict[str, str]:
    return {**server_env, "CASELOOP_BACKEND": "http", "CASELOOP_BACKEND_URL": reference.url,
            "CASELOOP_BACKEND_TOKEN": TOKEN}


async def _verified_refund_offer(server: CaseloopServer, smtp: SmtpSink) -> WebchatClient:
    chat = await server.connect(server.new_session())
    assert "e-mail" in (await chat.ask("refund my lamp from order Q5521 please"))[0]
    await chat.ask("it's noor.haddad@example.org")
    verified, confirm = await chat.ask(await smtp.code_for("noor.haddad@example.org"), replies=2)
    assert "verified" in verified
    assert "refund 38.40 EUR on order Q5521" in confirm
    return chat


def _audit(server: CaseloopServer) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                          env={**os.environ, **server.env}, cwd=server.workdir,
                          capture_output=True, text=True, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


async def test_a_confirmed_refund_goes_through_the_backend_once(
        server: CaseloopServer, smtp: SmtpSink, reference: ReferenceBackend) -> None:
    chat = await _verified_refund_offer(server, smtp)
    await chat.send("yes")
    assert (await chat.receive())["text"].startswith("Done")
    await chat.send("yes")
    assert "Done" not in (await chat.receive())["text"]
    await chat.close()
    assert reference.orders["Q5521"]["refunded"] == "38.40"
    [write] = reference.writes()
    assert (write["method"], write["path"], write["status"]) == ("POST", "/orders/Q5521/refunds",
                                                                 200)
    assert {r["authorization"] for r in reference.requests} == {f"Bearer {TOKEN}"}
    [record] = _audit(server)
    assert (record["action"], record["args"], record["outcome"], record["actor"],
            record["customer_id"], record["rule"]) == (
        "refund", {"order_id": "Q5521", "amount": "38.40"}, "done", "agent", "K-77",
        "refund-up-to-50-auto")
    assert write["idempotency_key"] == "caseloop-" + record["idempotency_key"]
    assert TOKEN not in server.log()


async def test_a_backend_that_fails_is_never_taken_for_a_success(
        server: CaseloopServer, smtp: SmtpSink, reference: ReferenceBackend) -> None:
    chat = await _verified_refund_offer(server, smtp)
    reference.fail(503, times=None, match="POST /orders")
    await chat.send("yes")
    reply = (await chat.receive(timeout=30))["text"]
    assert "didn't confirm" in reply and "Done" not in reply
    writes = reference.writes()
    assert len(writes) == 3 and len({w["idempotency_key"] for w in writes}) == 1
    reference.stop()
    down = (await chat.ask("where is my order Q5544?", timeout=30))[0]
    assert "isn't answering" in down or "colleague" in down
    await chat.close()
    assert reference.orders["Q5521"]["refunded"] == "0.00" and reference.effects == []
    records = _audit(server)
    assert [(r["action"], r["outcome"], r["rule"]) for r in records] == [
        ("refund", "failed", "refund-up-to-50-auto"), ("escalate", "escalated", None)]
    assert records[1]["detail"]["reason"] == "backend_error"


def test_the_server_will_not_start_on_http_without_a_url(tmp_path: Path,
                                                         server_env: dict[str, str]) -> None:
    env = {**os.environ, **server_env}
    del env["CASELOOP_BACKEND_URL"]
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "CASELOOP_BACKEND_URL is needed" in done.stdout + done.stderr
