"""The case book: cases open, advance, close and reopen as stored facts say."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cases.case import case_reasons
from bot.cases.case_book import CaseBook
from bot.storage.database import Database
from tests.clock import TestClock
from tests.databases import database_url
from tests.factories import BUNDLED_REASONS


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[tuple[CaseBook, TestClock]]:
    database = await Database.open(database_url(tmp_path))
    clock = TestClock()
    yield CaseBook(database, BUNDLED_REASONS, clock), clock
    await database.close()


async def test_a_case_walks_its_stages_and_keeps_its_times(book) -> None:
    cases, clock = book
    case = await cases.open_or_reopen("C1", "A1001", "refund", channel="webchat")
    assert (case.stage, case.origin, case.channel, case.reopen_count) == (
        "intake", "customer", "webchat", 0)
    assert case.opened_at == case.customer_wrote_at and case.resolved_at is None
    for stage in ("investigation", "execution", "verification"):
        case = await cases.advance(case.id, stage)
    assert case.stage == "verification" and case.resolved_at is None
    clock.move(minutes=5)
    case = await cases.advance(case.id, "follow_up", resolution="done", action_key="k1")
    assert (case.stage, case.resolution, case.action_key) == ("follow_up", "done", "k1")
    assert case.resolved_at.startswith("2026-11-20T09:05")
    clock.move(days=2)
    closed = await cases.close(case.id)
    assert closed.stage == "closed" and closed.closed_at.startswith("2026-11-22T09:05")
    assert closed.resolved_at == case.resolved_at
    assert [stage for stage, _ in await cases.history(case.id)] == [
        "intake", "investigation", "execution", "verification", "follow_up", "closed"]


async def test_stages_only_move_forward_and_escalation_is_kept(book) -> None:
    cases, _ = book
    case = await cases.open_or_reopen("C1", "A1001", "cancellation")
    await cases.advance(case.id, "execution")
    assert (await cases.advance(case.id, "investigation")).stage == "execution"
    escalated = await cases.advance(case.id, "escalated")
    assert escalated.stage == "escalated" and escalated.escalated_at is not None
    assert (await cases.advance(case.id, "investigation")).stage == "escalated"
    back = await cases.advance(case.id, "execution")
    assert back.stage == "execution" and back.escalated_at == escalated.escalated_at
    with pytest.raises(ValueError):
        await cases.advance(case.id, "pondering")
    with pytest.raises(ValueError):
        await cases.open_or_reopen("C1", "A1001", "whim")


async def test_a_declared_case_type_is_a_reason_and_a_policy_question_is_not(tmp_path) -> None:
    database = await Database.open(database_url(tmp_path))
    try:
        cases = CaseBook(database, case_reasons(("order_status", "warranty", "other",
                                                 "policy_question")))
        assert (await cases.open_or_reopen("C1", "A1001", "warranty")).reason == "warranty"
        assert (await cases.open_or_reopen("C1", "A1002", "delay")).reason == "delay"
        for reason in ("policy_question", "refund"):
            with pytest.raises(ValueError, match="unknown case reason"):
                await cases.open_or_reopen("C2", "A1003", reason)
    finally:
        await database.close()


async def test_one_open_case_per_order_and_a_vague_reason_is_refined(book) -> None:
    cases, _ = book
    first = await cases.open_or_reopen("C1", "A1001", "order_status")
    again = await cases.open_or_reopen("C1", "A1001", "refund")
    assert again.id == first.id and again.reason == "refund"
    kept = await cases.open_or_reopen("C1", "A1001", "order_status")
    assert kept.id == first.id and kept.reason == "refund"
    other = await cases.open_or_reopen("C1", "A1002", "order_status")
    assert other.id != first.id
    assert (await cases.find_open("C1", "A1001")).id == first.id
    assert (await cases.find_open("C1")).id == other.id
    assert await cases.find_open("C2") is None


async def test_back_within_seven_days_reopens_and_counts(book) -> None:
    cases, clock = book
    case = await cases.open_or_reopen("C1", "A1001", "refund")
    await cases.close(case.id, resolution="done")
    clock.move(days=6, hours=23)
    reopened = await cases.open_or_reopen("C1", "A1001", "refund", channel="telegram")
    assert reopened.id == case.id
    assert (reopened.stage, reopened.reopen_count, reopened.closed_at) == ("intake", 1, None)
    await cases.close(case.id)
    clock.move(days=7, minutes=1)
    fresh = await cases.open_or_reopen("C1", "A1001", "refund")
    assert fresh.id != case.id and fresh.reopen_count == 0
    await cases.close(fresh.id)
    assert (await cases.open_or_reopen("C1", "A1001", "address_change")).id not in (
        case.id, fresh.id)


async def test_an_outreach_case_notes_when_the_customer_writes(book) -> None:
    cases, clock = book
    case = await cases.open_or_reopen("C1", "A1001", "delay", origin="outreach",
                                      channel="whatsapp", event_id="evt_1")
    assert case.origin == "outreach" and case.customer_wrote_at is None
    assert case.event_id == "evt_1"
    clock.move(hours=1)
    joined = await cases.open_or_reopen("C1", "A1001", "cancellation", channel="whatsapp")
    assert joined.id == case.id and joined.reason == "delay"
    assert joined.customer_wrote_at.startswith("2026-11-20T10:00")


async def test_satisfaction_is_asked_once_and_stored_once(book) -> None:
    cases, _ = book
    case = await cases.open_or_reopen("C1", None, "other")
    await cases.close(case.id)
    assert await cases.mark_satisfaction_asked(case.id)
    assert not await cases.mark_satisfaction_asked(case.id)
    with pytest.raises(ValueError):
        await cases.record_satisfaction(case.id, 6)
    assert await cases.record_satisfaction(case.id, 4)
    assert not await cases.record_satisfaction(case.id, 1)
    assert (await cases.get(case.id)).satisfaction == 4
