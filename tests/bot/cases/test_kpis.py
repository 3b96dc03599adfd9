"""KPIs on hand-made case and audit records: each figure, overall and by reason and channel,
and the Prometheus text a scraper parses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bot.audit import AuditRecord
from bot.cases.case import Case
from bot.cases.kpi_export import prometheus_text, report_lines
from bot.cases.kpis import compute_kpis

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _at(**ago: float) -> str:
    return (NOW - timedelta(**ago)).isoformat().replace("+00:00", "Z")


def _after(start: str, **delta: float) -> str:
    moment = datetime.fromisoformat(start.replace("Z", "+00:00")) + timedelta(**delta)
    return moment.isoformat().replace("+00:00", "Z")


def _case(case_id: int, reason: str, channel: str, *, origin: str = "customer",
          stage: str = "closed", resolved_after: dict[str, float] | None = None,
          escalated: bool = False, reopens: int = 0, score: int | None = None,
          asked: bool = False, key: str | None = None) -> Case:
    opened = _at(days=10, hours=case_id)
    resolved = _after(opened, **resolved_after) if resolved_after is not None else None
    fields: dict[str, Any] = dict(
        id=case_id, customer_id=f"C{case_id}", order_id=f"A{case_id}", reason=reason,
        stage=stage, origin=origin, channel=channel, event_id=None, opened_at=opened,
        resolved_at=resolved, closed_at=_after(opened, days=3) if stage == "closed" else None,
        escalated_at=_after(opened, minutes=5) if escalated else None, reopen_count=reopens,
        reopened_at=None, customer_wrote_at=opened if origin == "customer" else None,
        resolution="done" if resolved else None, action_key=key, satisfaction=score,
        satisfaction_asked_at=_after(opened, days=3) if asked or score else None,
        satisfaction_at=None, updated_at=opened)
    return Case(**fields)


def _audit(at: str, outcome: str, key: str, *, decision: bool = False) -> AuditRecord:
    return AuditRecord(
        at=at, actor="console:amy" if decision else "agent", customer_id="C1",
        action="refund", args={"order_id": "A1"}, rule="r", outcome=outcome,
        idempotency_key=None if decision else key,
        detail={"idempotency_key": key} if decision else {})


CASES = [
    # 1: a webchat refund resolved in 30 min, closed, rated 5; its approval took 10 min.
    _case(1, "refund", "webchat", resolved_after={"minutes": 30}, score=5, key="k1"),
    # 2: a webchat refund resolved in 20 h, closed, reopened once then closed again, rated 2.
    _case(2, "refund", "webchat", resolved_after={"hours": 20}, reopens=1, score=2, key="k2"),
    # 3: a WhatsApp delay outreach resolved in 2 days, closed, asked but never answered.
    _case(3, "delay", "whatsapp", origin="outreach", resolved_after={"days": 2}, asked=True),
    # 4: a WhatsApp cancellation escalated, resolved in 5 days, closed.
    _case(4, "cancellation", "whatsapp", resolved_after={"days": 5}, escalated=True),
    # 5: a webchat refund still waiting for approval.
    _case(5, "refund", "webchat", stage="execution", key="k5"),
]
AUDIT = [
    _audit(_at(days=9), "pending_approval", "k1"),
    _audit(_at(days=9, minutes=-10), "approved", "k1", decision=True),
    _audit(_at(days=8), "pending_approval", "k2"),
    _audit(_at(days=8, hours=-2), "denied", "k2", decision=True),
    _audit(_at(hours=1), "pending_approval", "k5"),
    _audit(_at(hours=1), "done", "k1"),
]


def test_overall_figures_follow_their_definitions() -> None:
    overall = compute_kpis(CASES, AUDIT, NOW).overall
    assert (overall.cases, overall.closed, overall.resolved) == (5, 4, 4)
    assert overall.journey_completion_rate == 0.6  # 1, 2, 3 closed without escalation, of 5
    assert overall.proactive_resolution_rate == 0.25  # case 3 of 4 resolved
    assert overall.verified_closure_rate == 0.75  # 1, 3, 4 of 4 ever closed
    assert overall.reopen_rate == 0.25
    assert overall.resolved_within == {"1h": 0.25, "24h": 0.5, "72h": 0.75}
    assert overall.escalation_rate == 0.2
    latency = overall.approval_latency
    assert (latency.decided, latency.waiting) == (2, 1)
    assert (latency.median_seconds, latency.p90_seconds) == (3900.0, 7200.0)  # 10 min, 2 h
    satisfaction = overall.satisfaction
    assert (satisfaction.asked, satisfaction.answered, satisfaction.average) == (3, 2, 3.5)
    assert satisfaction.response_rate == 0.6667
    assert satisfaction.distribution == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}


def test_figures_by_reason_and_channel() -> None:
    report = compute_kpis(CASES, AUDIT, NOW)
    assert set(report.by_reason) == {"cancellation", "delay", "refund"}
    assert set(report.by_channel) == {"webchat", "whatsapp"}
    refunds = report.by_reason["refund"]
    assert (refunds.cases, refunds.reopen_rate, refunds.satisfaction.average) == (3, 0.5, 3.5)
    assert refunds.approval_latency.decided == 2 and refunds.approval_latency.waiting == 1
    assert report.by_reason["delay"].approval_latency.decided == 0
    whatsapp = report.by_channel["whatsapp"]
    assert (whatsapp.cases, whatsapp.escalation_rate, whatsapp.proactive_resolution_rate) == (
        2, 0.5, 0.5)
    assert whatsapp.resolved_within == {"1h": 0.0, "24h": 0.0, "72h": 0.5}


def test_no_cases_gives_no_rates_rather_than_zeros() -> None:
    overall = compute_kpis([], [], NOW).overall
    assert overall.cases == 0 and overall.journey_completion_rate is None
    assert overall.approval_latency.median_seconds is None
    text = prometheus_text(compute_kpis([], [], NOW))
    assert "\ncaseloop_cases 0\n" in text and "\ncaseloop_reopen_ratio " not in text


def test_prometheus_text_parses_and_carries_the_figures() -> None:
    families = {f.name: f for f in text_string_to_metric_families(
        prometheus_text(compute_kpis(CASES, AUDIT, NOW)))}
    assert all(name.startswith("caseloop_") for name in families)

    def value(name: str, **labels: str) -> float:
        family = families[name]
        return next(s.value for s in family.samples
                    if s.labels == labels and s.name == name)

    assert value("caseloop_cases") == 5
    assert value("caseloop_reopen_ratio", reason="refund") == 0.5
    assert value("caseloop_escalation_ratio", channel="whatsapp") == 0.5
    assert value("caseloop_resolved_within_ratio", within="24h") == 0.5
    assert value("caseloop_satisfaction_responses", score="5") == 1
    latency = families["caseloop_approval_latency_seconds"]
    assert latency.type == "summary"
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in latency.samples}
    assert samples[("caseloop_approval_latency_seconds", (("quantile", "0.5"),))] == 3900
    assert samples[("caseloop_approval_latency_seconds_count", ())] == 2


def test_the_terminal_report_names_every_figure() -> None:
    text = "\n".join(report_lines(compute_kpis(CASES, AUDIT, NOW)))
    for words in ("journey completion     60%", "proactive resolution   25%",
                  "verified closure       75%", "reopen rate            25%",
                  "1h 25%  24h 50%  72h 75%", "escalation rate        20%",
                  "median 65 min, p90 2.0 h (2 decided, 1 waiting)",
                  "3.5/5 (2 of 3 answered)", "By reason", "By channel", "whatsapp"):
        assert words in text, words
