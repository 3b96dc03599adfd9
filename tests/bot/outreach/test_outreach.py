"""Outreach in process: events become messages with options, within consent, and the reply acts.

Noor (K-77) has her phone on file and lives in Paris; the clock is the test's, so quiet hours,
the daily cap and timers are decided by it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from bot.assembly import Caseloop, assemble
from bot.config import Settings
from bot.identity.links import customer_thread
from bot.outreach.events import BusinessEvent
from tests.clock import TestClock
from tests.conftest import Customer, verify
from tests.factories import make_settings, shop, write_shop
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

NOOR_PHONE = "+447700900111"
SECRET = "an-events-secret-for-the-tests"
NOON_IN_PARIS = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
LATE = "2026-11-30"


class Shop:
    """An in-process Caseloop with outreach on, a WhatsApp stand-in and a web chat stand-in."""

    def __init__(self, app: Caseloop, clock: TestClock, phone: CaptureChannel,
                 web: CaptureChannel) -> None:
        self.app, self.clock, self.phone, self.web = app, clock, phone, web
        self.noor = Customer(app, phone, NOOR_PHONE)

    async def event(self, event_id: str, order_id: str = "Q5530",
                    kind: str = "shipment_delayed", **data: str) -> str:
        """Deliver an event and wait until it is processed; its status."""
        data = data or {"new_eta": LATE}
        await self.app.outreach.receive(BusinessEvent(id=event_id, type=kind,
                                                      order_id=order_id, data=data))
        await self.app.outreach.idle()
        stored = await self.app.outreach.events.get(event_id)
        return stored.status

    async def say(self, text: str) -> list[str]:
        """Noor writes on WhatsApp (her number proven by WhatsApp)."""
        return await self.noor.say(text, verified_phone=NOOR_PHONE)

    def sent_to_noor(self) -> list[str]:
        return self.phone.texts_for(NOOR_PHONE)

    async def audit(self) -> list[tuple[str, str]]:
        return [(r.action, r.outcome) for r in await self.app.audit.records()]

    async def status(self, order_id: str) -> str:
        order = await self.app.store.get_order(order_id)
        assert order is not None
        return order.status


def outreach_settings(folder: Path, smtp: SmtpSink, **overrides: str) -> Settings:
    data = shop()
    data["customers"][0].update(phone=NOOR_PHONE, timezone="Europe/Paris")
    return make_settings(folder, CASELOOP_SMTP_URL=smtp.url, CASELOOP_EVENTS_SECRET=SECRET,
                         CASELOOP_DEMO_DATA=str(write_shop(folder, data)), **overrides)


async def open_shop(settings: Settings, clock: TestClock) -> Shop:
    phone, web = CaptureChannel("whatsapp"), CaptureChannel("test")
    app = await assemble(settings, extra_channels=[phone, web], clock=clock)
    return Shop(app, clock, phone, web)


@pytest.fixture
async def outreach(tmp_path: Path, smtp: SmtpSink) -> AsyncIterator[Shop]:
    running = await open_shop(outreach_settings(tmp_path, smtp), TestClock(NOON_IN_PARIS))
    yield running
    await running.app.close()


async def test_a_delay_is_told_with_options_and_2_cancels_once(outreach: Shop) -> None:
    assert await outreach.event("evt_1") == "sent"

    [told] = outreach.phone.sent
    assert told.recipient == NOOR_PHONE and told.kind == "outreach"
    assert told.text == ("Hi Noor, your order Q5530 (Bookshelf) is running late: it should now "
                         "arrive on 30 November 2026. We're sorry about the wait. Reply 1 to "
                         "keep the order, or 2 to cancel it for a full refund.")
    [case] = await outreach.app.cases.all()
    assert (case.customer_id, case.order_id, case.reason, case.origin, case.channel,
            case.event_id) == ("K-77", "Q5530", "delay", "outreach", "whatsapp", "evt_1")
    follow_up = await outreach.app.timers.get("order_moved:evt_1")
    assert follow_up is not None and follow_up.payload == {
        "case_id": case.id, "order_id": "Q5530", "status": "processing"}
    assert follow_up.due_at == "2026-11-22T11:00:00.000Z"

    replies = await outreach.say("2")
    assert replies[0] == "Hi Noor, I've matched this number to your account."
    assert any(r.startswith("Done: I've cancelled order Q5530 and refunded 210.00 EUR")
               for r in replies)
    assert await outreach.status("Q5530") == "cancelled"
    await outreach.say("2")
    assert await outreach.audit() == [("cancel_order", "done")]


async def test_keep_it_changes_nothing_and_closes_the_case(outreach: Shop) -> None:
    await outreach.event("evt_1")
    replies = await outreach.say("keep it")
    assert "Great, order Q5530 stays on its way and should arrive on 30 November 2026." in replies
    assert await outreach.status("Q5530") == "processing"
    assert await outreach.audit() == []
    [case] = await outreach.app.cases.all()
    assert case.stage == "closed" and case.resolution == "kept"
    asking = [t for t in await outreach.app.timers.listing() if t.kind == "ask_satisfaction"]
    assert [t.payload["case_id"] for t in asking] == [case.id]


async def test_an_unclear_answer_asks_again_and_the_offer_stays(outreach: Shop) -> None:
    await outreach.event("evt_1")
    replies = await outreach.say("yes")
    assert replies[-1] == ("Sorry, I'm not sure which one you mean. Reply 1 to keep the order, "
                           "or 2 to cancel it for a full refund.")
    assert len([r for r in replies if "Reply 1" in r]) == 1
    await outreach.say("cancel it")
    assert await outreach.status("Q5530") == "cancelled"


async def test_the_answer_counts_on_another_channel(outreach: Shop, smtp: SmtpSink) -> None:
    web = Customer(outreach.app, outreach.web, "browser-1")
    await verify(web, smtp, "noor.haddad@example.org")
    await outreach.event("evt_1")
    assert outreach.sent_to_noor() == []
    assert outreach.web.texts_for("browser-1")[-1].startswith("Hi Noor, your order Q5530")

    replies = await outreach.say("cancel it please")
    assert any(r.startswith("Done: I've cancelled order Q5530") for r in replies)
    assert await outreach.audit() == [("cancel_order", "done")]


async def test_stop_opts_out_and_start_opts_back_in(outreach: Shop) -> None:
    [answer] = await outreach.say("STOP")
    assert answer.startswith("Understood: we won't message you first any more.")
    assert await outreach.event("evt_1") == "skipped"
    stored = await outreach.app.outreach.events.get("evt_1")
    assert stored.detail == "the customer opted out"
    assert outreach.sent_to_noor() == [answer]

    [answer] = await outreach.say("start")
    assert answer.startswith("Welcome back")
    assert await outreach.event("evt_2") == "sent"
    assert outreach.sent_to_noor()[-1].startswith("Hi Noor, your order Q5530")


async def test_quiet_hours_hold_the_message_until_morning_in_her_time_zone(
        outreach: Shop) -> None:
    outreach.clock.moment = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    assert await outreach.event("evt_1") == "waiting"
    stored = await outreach.app.outreach.events.get("evt_1")
    assert stored.detail == "quiet hours until 08:00 Europe/Paris"
    assert outreach.phone.sent == []

    outreach.clock.moment = datetime(2026, 11, 21, 6, 59, tzinfo=UTC)
    assert await outreach.app.timers.fire_due() == 0
    outreach.clock.moment = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)  # 08:00 in Paris
    assert await outreach.app.timers.fire_due() == 1
    assert [m.text[:30] for m in outreach.phone.sent] == ["Hi Noor, your order Q5530 (Boo"]
    assert (await outreach.app.outreach.events.get("evt_1")).status == "sent"


async def test_no_more_than_the_daily_cap_per_local_day(outreach: Shop) -> None:
    # Shipped and delivered orders cannot be cancelled: these are notices without options.
    assert await outreach.event("evt_1", "Q5544") == "sent"
    assert await outreach.event("evt_2", "Q5521") == "sent"
    assert await outreach.event("evt_3", "Q5560") == "skipped"
    assert (await outreach.app.outreach.events.get("evt_3")).detail == "daily cap of 2 reached"
    assert len(outreach.sent_to_noor()) == 2
    assert "Reply 1" not in outreach.sent_to_noor()[0]

    outreach.clock.move(days=1)
    assert await outreach.event("evt_4", "Q5560") == "sent"


async def test_an_open_case_about_the_order_gets_no_second_message(outreach: Shop) -> None:
    case = await outreach.app.cases.open_or_reopen("K-77", "Q5530", "cancellation",
                                                   channel="whatsapp")
    assert await outreach.event("evt_1") == "joined"
    assert outreach.phone.sent == []
    assert (await outreach.app.outreach.events.get("evt_1")).detail == f"case {case.id}"
    state = await outreach.app.graph.aget_state(
        {"configurable": {"thread_id": customer_thread("K-77")}})
    assert "shipment delayed on order Q5530 (new eta 2026-11-30)" in state.values["case_notes"]
    assert len(await outreach.app.cases.all()) == 1


async def test_a_second_event_about_the_same_order_joins_the_outreach_case(
        outreach: Shop) -> None:
    await outreach.event("evt_1")
    assert await outreach.event("evt_2", new_eta="2026-12-05") == "joined"
    assert len(outreach.phone.sent) == 1


async def test_a_repeated_event_id_is_taken_once(outreach: Shop) -> None:
    event = BusinessEvent(id="evt_1", type="shipment_delayed", order_id="Q5530",
                          data={"new_eta": LATE})
    assert await outreach.app.outreach.receive(event) is True
    assert await outreach.app.outreach.receive(event) is False
    await outreach.app.outreach.idle()
    assert len(outreach.phone.sent) == 1


async def test_an_event_without_playbook_or_order_is_kept_and_skipped(outreach: Shop) -> None:
    assert await outreach.event("evt_1", kind="stock_low", level="3") == "skipped"
    assert await outreach.event("evt_2", order_id="NOPE1") == "skipped"
    assert [(await outreach.app.outreach.events.get(e)).detail for e in ("evt_1", "evt_2")] == [
        "no playbook for 'stock_low'", "no order 'NOPE1'"]
    assert outreach.phone.sent == []


async def test_an_open_question_delays_the_outreach(outreach: Shop) -> None:
    assert "Shall I go ahead?" in (await outreach.say("please cancel Q5530"))[-1]
    assert await outreach.event("evt_1", "Q5544") == "waiting"
    assert (await outreach.app.outreach.events.get("evt_1")).detail == (
        "waiting for the customer's answer to an earlier question")
    await outreach.say("no")
    outreach.clock.move(minutes=30)
    await outreach.app.timers.fire_due()
    assert any(text.startswith("Hi Noor, your order Q5544 (Rug)")
               for text in outreach.sent_to_noor())


async def test_an_event_stored_before_a_restart_is_sent_after_it(tmp_path: Path,
                                                                smtp: SmtpSink) -> None:
    settings, clock = outreach_settings(tmp_path, smtp), TestClock(NOON_IN_PARIS)
    first = await open_shop(settings, clock)
    await first.app.outreach.events.store(BusinessEvent(
        id="evt_1", type="shipment_delayed", order_id="Q5530", data={"new_eta": LATE}))
    await first.app.close()

    second = await open_shop(settings, clock)
    try:
        await second.app.outreach.idle()
        assert [m.text[:25] for m in second.phone.sent] == ["Hi Noor, your order Q5530"]
        assert (await second.app.outreach.events.get("evt_1")).status == "sent"
        state = await second.app.graph.aget_state(
            {"configurable": {"thread_id": customer_thread("K-77")}})
        outreach_messages = [m for m in state.values["messages"] if isinstance(m, AIMessage)]
        assert len(outreach_messages) == 1
    finally:
        await second.app.close()


async def test_the_offer_named_on_a_new_channel_is_not_a_yes_or_no_question(
        outreach: Shop) -> None:
    await outreach.event("evt_1")
    await outreach.say("hello")
    named = [m for m in outreach.phone.sent if m.text.startswith("You have a question from us")]
    assert [m.options for m in named] == [()]
    assert named[0].kind == "reply"
