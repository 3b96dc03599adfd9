"""The case lifecycle: cases open and move on from what was done, never from what was said.

After each turn the runner hands over the facts the graph's nodes recorded in `turn_facts`: an
order read, an action proposed or refused (the policy gate), the outcome of an answered action
(the confirmation node) and an escalation (the escalate node). Approval outcomes arrive from the
approval runs, and a person handing a conversation back from the desk. From these:

- an order read (`get_order`, or `list_orders` alone): the case about it opens (or reopens)
  as `order_status`, goes to investigation, and is answered: it closes once quiet;
- an action proposed: the case takes the action's reason and goes to execution;
- an action refused (by the policy or the order's state): refused, closes once quiet;
- an action done and read back from the backend: verification, then follow_up with a check
  that the refund settled, or closed (other actions; the satisfaction question follows);
- an action parked for approval: stays in execution until the decision moves it on;
- an action whose outcome could not be verified, or an escalation: escalated;
- an action declined, or dropped for another request: declined, closes once quiet.

An action that failed or could not be verified is also told to the watch, when given (the
guardrails that stop the line), as the case book tells it of closes and reopens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.cases.case import Case
from bot.cases.case_book import CaseBook, CaseWatch
from bot.cases.follow_ups import FollowUps
from bot.cases.satisfaction import Satisfaction
from bot.desk.escalations import Escalation
from graph.declarations.model import Actions
from graph.state import TurnFact

log = logging.getLogger("caseloop.lifecycle")

QUIET_RESOLUTIONS = {"declined": "declined", "dropped": "declined", "failed": "failed"}
FAILED = ("failed", "unverified")
"""Outcomes of an action the backend refused or that could not be verified."""


@dataclass
class TurnFacts:
    """What one turn did, sorted by kind."""

    reads: list[str | None] = field(default_factory=list)
    """Orders read (None: the list of orders)."""
    proposed: list[tuple[str, str | None, str]] = field(default_factory=list)
    """Actions proposed and waiting for a yes: (action, order id, idempotency key)."""
    refused: list[tuple[str, str | None]] = field(default_factory=list)
    """Actions refused by the policy or the order's state: (action, order id)."""
    outcome: TurnFact | None = None
    """The answered action's outcome."""
    escalated: bool = False


def sort_facts(facts: list[TurnFact], actions: Actions) -> TurnFacts:
    """A turn's facts (`CaseState.turn_facts`) by kind; only declared actions count, on an
    order they name or on the customer's account."""
    sorted_facts = TurnFacts()
    for fact in facts:
        kind, action, order_id = fact.get("kind"), fact.get("action"), fact.get("order_id")
        if kind == "read":
            sorted_facts.reads.append(order_id)
        elif kind == "proposed" and _about(actions, action, order_id) and fact.get("key"):
            sorted_facts.proposed.append((str(action), order_id, str(fact["key"])))
        elif kind == "refused" and _about(actions, action, order_id):
            sorted_facts.refused.append((str(action), order_id))
        elif kind == "outcome" and _about(actions, action, order_id):
            sorted_facts.outcome = fact
        elif kind == "escalated":
            sorted_facts.escalated = True
    return sorted_facts


def _about(actions: Actions, action: Any, order_id: str | None) -> bool:
    """Whether a fact is of a declared action on a named order or on the account."""
    declared = actions.get(str(action))
    return declared is not None and (bool(order_id) or declared.applies_to == "account")


