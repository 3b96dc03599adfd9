"""Readiness for autonomy: each case type's drafts over a window and what they recommend."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.audit import AuditLog
from bot.autonomy.levels import AutonomyLevels
from bot.autonomy.readiness import readiness
from bot.desk.drafts import DraftQueue
from bot.storage.database import Database, isoformat, utcnow
from graph.autonomy import AutonomyRules
from tests.bot.autonomy.conftest import APPROVER, noor, start
from tests.databases import database_url, query
from tests.factories import BUNDLED_CASE_TYPES
from tests.fakes.smtp import SmtpSink

PERSON = "console:jon"
_keys = itertools.count(1)


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[tuple[Database, DraftQueue, AutonomyLevels]]:
    database = await Database.open(database_url(tmp_path))
    levels = AutonomyLevels(database, BUNDLED_CASE_TYPES,
                            AutonomyRules(levels={"cancellation": "autonomous"}), "shadow",
                            AuditLog(database))
    yield database, DraftQueue(database), levels
    await database.close()


async def _drafts(drafts: DraftQueue, case_type: str, *decisions: tuple[str, str | None]) -> None:
    """One draft per decision: (`sent` | `edited` | `rejected` | `pending`, label)."""
    for status, label in decisions:
        draft_id = await drafts.park(
            draft_key=f"{case_type}-{next(_keys)}", thread_id="K-77",
            customer_id="K-77", channel="test", case_type=case_type,
            customer_text="where is my order?", reply="It ships today.", language="en")
        if status != "pending":
            await drafts.decide(draft_id, status, PERSON, label=label,
                                text="Edited." if status == "edited" else None)


async def test_figures_by_case_type_and_the_recommendation(stores, tmp_path):
    database, drafts, levels = stores
    await _drafts(drafts, "order_status", *[("sent", None)] * 19, ("edited", None))
    await _drafts(drafts, "refund", *[("sent", None)] * 20, ("rejected", "wrong policy"),
                  ("rejected", "tone"), ("pending", None))
    await _drafts(drafts, "address_change", *[("sent", None)] * 3, ("edited", None))
    # Released 60 s and 180 s after they were drafted, and one from before the window.
    url = database_url(tmp_path)
    query(url, "UPDATE drafts SET created_at = ?, decided_at = ? WHERE id = 1",
          isoformat(utcnow() - timedelta(seconds=180)), isoformat(utcnow()))
    query(url, "UPDATE drafts SET created_at = ?, decided_at = ? WHERE id IN (2, 3)",
          isoformat(utcnow() - timedelta(seconds=60)), isoformat(utcnow()))
    query(url, "UPDATE drafts SET created_at = ? WHERE case_type = 'address_change'",
          isoformat(utcnow() - timedelta(days=31)))

    found = {r.case_type: r for r in await readiness(database, levels, min_drafts=19)}
    assert list(found) == list(BUNDLED_CASE_TYPES)
    status = found["order_status"]
    assert (status.level, status.drafts, status.sent_unchanged, status.edited, status.rejected,
            status.pending, status.unchanged_rate) == ("shadow", 20, 19, 1, {}, 0, 0.95)
    assert status.ready and status.recommendation == "ready for autonomy"
    assert 0 <= status.median_release_seconds < 5  # most were released at once

    refund = found["refund"]
    assert (refund.drafts, refund.sent_unchanged, refund.rejected, refund.pending) == (
        23, 20, {"tone": 1, "wrong policy": 1}, 1)
    assert refund.unchanged_rate == pytest.approx(20 / 22)
    assert not refund.ready
    assert refund.recommendation == ("not ready: 1 rejected as wrong policy; 90.9 % sent "
                                     "unchanged, below 95 %")

    old = found["address_change"]
    assert (old.drafts, old.median_release_seconds, old.unchanged_rate) == (0, None, None)
    assert old.recommendation == "not ready: no drafts decided in the last 30 days"
    assert (await readiness(database, levels, days=40))[3].recommendation == \
        "not ready: 3 of 50 drafts sent unchanged; 75 % sent unchanged, below 95 %"
    assert found["cancellation"].recommendation == "autonomous"


async def test_the_median_release_time(stores, tmp_path):
    database, drafts, levels = stores
    await _drafts(drafts, "order_status", ("sent", None), ("edited", None), ("sent", None),
                  ("rejected", "tone"))
    url = database_url(tmp_path)
    for draft_id, seconds in ((1, 60), (2, 180), (3, 600), (4, 9000)):
        query(url, "UPDATE drafts SET created_at = ?, decided_at = ? WHERE id = ?",
              isoformat(utcnow() - timedelta(seconds=seconds)), isoformat(utcnow()), draft_id)
    [status] = [r for r in await readiness(database, levels) if r.case_type == "order_status"]
    assert status.median_release_seconds == pytest.approx(180, abs=1)  # rejections excluded


async def test_bad_bounds_are_refused(stores):
    database, _, levels = stores
    for bounds in ({"days": 0}, {"min_drafts": 0}, {"min_rate": 1.5}):
        with pytest.raises(ValueError):
            await readiness(database, levels, **bounds)


async def test_a_draft_sent_by_a_person_counts_towards_readiness(tmp_path, smtp: SmtpSink):
    app, channel, _ = await start(tmp_path, smtp, CASELOOP_AUTONOMY="shadow")
    try:
        await _released_refund(app, channel, smtp)
    finally:
        await app.close()


async def _released_refund(app, channel, smtp) -> None:
    customer = await noor(app, channel, smtp)
    said = await customer.say("The desk lamp from order Q5521 arrived cracked, I'd like a "
                              "refund please")
    assert "colleague is checking" in said[0]
    await app.desk.drain()
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    [before] = [r for r in await readiness(app.database, app.autonomy, min_drafts=1)
                if r.case_type == "refund"]
    assert (before.drafts, before.pending, before.unchanged_rate, before.ready) == (
        1, 1, None, False)
    assert (await app.desk.shadow.send(draft.id, APPROVER)).status == "sent"
    [after] = [r for r in await readiness(app.database, app.autonomy, min_drafts=1)
               if r.case_type == "refund"]
    assert (after.level, after.drafts, after.sent_unchanged, after.pending) == (
        "shadow", 1, 1, 0)
    assert after.unchanged_rate == 1.0 and after.median_release_seconds is not None
    assert after.recommendation == "ready for autonomy"
