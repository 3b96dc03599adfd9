"""The KPI report as text: Prometheus' exposition format for `/metrics`, and lines for a terminal.

Every metric is named `caseloop_...` and given overall (no label), by `reason` and by `channel`:
sum over one label at a time, never over both kinds of series at once. A rate whose denominator
is zero is left out rather than exported as NaN.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.cases.kpis import WITHIN, Figures, KpiReport

_RATES = (
    ("journey_completion_ratio", "journey_completion_rate",
     "Cases closed without escalation, over all cases."),
    ("proactive_resolution_ratio", "proactive_resolution_rate",
     "Resolved cases that began with an outreach, over all resolved cases."),
    ("verified_closure_ratio", "verified_closure_rate",
     "Cases closed and never reopened, over cases ever closed."),
    ("reopen_ratio", "reopen_rate", "Cases reopened, over cases ever closed."),
    ("escalation_ratio", "escalation_rate", "Cases that needed a person, over all cases."),
)
_COUNTS = (
    ("cases", "cases", "Cases opened."),
    ("cases_closed", "closed", "Cases closed now."),
    ("cases_resolved", "resolved", "Cases with a verified outcome."),
)


def prometheus_text(report: KpiReport) -> str:
    """The report in Prometheus' text exposition format (version 0.0.4)."""
    series = [("", report.overall)]
    series += [(f'reason="{_escape(name)}"', f) for name, f in report.by_reason.items()]
    series += [(f'channel="{_escape(name)}"', f) for name, f in report.by_channel.items()]
    lines: list[str] = []
    for name, attribute, help_text in _COUNTS:
        lines += _metric(name, help_text, ((labels, getattr(f, attribute)) for labels, f in series))
    for name, attribute, help_text in _RATES:
        lines += _metric(name, help_text, ((labels, getattr(f, attribute)) for labels, f in series))
    lines += _metric("resolved_within_ratio",
                     "Resolved cases resolved within the time in `within`, over resolved cases.",
                     ((_join(labels, f'within="{label}"'), f.resolved_within[label])
                      for labels, f in series for label, _ in WITHIN))
    lines += _approval_latency(series)
    lines += _metric("satisfaction_average", "Average answer to the closing question (1-5).",
                     ((labels, f.satisfaction.average) for labels, f in series))
    lines += _metric("satisfaction_responses",
                     "Answers to the closing question, by `score`.",
                     ((_join(labels, f'score="{score}"'), count) for labels, f in series
                      for score, count in f.satisfaction.distribution.items()))
    lines += _metric("satisfaction_response_ratio",
                     "Closing questions answered, over closing questions asked.",
                     ((labels, f.satisfaction.response_rate) for labels, f in series))
    return "\n".join(lines) + "\n"


def report_lines(report: KpiReport) -> Iterator[str]:
    """The report for a terminal: overall, then one line per reason and per channel."""
    yield f"Caseloop KPIs at {report.generated_at}"
    yield ""
    yield from _block("Overall", report.overall)
    for title, groups in (("By reason", report.by_reason), ("By channel", report.by_channel)):
        yield ""
        yield title
        for name, figures in groups.items():
            yield (f"  {name:<15} {figures.cases:>4} cases"
                   f"  completion {percent(figures.journey_completion_rate)}"
                   f"  verified {percent(figures.verified_closure_rate)}"
                   f"  reopened {percent(figures.reopen_rate)}"
                   f"  escalated {percent(figures.escalation_rate)}"
                   f"  satisfaction {_score(figures.satisfaction.average)}")


def _block(title: str, f: Figures) -> Iterator[str]:
    latency = f.approval_latency
    within = "  ".join(f"{label} {percent(f.resolved_within[label])}" for label, _ in WITHIN)
    yield title
    yield f"  cases                  {f.cases} ({f.resolved} resolved, {f.closed} closed)"
    yield f"  journey completion     {percent(f.journey_completion_rate)}"
    yield f"  proactive resolution   {percent(f.proactive_resolution_rate)}"
    yield f"  verified closure       {percent(f.verified_closure_rate)}"
    yield f"  reopen rate            {percent(f.reopen_rate)}"
    yield f"  resolved within        {within}"
    yield f"  escalation rate        {percent(f.escalation_rate)}"
    yield (f"  approval latency       median {duration(latency.median_seconds)}, "
           f"p90 {duration(latency.p90_seconds)} ({latency.decided} decided, "
           f"{latency.waiting} waiting)")
    yield (f"  satisfaction           {_score(f.satisfaction.average)} "
           f"({f.satisfaction.answered} of {f.satisfaction.asked} answered)")


def _approval_latency(series: list[tuple[str, Figures]]) -> list[str]:
    name = "caseloop_approval_latency_seconds"
    lines = [f"# HELP {name} Time from parking an action for approval to its decision.",
             f"# TYPE {name} summary"]
    for labels, f in series:
        latency = f.approval_latency
        for quantile, value in (("0.5", latency.median_seconds), ("0.9", latency.p90_seconds)):
            if value is not None:
                quantiled = _join(labels, 'quantile="' + quantile + '"')
                lines.append(f"{name}{_braces(quantiled)} {_number(value)}")
        lines.append(f"{name}_sum{_braces(labels)} {_number(latency.total_seconds)}")
        lines.append(f"{name}_count{_braces(labels)} {latency.decided}")
    lines += _metric("approvals_waiting", "Approval requests still waiting for a decision.",
                     ((labels, f.approval_latency.waiting) for labels, f in series))
    return lines


def _metric(name: str, help_text: str, values: Iterator[tuple[str, float | int | None]]
            ) -> list[str]:
    full = f"caseloop_{name}"
    lines = [f"# HELP {full} {help_text}", f"# TYPE {full} gauge"]
    lines += [f"{full}{_braces(labels)} {_number(value)}" for labels, value in values
              if value is not None]
    return lines


def _join(*labels: str) -> str:
    return ",".join(label for label in labels if label)


def _braces(labels: str) -> str:
    return f"{{{labels}}}" if labels else ""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def percent(rate: float | None) -> str:
    """A rate as people read it: `75%`, or `-` without data."""
    return "-" if rate is None else f"{rate * 100:.0f}%"


def _score(average: float | None) -> str:
    return "-" if average is None else f"{average:.1f}/5"


def duration(seconds: float | None) -> str:
    """Seconds as people read them: `40 s`, `12 min`, `2.5 h`, or `-`."""
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
