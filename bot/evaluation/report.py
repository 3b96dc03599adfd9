"""Telling the results: a table for people, one JSON object for machines, JUnit XML for CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from bot.evaluation.runner import ScenarioResult, Summary

NAME_WIDTH = 52


def table(summary: Summary) -> str:
    """One line per scenario (trials passed, turns, wrong actions, the first problem), then the
    totals."""
    k = summary.k
    lines = [f"{'scenario':<{NAME_WIDTH}} {'passed':>7} {'turns':>5} {'wrong':>5}  first problem"]
    for result in summary.results:
        turns = [v.turns for v in result.verdicts if v.passed and v.turns is not None]
        wrong = sum(v.wrong for v in result.verdicts)
        problem = next((p for v in result.verdicts for p in v.problems), "")
        name = result.scenario.name
        name = name if len(name) <= NAME_WIDTH else name[:NAME_WIDTH - 1] + "…"
        lines.append(f"{name:<{NAME_WIDTH}} {result.passed_trials:>3}/{k:<3} "
                     f"{(str(sorted(turns)[len(turns) // 2]) if turns else '-'):>5} "
                     f"{wrong:>5}  {problem[:100]}")
    median = summary.median_turns
    lines += [
        "",
        f"model {summary.model}, {len(summary.results)} scenarios x {k} trials",
        f"pass^1 {summary.pass_1:.3f}   pass^{k} {summary.pass_k:.3f}   "
        f"journey completion {summary.journey_completion:.1%}   "
        f"escalation rate {summary.escalation_rate:.1%}   "
        f"wrong actions {summary.wrong_actions}   "
        f"median turns {median if median is not None else '-'}",
    ]
    return "\n".join(lines)


def as_json(summary: Summary) -> dict[str, Any]:
    """The run as one object: `k`, `pass_1`, `pass_k`, `wrong_actions`, `scenarios`, ..."""
    return {
        "model": summary.model,
        "k": summary.k,
        "pass_1": round(summary.pass_1, 4),
        "pass_k": round(summary.pass_k, 4),
        "journey_completion": round(summary.journey_completion, 4),
        "escalation_rate": round(summary.escalation_rate, 4),
        "wrong_actions": summary.wrong_actions,
        "median_turns": summary.median_turns,
        "scenarios": [_scenario(result) for result in summary.results],
    }


def write_junit(summary: Summary, path: Path) -> None:
    """One test case per scenario; a scenario that failed any trial carries its problems."""
    suite = ElementTree.Element(
        "testsuite", name=f"caseloop eval ({summary.model}, k={summary.k})",
        tests=str(len(summary.results)),
        failures=str(sum(r.passed_trials < summary.k for r in summary.results)),
        time=f"{sum(v.run.seconds for v in summary.verdicts):.2f}")
    for result in summary.results:
        case = ElementTree.SubElement(
            suite, "testcase", classname=result.scenario.source.rsplit(":", 1)[0],
            name=result.scenario.name,
            time=f"{sum(v.run.seconds for v in result.verdicts):.2f}")
        if result.passed_trials < summary.k:
            failed = ElementTree.SubElement(
                case, "failure",
                message=f"passed {result.passed_trials} of {summary.k} trials")
            failed.text = "\n".join(_failures(result))
    root = ElementTree.Element("testsuites")
    root.append(suite)
    path.write_text(ElementTree.tostring(root, encoding="unicode"), encoding="utf-8")


def dumps(summary: Summary) -> str:
    return json.dumps(as_json(summary), indent=2, ensure_ascii=False)


def _scenario(result: ScenarioResult) -> dict[str, Any]:
    return {
        "name": result.scenario.name,
        "source": result.scenario.source,
        "passed_trials": result.passed_trials,
        "trials": len(result.verdicts),
        "wrong_actions": sum(v.wrong for v in result.verdicts),
        "failures": _failures(result),
    }


def _failures(result: ScenarioResult) -> list[str]:
    """Each trial's problems, in words, with what the customer said in that trial."""
    lines = []
    for verdict in result.verdicts:
        if verdict.passed:
            continue
        said = " / ".join(verdict.run.said)
        lines.append(f"trial {verdict.run.trial + 1}: {'; '.join(verdict.problems)}"
                     f" [customer: {said[:300]}]")
    return lines
