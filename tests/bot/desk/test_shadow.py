"""Shadow mode, in process: the bot drafts, a person sends, edits or rejects, the customer
hears only what was released."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.assembly import Caseloop
from tests.bot.desk.desk_rig import Recorder, start_desk
from tests.conftest import Customer, verify
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

APPROVER, HELPER = "console:amira", "console:jon"


async def _start(tmp_path: Path, smtp: SmtpSink,
                 **settings: str) -> tuple[Caseloop, CaptureChannel, Recorder]:
    """The application with every case type in shadow, an approver and a helper."""
    return await start_desk(tmp_path, smtp, {"amira": True, "jon": False},
                            CASELOOP_AUTONOMY="shadow", **settings)


@pytest.fixture
async def shadow_app(tmp_path: Path, smtp: SmtpSink):
    app, channel, recorder = await _start(tmp_path, smtp)
    yield app, channel, recorder
    await app.close()


async def _noor_asks_for_a_refund(app: Caseloop, channel: CaptureChannel,
                                 smtp: SmtpSink) -> tuple[Customer, list[str]]:
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    said = await noor.say("The desk lamp from order Q5521 arrived cracked, I'd like a "
                          "refund please")
    await app.desk.drain()
    return noor, said


async def _audit(app: Caseloop, *actions: str) -> list[tuple[str, str, str]]:
    return [(r.action, r.actor, r.outcome) for r in await app.audit.records()
            if r.action in actions]


async def test_a_drafted_refund_waits_and_a_send_by_an_approver_refunds_once(shadow_app, smtp):
    app, channel, recorder = shadow_app
    noor, said = await _noor_asks_for_a_refund(app, channel, smtp)
    assert len(said) == 1 and "colleague is checking" in said[0]
    assert (await app.store.get_order("Q5521")).refunded == Decimal("0.00")
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    assert (case.reason, draft.case_type, draft.action) == ("shadow", "refund", "refund")
    assert draft.args == {"order_id": "Q5521", "amount": "38.40"}
    assert draft.rule == "refund-up-to-50-auto"
    assert "cracked" in draft.customer_text and "refunded 38.40" in draft.reply

    refused = await app.desk.shadow.send(draft.id, HELPER)
    assert refused.status == "not_allowed" and not refused.changed
    result = await app.desk.shadow.send(draft.id, APPROVER)
    assert result.status == "sent"
    again = await app.desk.shadow.send(draft.id, APPROVER)
    assert again.status == "already_decided"
    assert (await app.store.get_order("Q5521")).refunded == Decimal("38.40")
    told = channel.texts_for("noor")[-1]
    assert "refunded 38.40" in told and "Your reference is" in told
    assert len([t for t in channel.texts_for("noor") if "refunded 38.40" in t]) == 1
    assert await _audit(app, "draft_sent", "refund") == [
        ("draft_sent", APPROVER, "sent"), ("refund", APPROVER, "done")]
    assert await app.desk.open_cases() == []


async def test_an_edited_reply_goes_out_as_edited_and_the_edit_is_kept(shadow_app, smtp):
    app, channel, _ = shadow_app
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    said = await noor.say("where is my order Q5544?")
    assert "colleague is checking" in said[0] and "shipped" not in said[0]
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    assert draft.case_type == "order_status" and draft.action is None
    result = await app.desk.shadow.send(draft.id, HELPER, "It left us on Monday, Noor: "
                                                          "expect it by Friday.")
    assert result.status == "edited"
    assert channel.texts_for("noor")[-1] == "It left us on Monday, Noor: expect it by Friday."
    [record] = [r for r in await app.audit.records() if r.action == "draft_edited"]
    assert record.actor == HELPER and record.detail["draft"] == draft.reply


async def test_a_rejected_draft_does_nothing_and_the_person_takes_over(shadow_app, smtp):
    app, channel, _ = shadow_app
    noor, _said = await _noor_asks_for_a_refund(app, channel, smtp)
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    bad = await app.desk.shadow.reject(draft.id, HELPER, "not a label")
    assert bad.status == "invalid"
    result = await app.desk.shadow.reject(draft.id, HELPER, "wrong policy", "lamps are final sale")
    assert result.status == "rejected"
    assert result.case.mode == "human" and result.case.taken_by == HELPER
    assert (await app.store.get_order("Q5521")).refunded == Decimal("0.00")
    [record] = [r for r in await app.audit.records() if r.action == "draft_rejected"]
    assert record.detail == {"label": "wrong policy", "note": "lamps are final sale"}
    assert not any("refunded" in t for t in channel.texts_for("noor"))
    [refund_case] = [c for c in await app.cases.for_customer("K-77") if c.reason == "refund"]
    assert refund_case.stage == "escalated"


async def test_the_holding_message_is_said_once_while_drafts_wait(shadow_app, smtp):
    app, channel, recorder = shadow_app
    noor, said = await _noor_asks_for_a_refund(app, channel, smtp)
    assert "colleague is checking" in said[0]
    assert await noor.say("and where is my rug, order Q5544?") == []
    await app.desk.drain()
    [case] = await app.desk.open_cases()
    assert [d.case_type for d in case.waiting_drafts] == ["refund", "order_status"]
    assert [e for e in recorder.events() if e != "customer"] == ["opened", "draft_ready"]
    status = case.waiting_drafts[1]
    assert (await app.desk.shadow.send(status.id, HELPER)).status == "sent"
    assert "DPD" in channel.texts_for("noor")[-1]
    assert [c.id for c in await app.desk.open_cases()] == [case.id]  # the refund still waits


async def test_a_release_after_a_restart_happens_once(tmp_path, smtp):
    app, channel, _ = await _start(tmp_path, smtp)
    await _noor_asks_for_a_refund(app, channel, smtp)
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    await app.close()

    app, channel, _ = await _start(tmp_path, smtp)
    try:
        assert (await app.desk.shadow.send(draft.id, APPROVER)).status == "sent"
        assert (await app.desk.shadow.send(draft.id, APPROVER)).status == "already_decided"
        assert (await app.store.get_order("Q5521")).refunded == Decimal("38.40")
        assert "refunded 38.40" in channel.texts_for("noor")[-1]
    finally:
        await app.close()


async def test_a_release_cut_short_is_delivered_once_at_the_next_start(tmp_path, smtp):
    app, channel, _ = await _start(tmp_path, smtp)
    await _noor_asks_for_a_refund(app, channel, smtp)
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    # The release was recorded, then the process stopped before anything was carried out.
    assert await app.desk.shadow.drafts.decide(draft.id, "sent", APPROVER)
    await app.close()

    told: list[str] = []
    for _start_again in range(2):
        app, channel, _ = await _start(tmp_path, smtp)
        try:
            told += channel.texts_for("noor")
            assert (await app.store.get_order("Q5521")).refunded == Decimal("38.40")
            assert [(r.actor, r.outcome) for r in await app.audit.records()
                    if r.action == "refund"] == [(APPROVER, "done")]
        finally:
            await app.close()
    assert len([t for t in told if "refunded 38.40" in t]) == 1


async def test_a_large_drafted_refund_needs_two_different_approvers_to_send(tmp_path, smtp):
    app, channel, _ = await _start(tmp_path, smtp, CASELOOP_TWO_APPROVERS_ABOVE="100")
    try:
        noor = Customer(app, channel, "noor")
        await verify(noor, smtp, "noor.haddad@example.org")
        await noor.say("I'd like a refund for my armchair, order Q5560")
        [case] = await app.desk.open_cases()
        [draft] = case.waiting_drafts
        assert (draft.args["amount"], draft.decision, draft.approvers_needed) == (
            "120.00", "approve", 2)
        first = await app.desk.shadow.send(draft.id, APPROVER, "Refunded in full, Noor.")
        assert first.status == "awaiting_second"
        assert (await app.desk.shadow.send(draft.id, APPROVER)).status == "same_approver"
        assert (await app.store.get_order("Q5560")).refunded == Decimal("0.00")
        second = await app.desk.shadow.send(draft.id, "console:admin")
        assert second.status == "edited"
        assert (await app.store.get_order("Q5560")).refunded == Decimal("120.00")
        assert channel.texts_for("noor")[-1].startswith("Refunded in full, Noor. Your reference")
        assert [(r.actor, r.outcome) for r in await app.audit.records()
                if r.action in ("draft_sent", "draft_edited", "refund")] == [
            (APPROVER, "approval_given"), ("console:admin", "edited"),
            (f"{APPROVER}, console:admin", "done")]
    finally:
        await app.close()
