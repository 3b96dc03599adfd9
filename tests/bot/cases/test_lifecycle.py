"""The case lifecycle in process: stages from what was done, follow-ups on a moved clock,
verified closure, and the satisfaction question and its answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

import graph.actions
from bot.assembly import Caseloop, assemble
from bot.audit import AuditLog
from bot.cases.case import Case
from bot.storage.database import Database
from graph.backend import ActionResult
from tests.clock import TestClock
from tests.conftest import Customer, verify
from tests.databases import query
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

QUESTION = "how would you rate the help you got"


@pytest.fixture
def clock() -> TestClock:
    return TestClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def app(tmp_path: Path, smtp: SmtpSink,
              clock: TestClock) -> AsyncIterator[tuple[Caseloop, CaptureChannel]]:
    channel = CaptureChannel()
    running = await assemble(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url),
                             extra_channels=[channel], clock=clock)
    yield running, channel
    await running.close()


@pytest.fixture
async def noor(app, smtp) -> Customer:
    running, channel = app
    customer = Customer(running, channel, "noor")
    await verify(customer, smtp, "noor.haddad@example.org")
    return customer


async def _later(app: Caseloop, clock: TestClock, **delta: float) -> None:
    """Move the clock and let every timer now due fire."""
    clock.move(**delta)
    await app.timers.fire_due()
    await app.desk.drain()


async def _only_case(app: Caseloop, order_id: str) -> Case:
    found = [case for case in await app.cases.for_customer("K-77") if case.order_id == order_id]
    assert len(found) == 1, found
    return found[0]


def _sent(channel: CaptureChannel, address: str = "noor") -> list[str]:
    return channel.texts_for(address)


async def test_a_refund_is_followed_up_settles_and_the_rating_is_stored(app, noor, clock):
    running, channel = app
    await noor.say("I'd like a partial refund of 12.50 on Q5521 please, the lamp flickers")
    case = await _only_case(running, "Q5521")
    assert (case.reason, case.stage, case.origin, case.channel) == (
        "refund", "execution", "customer", "test")
    done = await noor.say("yes")
    assert done[0].startswith("Done") and not any(QUESTION in text for text in done)
    case = await _only_case(running, "Q5521")
    assert (case.stage, case.resolution) == ("follow_up", "done")
    assert case.resolved_at is not None and case.closed_at is None
    assert [s for s, _ in await running.cases.history(case.id)] == [
        "intake", "execution", "verification", "follow_up"]

    await _later(running, clock, hours=71)
    assert (await _only_case(running, "Q5521")).stage == "follow_up"
    await _later(running, clock, hours=1, minutes=1)
    case = await _only_case(running, "Q5521")
    assert (case.stage, case.resolution) == ("closed", "settled")
    assert QUESTION in _sent(channel)[-1] and "order Q5521" in _sent(channel)[-1]
    checks = [r for r in await running.audit.records() if r.action == "check_refund_settled"]
    assert [r.outcome for r in checks] == ["done"]

    refunds_before = [r for r in await running.audit.records() if r.action == "refund"]
    thanks = await noor.say("4")
    assert thanks == ["Thank you for your rating, glad I could help!"]
    assert (await _only_case(running, "Q5521")).satisfaction == 4
    await noor.say("1")  # the question was answered: a second digit is no rating
    assert (await _only_case(running, "Q5521")).satisfaction == 4
    assert [r for r in await running.audit.records() if r.action == "refund"] == refunds_before


async def test_a_refund_that_did_not_settle_brings_in_a_person(app, noor, clock):
    running, channel = app
    await noor.say("refund 12.50 on Q5521 please")
    await noor.say("yes")
    query(running.settings.database_url,
          "UPDATE store_orders SET refunded = '0.00' WHERE id = 'Q5521'")
    await _later(running, clock, hours=73)
    case = await _only_case(running, "Q5521")
    assert case.stage == "escalated" and case.escalated_at is not None
    assert case.satisfaction_asked_at is None
    [open_case] = await running.desk.open_cases()
    assert "has not settled" in open_case.why
    checks = [r for r in await running.audit.records() if r.action == "check_refund_settled"]
    assert [r.outcome for r in checks] == ["failed"]


async def test_a_cancellation_closes_verified_and_asks_once_the_chat_is_quiet(app, noor, clock):
    running, channel = app
    await noor.say("please cancel Q5530")
    assert (await noor.say("yes"))[0].startswith("Done")
    case = await _only_case(running, "Q5530")
    assert (case.reason, case.stage, case.resolution) == ("cancellation", "closed", "done")
    assert not any(QUESTION in text for text in _sent(channel))
    await _later(running, clock, minutes=31)
    assert QUESTION in _sent(channel)[-1]
    await _later(running, clock, hours=5)
    assert sum(QUESTION in text for text in _sent(channel)) == 1


async def test_a_digit_is_a_rating_only_right_after_the_question(app, noor, clock):
    running, channel = app
    await noor.say("please cancel Q5530")
    await noor.say("yes")
    await _later(running, clock, minutes=31)
    assert QUESTION in _sent(channel)[-1]
    assert "Q5544" in " ".join(await noor.say("where is Q5544?"))
    reply = " ".join(await noor.say("3"))
    assert "rating" not in reply
    assert (await _only_case(running, "Q5530")).satisfaction is None


async def test_a_digit_out_of_range_is_asked_again(app, noor, clock):
    running, _ = app
    await noor.say("please cancel Q5530")
    await noor.say("yes")
    await _later(running, clock, minutes=31)
    assert await noor.say("7") == ["Please answer with a number from 1 (poor) to 5 (excellent)."]
    assert await noor.say("5/5") == ["Thank you for your rating, glad I could help!"]
    assert (await _only_case(running, "Q5530")).satisfaction == 5


async def test_a_status_question_closes_when_quiet_and_a_return_reopens_it(app, noor, clock):
    running, channel = app
    assert "DPD-998877" in " ".join(await noor.say("where's my order Q5544?"))
    case = await _only_case(running, "Q5544")
    assert (case.reason, case.stage, case.resolution) == ("order_status", "investigation",
                                                          "answered")
    await _later(running, clock, minutes=29)
    assert (await _only_case(running, "Q5544")).stage == "investigation"
    await _later(running, clock, minutes=2)
    assert (await _only_case(running, "Q5544")).stage == "closed"
    assert QUESTION in _sent(channel)[-1]
    await _later(running, clock, days=3)
    await noor.say("where is Q5544 now?")
    case = await _only_case(running, "Q5544")
    assert (case.stage, case.reopen_count) == ("investigation", 1)


async def test_a_declined_action_closes_when_quiet(app, noor, clock):
    running, _ = app
    await noor.say("please cancel Q5530")
    await noor.say("no, leave it")
    case = await _only_case(running, "Q5530")
    assert (case.stage, case.resolution) == ("execution", "declined")
    await _later(running, clock, minutes=31)
    assert (await _only_case(running, "Q5530")).stage == "closed"
    assert (await running.store.get_order("Q5530")).status == "processing"


async def test_an_action_that_does_not_show_is_escalated_never_done(app, noor, clock,
                                                                  monkeypatch):
    running, _ = app
    monkeypatch.setattr(graph.actions, "READ_BACK_WAITS", (0.0, 0.0, 0.0))

    async def says_done(operation: str, target: str, args: dict, key: str) -> ActionResult:
        return ActionResult(ok=True, reference="CX-1")

    monkeypatch.setattr(running.store, "perform", says_done)
    await noor.say("please cancel Q5530")
    reply = " ".join(await noor.say("yes"))
    assert "Done" not in reply and "can't tell you it's done" in reply
    case = await _only_case(running, "Q5530")
    assert case.stage == "escalated" and case.resolved_at is None
    assert [c.reason for c in await running.desk.open_cases()] == ["backend_error"]
    outcomes = [r.outcome for r in await running.audit.records() if r.action == "cancel_order"]
    assert outcomes == ["failed"]


async def test_a_write_that_shows_late_is_read_again_and_verified(app, noor, monkeypatch):
    running, _ = app
    monkeypatch.setattr(graph.actions, "READ_BACK_WAITS", (0.0, 0.0, 0.0))
    real_get, reads = running.store.get_order, []

    async def stale_once(order_id: str):
        order = await real_get(order_id)
        reads.append(order.status)
        if order.status == "cancelled" and reads.count("cancelled") == 1:
            return order.model_copy(update={"status": "processing"})
        return order

    monkeypatch.setattr(running.store, "get_order", stale_once)
    await noor.say("please cancel Q5530")
    assert (await noor.say("yes"))[0].startswith("Done")
    assert reads.count("cancelled") >= 2
    assert (await _only_case(running, "Q5530")).resolution == "done"


async def test_an_approved_refund_moves_on_and_a_denied_one_closes(app, noor, clock):
    running, channel = app
    await noor.say("the armchair from order Q5560 broke, I want a full refund")
    await noor.say("ok")
    case = await _only_case(running, "Q5560")
    assert (case.stage, case.escalated_at) == ("execution", None)
    [waiting] = await running.desk.pending_approvals()
    result = await running.desk.decide(waiting.approval.id, "console:admin", approve=True)
    assert result.status == "approved"
    case = await _only_case(running, "Q5560")
    assert (case.stage, case.resolution) == ("follow_up", "done")
    assert (await running.timers.get(f"refund_settled:{case.action_key}")).status == "pending"
    assert "Good news" in _sent(channel)[-1]


async def test_a_denied_refund_closes_and_the_question_follows(app, noor, clock):
    running, channel = app
    await noor.say("the armchair from order Q5560 broke, I want a full refund")
    await noor.say("ok")
    [waiting] = await running.desk.pending_approvals()
    await running.desk.decide(waiting.approval.id, "console:admin", approve=False,
                              reason="outside warranty")
    case = await _only_case(running, "Q5560")
    assert (case.stage, case.resolution) == ("closed", "denied")
    await _later(running, clock, minutes=31)
    assert QUESTION in _sent(channel)[-1]
    assert (await running.store.get_order("Q5560")).refunded == Decimal("0.00")


async def test_asking_for_a_person_escalates_the_case(app, noor):
    running, _ = app
    await noor.say("where is Q5544?")
    await noor.say("I want to talk to a human")
    case = await _only_case(running, "Q5544")
    assert case.stage == "escalated" and case.escalated_at is not None


async def test_an_outreach_case_closes_when_the_order_moved(app, noor, clock):
    running, channel = app
    case = await running.cases.open_or_reopen("K-77", "Q5544", "delay", origin="outreach",
                                              channel="test", event_id="evt_1")
    due = clock() + timedelta(days=2)
    assert await running.follow_ups.order_moved_later(case.id, "Q5544", due)
    await _later(running, clock, days=1)
    assert (await running.cases.get(case.id)).stage == "intake"
    query(running.settings.database_url,
          "UPDATE store_orders SET status = 'delivered' WHERE id = 'Q5544'")
    await _later(running, clock, days=1, minutes=1)
    moved = await running.cases.get(case.id)
    assert (moved.stage, moved.resolution, moved.origin) == ("closed", "moved", "outreach")
    assert QUESTION in _sent(channel)[-1]


async def test_an_outreach_case_whose_order_did_not_move_is_escalated(app, noor, clock):
    running, _ = app
    case = await running.cases.open_or_reopen("K-77", "Q5544", "delay", origin="outreach")
    await running.follow_ups.order_moved_later(case.id, "Q5544", clock())
    await _later(running, clock, seconds=1)
    assert (await running.cases.get(case.id)).stage == "escalated"
    [open_case] = await running.desk.open_cases()
    assert "has not moved" in open_case.why


async def test_a_follow_up_scheduled_before_a_restart_fires_once_after_it(tmp_path, smtp,
                                                                         clock):
    settings = make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)
    channel = CaptureChannel()
    first = await assemble(settings, extra_channels=[channel], clock=clock)
    noor = Customer(first, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("refund 12.50 on Q5521 please")
    await noor.say("yes")
    await first.close()

    clock.move(hours=73)
    for _ in range(2):  # two starts after the refund was due to be checked
        again = await assemble(settings, extra_channels=[channel], clock=clock)
        await again.timers.fire_due()
        case = await _only_case(again, "Q5521")
        await again.close()
    assert (case.stage, case.resolution) == ("closed", "settled")
    checks = [r for r in await _audit_of(settings) if r.action == "check_refund_settled"]
    assert len(checks) == 1
    assert sum(QUESTION in text for text in _sent(channel)) == 1


async def _audit_of(settings):
    database = await Database.open(settings.database_url)
    try:
        return await AuditLog(database).records()
    finally:
        await database.close()


async def test_a_case_handed_back_by_a_person_closes_once_quiet(app, noor, clock):
    running, _ = app
    await noor.say("where is Q5544?")
    await noor.say("I want to talk to a human")
    [desk_case] = await running.desk.open_cases()
    await running.desk.take_over(desk_case.id, "console:amy")
    await running.desk.hand_back(desk_case.id, "console:amy")
    await running.desk.drain()
    case = await _only_case(running, "Q5544")
    assert (case.stage, case.resolution) == ("escalated", "handed_back")
    await _later(running, clock, minutes=31)
    assert (await _only_case(running, "Q5544")).stage == "closed"


async def test_the_question_waits_while_the_customer_is_busy_with_another_request(app, noor,
                                                                                 clock):
    running, channel = app
    await noor.say("please cancel Q5530")
    await noor.say("yes")
    await noor.say("refund 12.50 on Q5521 please")  # waiting for a yes when the question is due
    await _later(running, clock, minutes=31)
    assert not any(QUESTION in text for text in _sent(channel))
    await noor.say("yes")
    await _later(running, clock, minutes=31)
    assert QUESTION in _sent(channel)[-1] and "Q5530" in _sent(channel)[-1]
