"""People in the loop, in process: approvals, takeovers and hand-backs as the customer sees them."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from bot.assembly import Caseloop
from graph.backend import BackendError
from tests.bot.desk.desk_rig import Recorder, start_desk
from tests.conftest import Customer, verify
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

BOSS, DEPUTY = "console:amira", "console:jon"


async def _start(tmp_path: Path, smtp: SmtpSink,
                 **settings: str) -> tuple[Caseloop, CaptureChannel, Recorder]:
    """The application, with the console approvers these tests decide as."""
    approvers = {actor.partition(":")[2]: True for actor in (BOSS, DEPUTY)}
    return await start_desk(tmp_path, smtp, approvers, **settings)


@pytest.fixture
async def desk_app(tmp_path: Path, smtp: SmtpSink):
    app, channel, recorder = await _start(tmp_path, smtp)
    yield app, channel, recorder
    await app.close()


async def _over_limit_refund(app: Caseloop, channel: CaptureChannel, smtp: SmtpSink) -> Customer:
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("I'd like a refund for my armchair, order Q5560")
    parked = await noor.say("yes")
    assert "approval" in parked[0]
    await app.desk.drain()
    return noor


async def _refunds(app: Caseloop) -> list[tuple[str, str]]:
    return [(r.actor, r.outcome) for r in await app.audit.records() if r.action == "refund"]


async def test_an_approved_refund_is_done_once_and_the_customer_told(desk_app, smtp):
    app, channel, recorder = desk_app
    await _over_limit_refund(app, channel, smtp)
    [case] = await app.desk.pending_approvals()
    approval = case.approval
    assert (approval.action, approval.args, approval.rule) == (
        "refund", {"order_id": "Q5560", "amount": "120.00"}, "refund-over-50-needs-approval")
    assert recorder.events() == ["opened"]
    assert (case.customer_name, case.reason) == ("Noor Haddad", "approval")
    assert "Refund 120.00 EUR on order Q5560" in case.wants

    result = await app.desk.decide(approval.id, BOSS, approve=True, digest=approval.digest)
    assert result.status == "approved"
    told = channel.texts_for("noor")[-1]
    assert "approved" in told and "refunded 120.00 EUR on order Q5560" in told
    assert (await app.store.get_order("Q5560")).refunded == Decimal("120.00")
    assert await _refunds(app) == [("agent", "pending_approval"), (BOSS, "approved"),
                                   (BOSS, "done")]

    again = await app.desk.decide(approval.id, DEPUTY, approve=True, digest=approval.digest)
    assert again.status == "already_decided" and not again.changed
    assert (await app.store.get_order("Q5560")).refunded == Decimal("120.00")
    assert len([t for t in channel.texts_for("noor") if "approved" in t]) == 1
    await app.desk.drain()
    assert recorder.events() == ["opened", "approved"]
    assert await app.desk.pending_approvals() == []


async def test_only_approvers_decide_and_only_on_the_action_shown(desk_app, smtp):
    app, channel, _ = desk_app
    await _over_limit_refund(app, channel, smtp)
    [case] = await app.desk.pending_approvals()
    approval = case.approval
    stranger = await app.desk.decide(approval.id, "slack:U0STRANGER", approve=True)
    assert stranger.status == "not_allowed"
    stale = await app.desk.decide(approval.id, BOSS, approve=True, digest="0" * 16)
    assert stale.status == "mismatch"
    assert (await app.store.get_order("Q5560")).refunded == Decimal("0.00")
    assert [c.id for c in await app.desk.pending_approvals()] == [case.id]


async def test_a_denial_tells_the_customer_why_and_changes_nothing(desk_app, smtp):
    app, channel, recorder = desk_app
    await _over_limit_refund(app, channel, smtp)
    [case] = await app.desk.pending_approvals()
    result = await app.desk.decide(case.approval.id, BOSS, approve=False,
                                   reason="the armchair was returned damaged by the customer")
    assert result.status == "denied"
    told = channel.texts_for("noor")[-1]
    assert "couldn't approve it: the armchair was returned damaged" in told
    assert (await app.store.get_order("Q5560")).refunded == Decimal("0.00")
    assert await _refunds(app) == [("agent", "pending_approval"), (BOSS, "denied")]
    await app.desk.drain()
    decided = (await app.desk.case(case.id)).approval
    assert (decided.status, decided.decided_by) == ("denied", BOSS)


async def test_large_refunds_need_two_different_approvers(tmp_path, smtp):
    app, channel, recorder = await _start(tmp_path, smtp, CASELOOP_TWO_APPROVERS_ABOVE="100")
    try:
        await _over_limit_refund(app, channel, smtp)
        [case] = await app.desk.pending_approvals()
        first = await app.desk.decide(case.approval.id, BOSS, approve=True)
        assert first.status == "awaiting_second"
        assert (await app.store.get_order("Q5560")).refunded == Decimal("0.00")
        assert (await app.desk.decide(case.approval.id, BOSS, approve=True)).status == \
            "same_approver"
        second = await app.desk.decide(case.approval.id, DEPUTY, approve=True)
        assert second.status == "approved"
        assert (await app.store.get_order("Q5560")).refunded == Decimal("120.00")
        assert second.case.approval.approved_by == (BOSS, DEPUTY)
        await app.desk.drain()
        assert recorder.events() == ["opened", "first_approval", "approved"]
    finally:
        await app.close()


async def test_an_expired_request_changes_nothing(tmp_path, smtp):
    app, channel, _ = await _start(tmp_path, smtp, CASELOOP_APPROVAL_TTL_HOURS="0.0002")
    try:
        await _over_limit_refund(app, channel, smtp)
        [case] = await app.desk.pending_approvals()
        await asyncio.sleep(1)
        result = await app.desk.decide(case.approval.id, BOSS, approve=True)
        assert result.status == "expired"
        assert (await app.store.get_order("Q5560")).refunded == Decimal("0.00")
        assert "wasn't reviewed in time" in channel.texts_for("noor")[-1]
    finally:
        await app.close()


async def test_a_decision_after_a_restart_still_works(tmp_path, smtp):
    app, channel, _ = await _start(tmp_path, smtp)
    await _over_limit_refund(app, channel, smtp)
    [case] = await app.desk.pending_approvals()
    await app.close()

    app, channel, _ = await _start(tmp_path, smtp)
    try:
        result = await app.desk.decide(case.approval.id, BOSS, approve=True,
                                       digest=case.approval.digest)
        assert result.status == "approved"
        assert (await app.store.get_order("Q5560")).refunded == Decimal("120.00")
        # the web chat address the customer wrote from gets the outcome once it reconnects
        assert "refunded 120.00 EUR" in channel.texts_for("noor")[-1]
    finally:
        await app.close()


async def test_a_person_takes_over_and_hands_back_and_the_bot_remembers(desk_app, smtp):
    app, channel, recorder = desk_app
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    asked = await noor.say("can I talk to a human please")
    assert "bringing in a colleague" in asked[0]
    [case] = await app.desk.open_cases()
    assert case.reason == "asked_for_person" and case.customer_name == "Noor Haddad"

    await app.desk.take_over(case.id, BOSS)
    assert "joined this conversation" in channel.texts_for("noor")[-1]
    assert await noor.say("where is my rug, order Q5544?") == []
    assert await app.desk.reply(case.id, BOSS, "Hi Noor, your rug ships with DPD tomorrow.")
    assert channel.texts_for("noor")[-1] == "Hi Noor, your rug ships with DPD tomorrow."
    await app.desk.drain()
    assert recorder.notes("customer")[-1] == "where is my rug, order Q5544?"
    suggestion = recorder.notes("suggestion")[-1]
    assert "Draft reply" in suggestion and "Q5544" in suggestion
    assert recorder.notes("human") == ["Hi Noor, your rug ships with DPD tomorrow."]

    await app.desk.hand_back(case.id, BOSS)
    assert await app.desk.open_cases() == []
    answer = " ".join(await noor.say("thanks! and where is order Q5544 now?"))
    assert "DPD-998877" in answer
    memory = (await app.graph.aget_state(
        {"configurable": {"thread_id": "customer:K-77"}})).values["messages"]
    said = [str(m.content) for m in memory]
    assert "Hi Noor, your rug ships with DPD tomorrow." in said
    assert "where is my rug, order Q5544?" in said
    audit = [(r.actor, r.action, r.outcome) for r in await app.audit.records()
             if r.action in ("escalate", "take_over", "human_message", "hand_back")]
    assert audit == [("agent", "escalate", "escalated"), (BOSS, "take_over", "taken_over"),
                     (BOSS, "human_message", "sent"), (BOSS, "hand_back", "handed_back")]


async def test_a_reply_without_a_takeover_is_not_sent(desk_app, smtp):
    app, channel, _ = desk_app
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("I want to speak to a manager")
    [case] = await app.desk.open_cases()
    before = channel.texts_for("noor")
    assert not await app.desk.reply(case.id, BOSS, "hello")
    assert channel.texts_for("noor") == before


async def test_shouting_is_met_calmly_and_escalated_as_upset(desk_app, smtp):
    app, channel, recorder = desk_app
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("where is my order Q5544")
    reply = await noor.say("I HAVE BEEN WAITING FOR TWO WEEKS FOR THIS RUG")
    assert "sorry" in reply[0] and "colleague" in reply[0]
    [case] = await app.desk.open_cases()
    assert (case.reason, case.sentiment) == ("frustration", "upset")
    assert "where is my order Q5544" in case.wants
    assert "capitals" in case.why


async def test_a_visitor_who_asks_for_a_person_is_escalated_unverified(desk_app):
    app, channel, _ = desk_app
    visitor = Customer(app, channel, "anon")
    reply = await visitor.say("get me a real person now")
    assert "colleague" in reply[0]
    [case] = await app.desk.open_cases()
    assert case.customer_id is None and case.customer_name == "Unverified visitor"


async def test_a_backend_that_fails_brings_in_a_person(desk_app, smtp, monkeypatch):
    app, channel, recorder = desk_app
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")

    async def down(order_id: str):
        raise BackendError("connection refused")

    monkeypatch.setattr(app.store, "get_order", down)
    monkeypatch.setattr(app.store, "list_orders", down)
    reply = " ".join(await noor.say("where is my order Q5544?"))
    assert "isn't answering" in reply
    [case] = await app.desk.open_cases()
    assert case.reason == "backend_error" and "order system failed" in case.why
    await app.desk.drain()
    assert recorder.events() == ["opened"]


async def test_handing_back_keeps_an_undecided_approval_open(desk_app, smtp):
    app, channel, _ = desk_app
    noor = await _over_limit_refund(app, channel, smtp)
    [case] = await app.desk.pending_approvals()
    await app.desk.take_over(case.id, BOSS)
    assert await noor.say("any news on my refund?") == []
    await app.desk.hand_back(case.id, BOSS)
    [still] = await app.desk.pending_approvals()
    assert still.id == case.id and still.mode == "bot"
    assert (await app.desk.decide(case.approval.id, DEPUTY, approve=True)).status == "approved"
    assert (await app.store.get_order("Q5560")).refunded == Decimal("120.00")
    assert await app.desk.open_cases() == []


async def test_a_spanish_customer_is_told_the_decision_in_spanish(desk_app, smtp):
    app, channel, _ = desk_app
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("Hola, quiero que me devuelvan el dinero del sillón, pedido Q5560")
    parked = await noor.say("sí")
    assert "aprob" in parked[0]
    await app.desk.drain()
    [case] = await app.desk.pending_approvals()
    await app.desk.decide(case.approval.id, BOSS, approve=False, reason="returned damaged")
    told = channel.texts_for("noor")[-1]
    assert "returned damaged" in told and "couldn't approve" not in told
