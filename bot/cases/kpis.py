"""The support lead's figures, computed only from stored case and audit records.

Definitions (each rate is None when its denominator is zero):

- **journey completion rate**: cases closed without ever being escalated / all cases.
- **proactive resolution rate**: resolved cases that began with an outreach (Caseloop wrote
  first, before the customer did) / all resolved cases.
- **verified closure rate**: cases closed and never reopened / cases ever closed (closed now,
  or reopened since). A reopen only happens within 7 days of the close, so a case closed
  longer ago than that is verified for good; one closed more recently may still reopen.
- **reopen rate**: cases reopened at least once / cases ever closed.
- **time to resolution**: from opening to the verified outcome (`resolved_at`); the share of
  resolved cases resolved within 1 h, 24 h and 72 h.
- **escalation rate**: cases that needed a person (handed over, or an outcome that could not be
  verified) / all cases. An approval the policy asks for is not an escalation: see approval
  latency.
- **approval latency**: from the audit record parking an action for approval to the record of
  its decision (approved, denied or expired); median and 90th percentile, and how many wait.
- **satisfaction**: the 1-5 answers to the closing question: count, average, distribution,
  and the share of questions asked that were answered.

Every figure is given overall, by reason code and by channel (the channel a case opened on).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.audit import AuditLog, AuditRecord
from bot.cases.case import Case
from bot.cases.case_book import CaseBook
from bot.storage.database import isoformat, utcnow

WITHIN = (("1h", 3600), ("24h", 86400), ("72h", 259200))
"""Time-to-resolution buckets: label and seconds."""
DECISIONS = ("approved", "denied", "expired")


@dataclass(frozen=True)
class ApprovalLatency:
    """How long approvals waited for a person."""

    decided: int
    waiting: int
    median_seconds: float | None
    p90_seconds: float | None
    total_seconds: float


@dataclass(frozen=True)
class SatisfactionFigures:
    """The answers to the closing question."""

    asked: int
    answered: int
    average: float | None
    response_rate: float | None
    distribution: dict[str, int]
    """Score ("1" to "5") → how many answered it."""


@dataclass(frozen=True)
class Figures:
    """Every KPI over one set of cases."""

    cases: int
    closed: int
    resolved: int
    journey_completion_rate: float | None
    proactive_resolution_rate: float | None
    verified_closure_rate: float | None
    reopen_rate: float | None
    resolved_within: dict[str, float | None]
    """`1h`, `24h`, `72h` → share of resolved cases resolved that fast."""
    escalation_rate: float | None
    approval_latency: ApprovalLatency
    satisfaction: SatisfactionFigures


@dataclass(frozen=True)
class KpiReport:
    """The figures overall, by reason code and by channel."""

    generated_at: str
    overall: Figures
    by_reason: dict[str, Figures] = field(default_factory=dict)
    by_channel: dict[str, Figures] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The report as `caseloop report --json` prints it."""
        return asdict(self)


async def kpi_report(cases: CaseBook, audit: AuditLog,
                     now: Callable[[], datetime] = utcnow) -> KpiReport:
    """Read every case and audit record and compute the report."""
    return compute_kpis(await cases.all(), await audit.records(), now())


def compute_kpis(cases: list[Case], audit: Iterable[AuditRecord],
                 now: datetime) -> KpiReport:
    """The report over hand-picked records (what `kpi_report` does with the stored ones)."""
    waits = _approval_waits(list(audit))
    case_of_key = {case.action_key: case for case in cases if case.action_key}
    by_reason: dict[str, list[Case]] = {}
    by_channel: dict[str, list[Case]] = {}
    for case in cases:
        by_reason.setdefault(case.reason, []).append(case)
        by_channel.setdefault(case.channel or "unknown", []).append(case)

    def figures(group: list[Case], keys: Callable[[str], bool]) -> Figures:
        return _figures(group, {key: wait for key, wait in waits.items() if keys(key)})

    def belongs(group: list[Case]) -> Callable[[str], bool]:
        ids = {case.id for case in group}
        return lambda key: key in case_of_key and case_of_key[key].id in ids

    return KpiReport(
        generated_at=isoformat(now),
        overall=figures(cases, lambda key: True),
        by_reason={name: figures(group, belongs(group))
                   for name, group in sorted(by_reason.items())},
        by_channel={name: figures(group, belongs(group))
                    for name, group in sorted(by_channel.items())},
    )


def _figures(cases: list[Case], waits: dict[str, float | None]) -> Figures:
    closed = [c for c in cases if c.stage == "closed"]
    ever_closed = [c for c in cases if c.stage == "closed" or c.reopen_count > 0]
    resolved = [c for c in cases if c.resolved_at]
    durations = [_seconds(c.opened_at, c.resolved_at) for c in resolved]
    known = [d for d in durations if d is not None]
    return Figures(
        cases=len(cases), closed=len(closed), resolved=len(resolved),
        journey_completion_rate=_rate(sum(1 for c in closed if not c.escalated_at), len(cases)),
        proactive_resolution_rate=_rate(sum(1 for c in resolved if c.origin == "outreach"),
                                        len(resolved)),
        verified_closure_rate=_rate(sum(1 for c in closed if c.reopen_count == 0),
                                    len(ever_closed)),
        reopen_rate=_rate(sum(1 for c in ever_closed if c.reopen_count > 0), len(ever_closed)),
        resolved_within={label: _rate(sum(1 for d in known if d <= limit), len(known))
                         for label, limit in WITHIN},
        escalation_rate=_rate(sum(1 for c in cases if c.escalated_at), len(cases)),
        approval_latency=_latency(waits),
        satisfaction=_satisfaction(cases),
    )


def _approval_waits(records: list[AuditRecord]) -> dict[str, float | None]:
    """Idempotency key → seconds from parking to decision (None: still waiting)."""
    parked = {r.idempotency_key: r.at for r in records
              if r.outcome == "pending_approval" and r.idempotency_key}
    waits: dict[str, float | None] = dict.fromkeys(parked)
    for record in records:
        key = (record.detail or {}).get("idempotency_key")
        if record.outcome in DECISIONS and key in parked and waits[key] is None:
            waits[key] = _seconds(parked[key], record.at)
    return waits


def _latency(waits: dict[str, float | None]) -> ApprovalLatency:
    decided = sorted(w for w in waits.values() if w is not None)
    return ApprovalLatency(
        decided=len(decided), waiting=sum(1 for w in waits.values() if w is None),
        median_seconds=statistics.median(decided) if decided else None,
        p90_seconds=_percentile(decided, 0.9), total_seconds=float(sum(decided)))


def _satisfaction(cases: list[Case]) -> SatisfactionFigures:
    scores = [c.satisfaction for c in cases if c.satisfaction is not None]
    asked = sum(1 for c in cases if c.satisfaction_asked_at or c.satisfaction is not None)
    return SatisfactionFigures(
        asked=asked, answered=len(scores),
        average=round(statistics.fmean(scores), 2) if scores else None,
        response_rate=_rate(len(scores), asked),
        distribution={str(n): scores.count(n) for n in range(1, 6)})


def _percentile(ordered: list[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _seconds(start: str | None, end: str | None) -> float | None:
    begin, finish = _moment(start), _moment(end)
    if begin is None or finish is None:
        return None
    return max(0.0, (finish - begin).total_seconds())


def _moment(iso: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((iso or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
