"""Stop the line: a guardrail that trips sends its case type back to shadow mode at once,
audited, with the desk told; the next request of that type is a draft for people."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.autonomy.guardrails import Figures, tripped
from bot.config import DEFAULTS_DIR
from graph.autonomy import Guardrails
from tests.bot.autonomy.conftest import noor, start
from tests.clock import TestClock
from tests.databases import query
from tests.fakes.smtp import SmtpSink

POLICY = (DEFAULTS_DIR / "policy.toml").read_text()
HOLDING = "A colleague is checking my answer"


def _policy(tmp_path: Path, guardrails: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(f"{POLICY}\n[autonomy]\nrefund = \"autonomous\"\n"
                    f"cancellation = \"autonomous\"\n\n{guardrails}")
    return str(path)


async def _changes(app) -> list[tuple[str, dict, str, dict]]:
    return [(r.actor, r.args, r.outcome, r.detail) for r in await app.audit.records()
            if r.action == "autonomy_changed"]


async def test_a_reopen_that_trips_the_guardrail_makes_the_next_refund_a_draft(tmp_path,
                                                                              smtp: SmtpSink):
    clock = TestClock(datetime.now(UTC).replace(microsecond=0))
    policy = _policy(tmp_path, "[guardrails.refund]\nwindow = 2\nmax_reopen_rate = 0.4\n")
    app, channel, desk = await start(tmp_path, smtp, clock, CASELOOP_AUTONOMY="shadow",
                                     CASELOOP_POLICY=policy)
    try:
        customer = await noor(app, channel, smtp)
        await customer.say("I'd like a partial refund of 12.50 on Q5521 please, it flickers")
        assert (await customer.say("yes"))[0].startswith("Done")
        clock.move(hours=73)  # the refund settled: the case closes
        await app.timers.fire_due()
        [case] = await app.cases.for_customer("K-77")
        assert (case.stage, case.reopen_count) == ("closed", 0)
        assert await app.autonomy.level("refund") == "autonomous"

        asked = await customer.say("The lamp still flickers, please refund 10 more on Q5521")
        assert "10.00" in asked[0] and HOLDING not in asked[0]  # asked before the line stopped
        [case] = await app.cases.for_customer("K-77")
        assert case.reopen_count == 1
        state = await app.autonomy.state("refund")
        assert (state.level, state.set_by) == ("shadow", "guardrail")
        reason = ("1 of its 1 closed cases so far reopened, above 40 % of a window of 2 "
                  "whatever follows")
        assert await _changes(app) == [
            ("guardrail", {"case_type": "refund", "level": "shadow"}, "shadow",
             {"reason": reason})]
        await app.desk.drain()
        assert ("notice", f"refund fell back to shadow mode: {reason}. Its replies and actions "
                "now wait as drafts for people; going back to autonomous is a deliberate act "
                "(the console, or `caseloop autonomy promote refund`).") in desk.calls
        assert await app.autonomy.level("cancellation") == "autonomous"

        said = await customer.say("yes")
        assert len(said) == 1 and HOLDING in said[0]
        assert (await app.store.get_order("Q5521")).refunded == Decimal("12.50")
        [waiting] = await app.desk.open_cases()
        [draft] = waiting.waiting_drafts
        assert (draft.case_type, draft.action, draft.args) == (
            "refund", "refund", {"order_id": "Q5521", "amount": "10.00"})
    finally:
        await app.close()


async def test_a_refusal_by_the_backend_after_the_gate_allowed_it_stops_the_line(tmp_path,
                                                                                smtp):
    app, channel, desk = await start(tmp_path, smtp, CASELOOP_POLICY=_policy(tmp_path, ""))
    try:
        customer = await noor(app, channel, smtp)
        await customer.say("please cancel Q5530")
        # The warehouse shipped it before the customer said yes.
        query(app.settings.database_url,
              "UPDATE store_orders SET status = 'shipped' WHERE id = 'Q5530'")
        await customer.say("yes")
        [failed] = [r for r in await app.audit.records() if r.action == "cancel_order"]
        assert failed.outcome == "failed"
        assert await app.autonomy.level("cancellation") == "shadow"
        reason = "1 action the policy allowed failed at the backend"
        assert await _changes(app) == [
            ("guardrail", {"case_type": "cancellation", "level": "shadow"}, "shadow",
             {"reason": reason})]
        await app.desk.drain()
        assert [text for kind, text in desk.calls if kind == "notice"][0].startswith(
            f"cancellation fell back to shadow mode: {reason}.")

        # Promoted again by a person: what failed before no longer counts.
        assert await app.autonomy.set("cancellation", "autonomous", "console:amira", "fixed")
        query(app.settings.database_url,
              "UPDATE store_orders SET status = 'processing' WHERE id = 'Q5530'")
        await customer.say("please cancel Q5530")
        assert (await customer.say("yes"))[0].startswith("Done")
        assert await app.autonomy.level("cancellation") == "autonomous"
    finally:
        await app.close()


async def test_a_poor_rating_that_brings_the_average_too_low_stops_the_line(tmp_path, smtp):
    clock = TestClock(datetime.now(UTC).replace(microsecond=0))
    policy = _policy(tmp_path, "[guardrails.cancellation]\nmin_ratings = 1\n")
    app, channel, _ = await start(tmp_path, smtp, clock, CASELOOP_POLICY=policy)
    try:
        customer = await noor(app, channel, smtp)
        await customer.say("please cancel Q5530")
        assert (await customer.say("yes"))[0].startswith("Done")
        clock.move(minutes=31)  # quiet: the rating question is asked
        await app.timers.fire_due()
        assert await app.autonomy.level("cancellation") == "autonomous"
        await customer.say("1")
        assert await _changes(app) == [
            ("guardrail", {"case_type": "cancellation", "level": "shadow"}, "shadow",
             {"reason": "average satisfaction 1.0 over 1 rating, below 3"})]
    finally:
        await app.close()


@pytest.mark.parametrize(("figures", "reason"), [
    (Figures(cases=20, reopened=4, rated=0, satisfaction=None, failed_actions=0), None),
    (Figures(cases=20, reopened=5, rated=0, satisfaction=None, failed_actions=0),
     "5 of its latest 20 closed cases reopened (25 %, above 20 %)"),
    (Figures(cases=3, reopened=1, rated=0, satisfaction=None, failed_actions=0), None),
    (Figures(cases=9, reopened=5, rated=0, satisfaction=None, failed_actions=0),
     "5 of its 9 closed cases so far reopened, above 20 % of a window of 20 whatever follows"),
    (Figures(cases=10, reopened=0, rated=4, satisfaction=1.0, failed_actions=0), None),
    (Figures(cases=10, reopened=0, rated=5, satisfaction=2.8, failed_actions=0),
     "average satisfaction 2.8 over 5 ratings, below 3"),
    (Figures(cases=0, reopened=0, rated=0, satisfaction=None, failed_actions=2),
     "2 actions the policy allowed failed at the backend"),
])
def test_which_guardrail_trips_on_which_figures(figures, reason):
    assert tripped(Guardrails(), figures) == reason


def test_failed_actions_stop_nothing_when_configured_so():
    figures = Figures(cases=0, reopened=0, rated=0, satisfaction=None, failed_actions=1)
    assert tripped(Guardrails(stop_on_failed_action=False), figures) is None