class CaseLifecycle:
    """Moves cases on from turn facts, approval outcomes and hand-backs.

    It is also a desk listener: a conversation handed back by a person closes its escalated
    case once quiet.
    """

    def __init__(self, cases: CaseBook, follow_ups: FollowUps, satisfaction: Satisfaction,
                 actions: Actions, watch: CaseWatch | None = None) -> None:
        self._cases = cases
        self._actions = actions
        self._follow_ups = follow_ups
        self._satisfaction = satisfaction
        self._watch = watch

    async def after_turn(self, channel: str, state: dict[str, Any]) -> None:
        """Apply one turn's facts (in the state after it) to the customer's cases."""
        customer_id = state.get("customer_id")
        if not customer_id or not state.get("verified"):
            return
        facts = sort_facts(state.get("turn_facts") or [], self._actions)
        quiet: dict[int, str | None] = {}
        """Cases whose outcome is known and that need nothing more: id → resolution."""
        busy: set[int] = set()
        last: Case | None = None
        specific = [order for order in facts.reads if order]
        for order_id in specific or facts.reads[:1]:
            last = await self._open(customer_id, order_id, "order_status", channel)
            last = await self._cases.advance(last.id, "investigation") or last
            quiet.setdefault(last.id, None)
        for action, order_id in facts.refused:
            last = await self._open(customer_id, order_id, self._reason(action), channel)
            last = await self._cases.advance(last.id, "investigation") or last
            quiet[last.id] = "refused"
        for action, order_id, key in facts.proposed:
            last = await self._open(customer_id, order_id, self._reason(action), channel)
            last = await self._cases.advance(last.id, "execution", action_key=key) or last
            busy.add(last.id)
        if facts.outcome:
            last = await self._apply_outcome(customer_id, channel, facts.outcome)
            result = str(facts.outcome.get("outcome"))
            if result in FAILED:
                await self._action_failed(last)
            if result in QUIET_RESOLUTIONS:
                quiet[last.id] = QUIET_RESOLUTIONS[result]
            else:
                busy.add(last.id)
        if facts.escalated:
            last = last or await self._latest_or_new(customer_id, channel)
            await self._cases.advance(last.id, "escalated")
            busy.add(last.id)
        for case_id, resolution in quiet.items():
            if case_id not in busy:
                await self._close_when_quiet(case_id, resolution)

    def _reason(self, action: str) -> str:
        """The case reason of an action: its declared case type."""
        return self._actions.case_type(action) or "other"

    async def after_approval(self, request: dict[str, Any], outcome: str) -> None:
        """An approval request was decided (or expired) and the customer told the outcome."""
        customer_id, key = request["customer_id"], request["idempotency_key"]
        order_id = request["args"].get("order_id")
        case = await self._cases.find_by_action(key) or await self._open(
            customer_id, order_id, self._reason(request["action"]), None)
        if outcome == "done":
            await self._verified(case, request["action"], order_id, key)
        elif outcome in ("denied", "expired"):
            await self._satisfaction.close(case.id, outcome)
        else:  # failed or unverified: a colleague follows up
            await self._cases.advance(case.id, "escalated", resolution=outcome)
            await self._action_failed(case)

    # The desk listener: only a hand-back matters here.

    async def case_opened(self, case: Escalation) -> None:
        """Cases opened for people are handled where they open."""

    async def case_note(self, case: Escalation, kind: str, text: str, actor: str | None) -> None:
        """Notes are conversation, not facts about the case."""

    async def desk_notice(self, text: str) -> None:
        """Notices to the whole desk change no case."""

    async def case_changed(self, case: Escalation, event: str) -> None:
        """A conversation handed back closes its escalated case once quiet."""
        if event != "handed_back" or not case.customer_id:
            return
        for record in await self._cases.for_customer(case.customer_id):
            if record.stage == "escalated":
                moved = await self._cases.advance(record.id, "escalated",
                                                  resolution="handed_back")
                if moved is not None:
                    await self._follow_ups.close_when_quiet(moved)

    async def _apply_outcome(self, customer_id: str, channel: str, outcome: TurnFact) -> Case:
        action, order_id = str(outcome["action"]), outcome.get("order_id")
        key = str(outcome["key"])
        case = await self._cases.find_by_action(key) or await self._open(
            customer_id, order_id, self._reason(action), channel)
        result = outcome["outcome"]
        if result == "done":
            return await self._verified(case, action, order_id, key)
        stage = "escalated" if result == "unverified" else "execution"
        return await self._cases.advance(case.id, stage, action_key=key) or case

    async def _verified(self, case: Case, action: str, order_id: str | None,
                        key: str) -> Case:
        """The action's outcome was read back from the backend: follow up, or close."""
        await self._cases.advance(case.id, "verification", action_key=key)
        declared = self._actions.get(action)
        if declared is not None and declared.settles_later and order_id:
            moved = await self._cases.advance(case.id, "follow_up", resolution="done")
            assert moved is not None
            await self._follow_ups.refund_settled_later(moved, order_id, key)
            return moved
        return await self._satisfaction.close(case.id, "done") or case

    async def _close_when_quiet(self, case_id: int, resolution: str | None) -> None:
        """A case answered or refused (still investigating), or whose action was declined or
        failed (still executing), closes once nothing more happens to it."""
        case = await self._cases.get(case_id)
        stage = "execution" if resolution in ("declined", "failed") else "investigation"
        if case is None or case.stage != stage:
            return  # closed, escalated, waiting for a decision or following up already
        case = await self._cases.resolve(case.id, resolution or "answered") or case
        await self._follow_ups.close_when_quiet(case)

    async def _action_failed(self, case: Case) -> None:
        if self._watch is not None:
            await self._watch(case, "action_failed")

    async def _open(self, customer_id: str, order_id: str | None, reason: str,
                    channel: str | None) -> Case:
        return await self._cases.open_or_reopen(customer_id, order_id, reason, channel=channel)

    async def _latest_or_new(self, customer_id: str, channel: str | None) -> Case:
        return (await self._cases.find_open(customer_id)
                or await self._open(customer_id, None, "other", channel))
