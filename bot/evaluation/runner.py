"""Running a suite: every scenario K times, a few trials at a time, and the figures that say how
consistently it closes cases (pass^1, pass^K, journey completion, escalations, wrong actions)."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from bot.evaluation.checks import Snapshot, failures, wrong_actions
from bot.evaluation.scenarios import Expect, Scenario
from bot.evaluation.trial import Model, TrialRun, run_trial


@dataclass(frozen=True)
class Verdict:
    """One trial judged."""

    run: TrialRun
    problems: list[str]
    """Why it failed, in words; empty when it passed."""
    turns: int | None
    """The customer turns after which everything expected held, or None."""
    completed: bool
    """The end state the scenario wanted (orders and audit records) was reached."""
    escalated: bool
    wrong: int
    """Actions carried out that the scenario did not expect."""

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's K trials."""

    scenario: Scenario
    verdicts: list[Verdict]

    @property
    def passed_trials(self) -> int:
        return sum(v.passed for v in self.verdicts)


@dataclass(frozen=True)
class Summary:
    """The whole run."""

    model: str
    k: int
    results: list[ScenarioResult]

    @property
    def verdicts(self) -> list[Verdict]:
        return [v for r in self.results for v in r.verdicts]

    @property
    def pass_1(self) -> float:
        """The share of trials that passed (the expected pass rate of one try)."""
        return _share(v.passed for v in self.verdicts)

    @property
    def pass_k(self) -> float:
        """The share of scenarios that passed in every one of their K trials."""
        return _share(r.passed_trials == self.k for r in self.results)

    @property
    def journey_completion(self) -> float:
        return _share(v.completed for v in self.verdicts)

    @property
    def escalation_rate(self) -> float:
        return _share(v.escalated for v in self.verdicts)

    @property
    def wrong_actions(self) -> int:
        return sum(v.wrong for v in self.verdicts)

    @property
    def median_turns(self) -> float | None:
        turns = [v.turns for v in self.verdicts if v.passed and v.turns is not None]
        return statistics.median(turns) if turns else None


async def run_suite(scenarios: list[Scenario], *, model: Model, trials: int,
                    policy: Path | None, jobs: int, progress: bool = True) -> Summary:
    """Run every scenario `trials` times, at most `jobs` trials at once."""
    limit = asyncio.Semaphore(max(1, jobs))
    bar = tqdm(total=len(scenarios) * trials, unit="trial", disable=not progress, leave=False)

    async def one(scenario: Scenario, trial: int) -> Verdict:
        async with limit:
            run = await run_trial(scenario, trial, model, policy)
        bar.update()
        return judge(run)

    try:
        verdicts = await asyncio.gather(*(one(s, t) for s in scenarios for t in range(trials)))
    finally:
        bar.close()
    results = [ScenarioResult(s, verdicts[i * trials:(i + 1) * trials])
               for i, s in enumerate(scenarios)]
    return Summary(model.name, trials, results)


def judge(run: TrialRun) -> Verdict:
    """What the scenario wanted against what the trial left behind."""
    expect = run.scenario.expect
    if run.error is not None or not run.snapshots:
        return Verdict(run, [f"the trial stopped: {run.error or 'no turn was played'}"], None,
                       False, False, 0)
    final = run.snapshots[-1]
    problems = failures(expect, final)
    turns = next((n for n, seen in enumerate(run.snapshots, 1) if not failures(expect, seen)),
                 None)
    if turns is not None and expect.max_turns is not None and turns > expect.max_turns:
        problems.append(f"took {turns} turns, more than {expect.max_turns}")
    return Verdict(run, problems, turns, _completed(expect, final),
                   any(r != "approval" for r in final.escalations),
                   len(wrong_actions(expect, final.audit)))


def _completed(expect: Expect, seen: Snapshot) -> bool:
    """The journey's end state: the orders and the audit records it wanted."""
    state_only = expect.model_copy(update={"escalated": None, "replies": type(expect.replies)()})
    return not failures(state_only, seen)


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0
