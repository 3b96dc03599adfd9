"""Stop the line: a case type that handles its cases on its own falls back to shadow mode at
once when one of its guardrails trips.

The guardrails (the policy file's `[guardrails]` table, `graph/autonomy.py`) are evaluated on
stored facts whenever one of the case type's cases closes or reopens and whenever one of its
actions fails, and only while the case type is autonomous. The facts count from the moment it
was last made autonomous (a promotion), or from the start when the configuration makes it so:

- an action the policy gate allowed (on its own, with an approval or released from a draft)
  that the backend then refused: an audit record with outcome `failed` marked
  `REFUSED_BY_BACKEND` (a backend that was down refused nothing, and stops no line);
- the reopen rate over its latest `window` cases closed (or reopened). While fewer cases
  than that are there, the missing ones count as not reopened: the line stops once the rate
  over the window can only be too high (with the defaults, at a fifth reopen in 20 cases),
  not at the first reopen of a new deployment;
- the average satisfaction of those cases, once at least `min_ratings` of them were rated.

An action a person reversed would stop the line too, but nothing records a reversal yet.

On a trip the level changes (audited as `autonomy_changed` by `guardrail`, with which guardrail
and its figures as the reason) and the desk is told (`desk_notice`: Slack's escalation channel).
Going back to autonomous is a deliberate act again: the console, `caseloop autonomy promote`,
or the policy file.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from bot.autonomy.levels import GUARDRAIL, AutonomyLevels
from bot.autonomy.readiness import percent
from bot.cases.case import Case
from bot.desk.listeners import Notifier
from bot.storage.database import Database
from graph.actions import REFUSED_BY_BACKEND
from graph.autonomy import AutonomyRules, Guardrails
from graph.declarations.model import Actions

log = logging.getLogger("caseloop.autonomy")
_REFUSAL = json.dumps(REFUSED_BY_BACKEND)[1:-1]
"""How a backend's refusal reads inside an audit record's detail (an outage is no refusal)."""

NOTICE = ("{case_type} fell back to shadow mode: {reason}. Its replies and actions now wait "
          "as drafts for people; going back to autonomous is a deliberate act (the console, "
          "or `caseloop autonomy promote {case_type}`).")


@dataclass(frozen=True)
class Figures:
    """What a case type's guardrails are judged on, since it was made autonomous."""

    cases: int
    """Its latest cases closed or reopened (at most the guardrails' `window`)."""
    reopened: int
    """How many of those were reopened."""
    rated: int
    satisfaction: float | None
    """The average rating of those rated."""
    failed_actions: int
    """Its actions the backend refused after the gate allowed them."""


def tripped(guardrails: Guardrails, figures: Figures) -> str | None:
    """Which guardrail the figures trip, with the figures; None while all hold."""
    if guardrails.stop_on_failed_action and figures.failed_actions:
        return (f"{_count(figures.failed_actions, 'action')} the policy allowed failed at "
                "the backend")
    window = max(1, guardrails.window, figures.cases)
    if figures.reopened / window > guardrails.max_reopen_rate:
        if figures.cases < window:
            return (f"{figures.reopened} of its {figures.cases} closed cases so far reopened, "
                    f"above {percent(guardrails.max_reopen_rate)} of a window of {window} "
                    "whatever follows")
        return (f"{figures.reopened} of its latest {window} closed cases reopened "
                f"({percent(figures.reopened / window)}, above "
                f"{percent(guardrails.max_reopen_rate)})")
    if (figures.satisfaction is not None and figures.rated >= max(1, guardrails.min_ratings)
            and figures.satisfaction < guardrails.min_satisfaction):
        return (f"average satisfaction {figures.satisfaction:.1f} over "
                f"{_count(figures.rated, 'rating')}, below {guardrails.min_satisfaction:g}")
    return None


class LineStop:
    """Watches cases and actions, and sends a case type back to shadow when a guardrail trips.

    Args:
        rules: The policy file's autonomy rules, for each case type's guardrails.
        notifier: Tells the desk.
    """

    def __init__(self, database: Database, levels: AutonomyLevels, rules: AutonomyRules,
                 notifier: Notifier, actions: Actions) -> None:
        self._db = database
        self._levels = levels
        self._rules = rules
        self._notifier = notifier
        self._actions = actions
        self._lock = asyncio.Lock()

    async def case_moved(self, case: Case, event: str) -> None:
        """The case book's and lifecycle's watch: a case `closed`, `reopened` or `rated`, or
        its action failed (`action_failed`). Never raises: a guardrail that cannot be
        evaluated is logged, and the case moves on."""
        if case.reason not in self._levels.case_types:
            return
        try:
            await self.check(case.reason)
        except Exception:  # noqa: BLE001 - the case's move must not fail for the watch
            log.exception("Guardrails of %s could not be evaluated after %s of case %s",
                          case.reason, event, case.id)

    async def check(self, case_type: str) -> str | None:
        """Evaluate a case type's guardrails; returns why it fell back to shadow, or None."""
        async with self._lock:
            state = await self._levels.state(case_type)
            if state.level != "autonomous":
                return None
            figures = await self.figures(case_type, since=state.set_at or "")
            reason = tripped(self._rules.guardrails_for(case_type), figures)
            if reason is None or not await self._levels.set(case_type, "shadow", GUARDRAIL, reason):
                return None
        log.warning("Stopped the line: %s fell back to shadow mode: %s", case_type, reason)
        self._notifier.tell("desk_notice", NOTICE.format(case_type=case_type, reason=reason))
        return reason

    async def figures(self, case_type: str, since: str) -> Figures:
        """The case type's figures from `since` (an ISO timestamp; "" for all time)."""
        window = self._rules.guardrails_for(case_type).window
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS cases, "
            "COALESCE(SUM(CASE WHEN reopened_at >= ? THEN 1 ELSE 0 END), 0) AS reopened, "
            "COUNT(satisfaction) AS rated, AVG(satisfaction) AS satisfaction FROM ("
            "SELECT reopened_at, satisfaction FROM cases WHERE reason = ? "
            "AND COALESCE(closed_at, reopened_at) >= ? "
            "ORDER BY COALESCE(closed_at, reopened_at) DESC, id DESC LIMIT ?) AS latest",
            (since, case_type, since, max(1, window)))
        actions = [d.name for d in self._actions if d.case_type == case_type]
        failed = 0
        if actions:
            found = await self._db.fetchone(
                "SELECT COUNT(*) AS n FROM audit WHERE outcome = 'failed' AND at >= ? "
                f"AND action IN ({', '.join('?' for _ in actions)}) AND detail LIKE ?",
                (since, *actions, f"%{_REFUSAL}%"))
            failed = int(found["n"]) if found else 0
        assert row is not None
        average = row["satisfaction"]
        return Figures(cases=int(row["cases"]), reopened=int(row["reopened"]),
                       rated=int(row["rated"]),
                       satisfaction=float(average) if average is not None else None,
                       failed_actions=failed)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")
