"""SIGTERM mid-load, as a platform sends it on every deploy: nothing lost, nothing twice.

Several WhatsApp customers write at once through signed Twilio webhooks while turns wait on a
slow model. The server is sent SIGTERM in the middle of it, then started again, and Twilio
redelivers every message it is unsure of (here: all of them). Each message must be answered
exactly once, in order, whether it was being answered, waiting in the inbox, or refused while
the server was down.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path
from typing import Any

import httpx

from tests.databases import query
from tests.factories import env_for, make_settings
from tests.fakes.openai import FakeOpenAI, text
from tests.fakes.server import CaseloopServer
from tests.fakes.twilio import FakeTwilio
from tests.fakes.whatsapp_helpers import (
    PUBLIC_URL,
    inbound_form,
    message_sid,
    sign,
    whatsapp_env,
)

WEBHOOK = "/twilio/whatsapp"
NAMES = ("Lea", "Omar", "Ines", "Tomas", "Yuki", "Ravi")
QUESTIONS = ("do you ship to Norway?", "what is your return policy?",
             "how long does delivery take?", "can I pay by invoice?", "do you sell gift cards?",
             "is there a warranty on lamps?", "are your rugs washable?",
             "where is your warehouse?")


def echo(body: dict[str, Any]) -> dict[str, Any]:
    """The model answers each turn with the customer's own words, so answers name messages."""
    said = [m["content"] for m in body["messages"] if m["role"] == "user"]
    return text(f"Re: {said[-1]}")


class Customer:
    """A WhatsApp customer with the messages they will write, each with its Twilio sid."""

    def __init__(self, index: int, count: int) -> None:
        self.number = f"+4477009{800 + index:05d}"
        self.name = NAMES[index % len(NAMES)]
        self.forms = [inbound_form(self.number, f"{self.name} asks: {question}", message_sid(),
                                   self.name) for question in QUESTIONS[:count]]
        self.accepted: list[str] = []
        self.refused: list[str] = []

    @property
    def expected(self) -> list[str]:
        return [f"Re: {form['Body']}" for form in self.forms]

    async def write(self, client: httpx.AsyncClient, pace: float = 0.0,
                    forms: list[dict[str, str]] | None = None) -> None:
        """Post each message in turn, as Twilio does; note which the server took."""
        for form in self.forms if forms is None else forms:
            if await deliver(client, form):
                self.accepted.append(form["MessageSid"])
            else:
                self.refused.append(form["MessageSid"])
            await asyncio.sleep(pace)


async def deliver(client: httpx.AsyncClient, form: dict[str, str]) -> bool:
    headers = {"X-Twilio-Signature": sign(PUBLIC_URL + WEBHOOK, form)}
    try:
        response = await client.post(WEBHOOK, data=form, headers=headers, timeout=5)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def start_server(tmp_path: Path, model: FakeOpenAI, twilio: FakeTwilio,
                 grace: int) -> CaseloopServer:
    settings = make_settings(tmp_path, CASELOOP_MODEL="openai:gpt-test", OPENAI_API_KEY="sk-t",
                             OPENAI_BASE_URL=model.base_url)
    server = CaseloopServer({**env_for(settings), **whatsapp_env(twilio.url),
                             "CASELOOP_SHUTDOWN_GRACE": str(grace)}, tmp_path)
    server.start()
    return server


def inbox(server: CaseloopServer) -> dict[str, tuple[int, str]]:
    """Message sid → (inbox id, status), read from the database as an operator would."""
    rows = query(server.env["DATABASE_URL"], "SELECT provider_id, id, status FROM inbox")
    return {sid: (item_id, status) for sid, item_id, status in rows}


def answers_in_outbox(server: CaseloopServer) -> dict[str, int]:
    """Inbound message sid → how many answers to it the outbox holds."""
    counts: dict[str, int] = {}
    for (message,) in query(server.env["DATABASE_URL"], "SELECT message FROM outbox"):
        replying_to = (json.loads(message) if isinstance(message, str) else message)["in_reply_to"]
        counts[replying_to] = counts.get(replying_to, 0) + 1
    return counts


