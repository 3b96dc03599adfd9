"""A crash between acting and checkpointing: the replayed turn must not act twice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.assembly import Caseloop, assemble
from tests.conftest import Customer, verify
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel, inbound
from tests.fakes.smtp import SmtpSink


class Crash(BaseException):
    """The process dying at this exact point."""


async def test_replayed_yes_after_a_crash_refunds_once(tmp_path: Path, smtp: SmtpSink) -> None:
    settings = make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)
    channel = CaptureChannel()
    app = await assemble(settings, extra_channels=[channel])
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    assert "refund 20.00 EUR on order Q5521" in (await noor.say("refund 20 EUR of Q5521"))[0]

    async def crash(*args, **kwargs):
        raise Crash

    app.checkpointer.aput = crash
    assert await noor.say("yes") == []
    assert (await app.store.get_order("Q5521")).refunded == Decimal("20.00")
    await app.database.close()
    await app.checkpointer.conn.close()

    restarted = await assemble(settings, extra_channels=[channel])
    await restarted.dispatcher.idle()
    try:
        assert channel.texts_for("noor")[-1].startswith("Done: I've refunded 20.00 EUR")
        assert (await restarted.store.get_order("Q5521")).refunded == Decimal("20.00")
        outcomes = [(r.action, r.outcome) for r in await restarted.audit.records()]
        assert outcomes == [("refund", "done")]
    finally:
        await restarted.close()


async def test_a_turn_whose_message_was_answered_meanwhile_sends_nothing(
    caseloop: tuple[Caseloop, CaptureChannel]
) -> None:
    """A process whose claim ran out while it worked finds another process answered first."""
    app, channel = caseloop
    item_id = await app.inbox.store(inbound("+447000006666", "what is your return policy?"))
    assert item_id is not None
    stale = await app.inbox.get(item_id)
    await app.database.execute("UPDATE inbox SET status = 'done' WHERE id = ?", (item_id,))
    await app.dispatcher._runner.process(stale)
    assert channel.texts_for("+447000006666") == []
    assert await app.database.fetchall("SELECT id FROM outbox") == []
    assert await app.database.fetchall("SELECT id FROM transcript") == []


async def test_a_turn_whose_message_is_answered_while_it_runs_sends_nothing(
    caseloop: tuple[Caseloop, CaptureChannel], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, channel = caseloop
    runner = app.dispatcher._runner
    think = runner._turn

    async def overtaken(item, *args):  # type: ignore[no-untyped-def]
        replies = await think(item, *args)
        await app.database.execute("UPDATE inbox SET status = 'done' WHERE id = ?", (item.id,))
        return replies

    monkeypatch.setattr(runner, "_turn", overtaken)
    item_id = await app.inbox.store(inbound("+447000005555", "what is your return policy?"))
    assert item_id is not None
    await runner.process(await app.inbox.get(item_id))
    assert channel.texts_for("+447000005555") == []
    assert await app.database.fetchall("SELECT id FROM outbox") == []
