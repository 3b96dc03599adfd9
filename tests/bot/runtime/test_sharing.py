"""Several processes on one PostgreSQL database (here: two Caseloops in one test, each with a
process name of its own), as with WEB_CONCURRENCY workers or several dynos."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.assembly import Caseloop, assemble
from bot.runtime.leases import Leases
from bot.storage.database import isoformat, utcnow
from tests.databases import ON_POSTGRES
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel, inbound
from tests.fakes.smtp import SmtpSink

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs CASELOOP_TEST_DATABASE")


@pytest.fixture
async def pair(tmp_path: Path,
               smtp: SmtpSink) -> AsyncIterator[tuple[Caseloop, Caseloop, CaptureChannel]]:
    """Two processes sharing the database; a reply is captured whichever one sends it."""
    channel = CaptureChannel()
    settings = make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)
    first = await assemble(settings, extra_channels=[channel])
    second = await assemble(settings, extra_channels=[channel])
    yield first, second, channel
    await second.close()
    await first.close()


async def all_idle(*apps: Caseloop) -> None:
    for _ in range(3):  # one may claim what the other's turn made claimable
        await asyncio.gather(*(app.dispatcher.idle() for app in apps))


async def transcript(app: Caseloop, thread: str) -> list[str]:
    rows = await app.database.fetchall(
        "SELECT text FROM transcript WHERE thread_id = ? AND role = 'customer' ORDER BY id",
        (thread,))
    return [row["text"] for row in rows]


async def test_each_senders_messages_are_answered_once_and_in_order_by_either_process(
    pair: tuple[Caseloop, Caseloop, CaptureChannel]
) -> None:
    first, second, channel = pair
    senders = [f"+4470000{n:04d}" for n in range(12)]
    for turn in range(4):
        await asyncio.gather(*(
            (first if (n + turn) % 2 else second).receive(
                inbound(sender, f"what is your return policy? ({turn})"))
            for n, sender in enumerate(senders)))
    await all_idle(first, second)
    for sender in senders:
        assert await transcript(first, f"visitor:test:{sender}") == [
            f"what is your return policy? ({turn})" for turn in range(4)]
        assert len(channel.texts_for(sender)) == 4


async def test_a_crashed_processs_message_is_answered_without_waiting_for_its_lease(
    pair: tuple[Caseloop, Caseloop, CaptureChannel]
) -> None:
    first, second, channel = pair
    await first.dispatcher.stop()
    await second.dispatcher.stop()
    # A process claimed this message, started its turn, and died: its presence lock is gone.
    message = inbound("+447000009999", "what is your return policy?")
    item_id = await first.inbox.store(message)
    await first.database.execute(
        "UPDATE inbox SET status = 'processing', claimed_by = 'dead:1:abc', lease_until = ? "
        "WHERE id = ?", (isoformat(utcnow() + timedelta(minutes=5)), item_id))
    third = await assemble(first.settings, extra_channels=[channel])
    try:
        await third.dispatcher.idle()
        assert channel.texts_for("+447000009999")
        row = await third.database.fetchone("SELECT status, claimed_by FROM inbox WHERE id = ?",
                                            (item_id,))
        assert row is not None and row["status"] == "done"
    finally:
        await third.close()


async def test_a_live_processs_claim_is_left_alone_until_its_lease_runs_out(
    pair: tuple[Caseloop, Caseloop, CaptureChannel]
) -> None:
    first, second, channel = pair
    await second.dispatcher.stop()
    await first.dispatcher.stop()
    assert await first.database.announce("busy:1:abc")  # alive, but stuck
    item_id = await first.inbox.store(inbound("+447000008888", "hello there"))
    await first.database.execute(
        "UPDATE inbox SET claimed_by = 'busy:1:abc', lease_until = ? WHERE id = ?",
        (isoformat(utcnow() + timedelta(days=1)), item_id))
    third = await assemble(first.settings, extra_channels=[channel])
    try:
        await third.dispatcher.idle()
        assert channel.texts_for("+447000008888") == []
        await first.database.execute("UPDATE inbox SET lease_until = ? WHERE id = ?",
                                     (isoformat(utcnow() - timedelta(seconds=1)), item_id))
        await third.dispatcher.idle()
        assert len(channel.texts_for("+447000008888")) == 1
    finally:
        await third.close()


async def test_a_customer_held_by_another_process_waits_for_it(
    pair: tuple[Caseloop, Caseloop, CaptureChannel]
) -> None:
    first, second, channel = pair
    elsewhere = Leases(first.database, holder="elsewhere:1:abc")
    assert await first.database.announce(elsewhere.holder)
    async with elsewhere.hold("thread:visitor:test:+447000007777"):
        await first.receive(inbound("+447000007777", "what is your return policy?"))
        await asyncio.sleep(0.5)
        assert channel.texts_for("+447000007777") == []
    await all_idle(first, second)
    assert len(channel.texts_for("+447000007777")) == 1


class Tab:
    """A browser tab's socket, as the web chat route attaches it."""

    def __init__(self) -> None:
        self.frames: list[dict] = []
        self.arrived = asyncio.Event()

    async def send_text(self, data: str) -> None:
        self.frames.append(json.loads(data))
        self.arrived.set()


async def test_a_web_chat_reply_reaches_the_tab_another_process_holds(
    pair: tuple[Caseloop, Caseloop, CaptureChannel]
) -> None:
    first, second, _ = pair
    session_id, _token = await first.webchat_sessions.create()
    tab = Tab()
    first.webchat.attach(session_id, tab)
    await first.dispatcher.stop()  # so that the other process runs the turn
    await second.receive(inbound(session_id, "what is your return policy?", channel="webchat"))
    await second.dispatcher.idle()
    await asyncio.wait_for(tab.arrived.wait(), timeout=5)
    assert "return" in tab.frames[0]["text"].lower()
    for _ in range(100):
        rows = await first.database.fetchall("SELECT status FROM outbox WHERE recipient = ?",
                                             (session_id,))
        if [row["status"] for row in rows] == ["sent"]:
            break
        await asyncio.sleep(0.02)
    assert [row["status"] for row in rows] == ["sent"]
    assert len(tab.frames) == 1