async def until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.05)


async def terminate(server: CaseloopServer, timeout: float) -> float:
    """SIGTERM; returns how long the process took to exit."""
    assert server.process is not None
    sent = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    await until(lambda: server.process.poll() is not None, timeout, "the server exits")
    return time.monotonic() - sent


async def redeliver_and_check(server: CaseloopServer, twilio: FakeTwilio,
                              customers: list[Customer], timeout: float = 60) -> None:
    """Twilio redelivers every message; each must be answered once, in order."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        for customer in customers:
            for form in customer.forms:
                assert await deliver(client, form)
    total = sum(len(customer.forms) for customer in customers)
    await until(lambda: all(len(twilio.sent_to(c.number)) >= len(c.forms) for c in customers),
                timeout, "every message answered")
    await asyncio.sleep(1.0)  # an answer sent twice would arrive by now
    for customer in customers:
        bodies = [form["Body"] for form in twilio.sent_to(customer.number)]
        assert bodies == customer.expected, customer.name
    stored = inbox(server)
    assert len(stored) == total
    assert {status for _, status in stored.values()} == {"done"}
    assert answers_in_outbox(server) == {sid: 1 for sid in stored}


async def test_sigterm_mid_load_finishes_turns_in_flight_and_loses_nothing(
    tmp_path: Path,
) -> None:
    model = FakeOpenAI(delay=0.4, answer_with=echo)
    twilio = FakeTwilio()
    model.start()
    twilio.start()
    server = start_server(tmp_path, model, twilio, grace=15)
    customers = [Customer(index, count=8) for index in range(6)]
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            writing = [asyncio.create_task(c.write(client, 0.12, c.forms[:4])) for c in customers]
            await until(lambda: len(model.requests) >= 8, 30, "turns reach the model")
            in_flight = {sid for sid, (_, status) in inbox(server).items()
                         if status == "processing"}
            stopping = asyncio.create_task(terminate(server, timeout=20))
            await asyncio.gather(*writing)
            # The rest arrive while the server is stopping, however fast the turns went before.
            await asyncio.gather(*(c.write(client, 0.12, c.forms[4:]) for c in customers))
            took = await stopping

        assert in_flight, "no turn was in flight at SIGTERM"
        assert took < 15, f"shutdown took {took:.1f}s, more than the grace"
        after = inbox(server)
        assert all(after[sid][1] == "done" for sid in in_flight), "a turn in flight was cut"
        waiting = [sid for sid, (_, status) in after.items() if status == "pending"]
        assert waiting, "no accepted message was left waiting: the load was too light"
        assert any(customer.refused for customer in customers), "a message was taken while stopping"
        assert {sid for c in customers for sid in c.accepted} <= set(after), "accepted, lost"
        done = {sid for sid, (_, status) in after.items() if status == "done"}
        assert answers_in_outbox(server) == {sid: 1 for sid in done}

        model.delay = 0.05
        server.start()
        await redeliver_and_check(server, twilio, customers)
    finally:
        server.stop()
        model.stop()
        twilio.stop()


async def test_turns_still_running_at_the_end_of_the_grace_are_released_and_replayed(
    tmp_path: Path,
) -> None:
    model = FakeOpenAI(delay=8, answer_with=echo)
    twilio = FakeTwilio()
    model.start()
    twilio.start()
    server = start_server(tmp_path, model, twilio, grace=1)
    customers = [Customer(index, count=2) for index in range(3)]
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            await asyncio.gather(*(customer.write(client) for customer in customers))
        assert all(len(customer.accepted) == 2 for customer in customers)
        await until(lambda: len(model.requests) >= 3, 30, "turns reach the model")
        took = await terminate(server, timeout=10)

        assert took < 5, f"shutdown took {took:.1f}s: the grace of 1s was not kept"
        statuses = sorted(status for _, status in inbox(server).values())
        assert statuses == ["pending"] * 3 + ["processing"] * 3
        assert twilio.created == []

        model.delay = 0
        server.start()
        await redeliver_and_check(server, twilio, customers, timeout=20)
    finally:
        server.stop()
        model.stop()
        twilio.stop()
