"""The console's KPI page: the figures a support lead reads, drawn as inline SVG charts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.autonomy.levels import CaseTypeLevel
from bot.cases.kpi_export import duration, percent, report_lines
from bot.cases.kpis import WITHIN, Figures, KpiReport
from bot.web.console.charts import BAR_COLOR, WARN_COLOR, bar_chart
from bot.web.console.html import case_type_label, e, page, when

RATES = (
    ("journey_completion_rate", "Journey completion", BAR_COLOR),
    ("proactive_resolution_rate", "Proactive resolution", BAR_COLOR),
    ("verified_closure_rate", "Verified closure", BAR_COLOR),
    ("reopen_rate", "Reopened", WARN_COLOR),
    ("escalation_rate", "Escalated", WARN_COLOR),
)
REFRESH_SECONDS = 60


def kpi_page(report: KpiReport, *, operator: str, csrf: str,
             stopped: Sequence[CaseTypeLevel] = ()) -> str:
    """The whole page: overall charts, then the same figures by reason code and by channel."""
    overall = report.overall
    body = (
        '<section class="card"><h1>KPIs</h1>'
        f"<p>From {overall.cases} stored cases and the audit log, at "
        f"{e(when(report.generated_at))}. <a href=\"/console\">Back to the cases</a></p>"
        f'<div class="charts">{_rates_chart("overall", overall)}'
        f"{_resolution_chart('overall', overall)}{_satisfaction_chart('overall', overall)}"
        f"</div>{_approvals(overall)}</section>"
        f'<section class="card"><h2>By reason</h2>{_groups("reason", report.by_reason)}'
        "</section>"
        f'<section class="card"><h2>By channel</h2>{_groups("channel", report.by_channel)}'
        "</section>"
        f'<section class="card"><h2>As text</h2><pre id="report-text">'
        f"{e(chr(10).join(report_lines(report)))}</pre></section>"
    )
    return page("KPIs", body, operator=operator, csrf=csrf, refresh_seconds=REFRESH_SECONDS,
                stopped=stopped)


def _rates_chart(scope: str, f: Figures) -> str:
    bars = [(name, label, getattr(f, name), percent(getattr(f, name)), color)
            for name, label, color in RATES]
    return bar_chart(f"rates-{scope}", "Rates", bars)


def _resolution_chart(scope: str, f: Figures) -> str:
    bars = [(f"resolved_within_{label}", f"Resolved within {label}", f.resolved_within[label],
             percent(f.resolved_within[label]), BAR_COLOR) for label, _ in WITHIN]
    return bar_chart(f"resolution-{scope}", f"Time to resolution ({f.resolved} resolved)", bars)


def _satisfaction_chart(scope: str, f: Figures) -> str:
    counts = f.satisfaction.distribution
    most = max([*counts.values(), 1])
    bars = [(f"satisfaction_{score}", f"Rated {score}", count / most, str(count), BAR_COLOR)
            for score, count in counts.items()]
    average = "no answers yet" if f.satisfaction.average is None else (
        f"average {f.satisfaction.average:.1f} of 5, {f.satisfaction.answered} of "
        f"{f.satisfaction.asked} answered")
    return bar_chart(f"satisfaction-{scope}", f"Satisfaction ({average})", bars)


def _approvals(f: Figures) -> str:
    latency = f.approval_latency
    return ('<p id="approval-latency">Approval latency: median '
            f"<strong>{e(duration(latency.median_seconds))}</strong>, 90th percentile "
            f"<strong>{e(duration(latency.p90_seconds))}</strong> "
            f"({latency.decided} decided, {latency.waiting} waiting).</p>")


def _groups(kind: str, groups: dict[str, Figures]) -> str:
    if not groups:
        return '<p class="empty">No cases yet.</p>'
    rows = "".join(
        f'<tr data-{kind}="{e(name)}"><th scope="row">{e(_named(kind, name))}</th>'
        f"<td>{f.cases}</td>"
        + "".join(f"<td>{percent(getattr(f, metric))}</td>" for metric, _, _ in RATES)
        + f"<td>{percent(f.resolved_within['24h'])}</td>"
        f"<td>{duration(f.approval_latency.median_seconds)}</td>"
        f"<td>{'-' if f.satisfaction.average is None else f'{f.satisfaction.average:.1f}'}</td>"
        "</tr>"
        for name, f in groups.items())
    heads = "".join(f"<th>{label}</th>" for _, label, _ in RATES)
    table = (f'<table class="kpis" id="by-{kind}"><thead><tr><th>{kind.capitalize()}</th>'
             f"<th>Cases</th>{heads}<th>Within 24 h</th><th>Approval (median)</th>"
             f"<th>Satisfaction</th></tr></thead><tbody>{rows}</tbody></table>")
    charts = "".join(
        bar_chart(f"rates-{kind}-{name}", f"{_named(kind, name)}: {_cases(f.cases)}",
                   [(metric, label, getattr(f, metric), percent(getattr(f, metric)), color)
                    for metric, label, color in RATES])
        for name, f in groups.items())
    return f'{table}<div class="charts">{charts}</div>'


def _named(kind: str, name: str) -> str:
    """A group's name as people read it: a reason in words (`address_change`: Address
    change), a channel as it is."""
    return case_type_label(name) if kind == "reason" else name


def _cases(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"
