"""A crash between acting and checkpointing: the replayed turn must not act twice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.assembly import assemble
from tests.conftest import Customer, verify
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel
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
