"""The console's KPI page: the figures a support lead reads, drawn as inline SVG charts.

No script and nothing loaded from elsewhere: each chart is an `<svg>` in the page, each bar
carries its figure in `data-metric` / `data-value` and as text beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.cases.kpi_export import duration, percent, report_lines
from bot.cases.kpis import WITHIN, Figures, KpiReport
from bot.web.console.html import e, page, when

BAR_COLOR = "#2f6fed"
WARN_COLOR = "#d9822b"
TRACK_COLOR = "#eef1f7"
TEXT_COLOR = "#1c2330"
LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT = 190, 300, 28
RATES = (
    ("journey_completion_rate", "Journey completion", BAR_COLOR),
    ("proactive_resolution_rate", "Proactive resolution", BAR_COLOR),
    ("verified_closure_rate", "Verified closure", BAR_COLOR),
    ("reopen_rate", "Reopened", WARN_COLOR),
    ("escalation_rate", "Escalated", WARN_COLOR),
)
REFRESH_SECONDS = 60

Bar = tuple[str, str, float | None, str, str]
"""Metric name, label, value (None: no data), the value as text, color."""


def kpi_page(report: KpiReport, *, operator: str, csrf: str) -> str:
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
    return page("KPIs", body, operator=operator, csrf=csrf, refresh_seconds=REFRESH_SECONDS)


def _rates_chart(scope: str, f: Figures) -> str:
    bars = [(name, label, getattr(f, name), percent(getattr(f, name)), color)
            for name, label, color in RATES]
    return _bar_chart(f"rates-{scope}", "Rates", bars)


def _resolution_chart(scope: str, f: Figures) -> str:
    bars = [(f"resolved_within_{label}", f"Resolved within {label}", f.resolved_within[label],
             percent(f.resolved_within[label]), BAR_COLOR) for label, _ in WITHIN]
    return _bar_chart(f"resolution-{scope}", f"Time to resolution ({f.resolved} resolved)", bars)


def _satisfaction_chart(scope: str, f: Figures) -> str:
    counts = f.satisfaction.distribution
    most = max([*counts.values(), 1])
    bars = [(f"satisfaction_{score}", f"Rated {score}", count / most, str(count), BAR_COLOR)
            for score, count in counts.items()]
    average = "no answers yet" if f.satisfaction.average is None else (
        f"average {f.satisfaction.average:.1f} of 5, {f.satisfaction.answered} of "
        f"{f.satisfaction.asked} answered")
    return _bar_chart(f"satisfaction-{scope}", f"Satisfaction ({average})", bars)


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
        f'<tr data-{kind}="{e(name)}"><th scope="row">{e(name)}</th><td>{f.cases}</td>'
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
        _bar_chart(f"rates-{kind}-{name}", f"{name}: {_cases(f.cases)}",
                   [(metric, label, getattr(f, metric), percent(getattr(f, metric)), color)
                    for metric, label, color in RATES])
        for name, f in groups.items())
    return f'{table}<div class="charts">{charts}</div>'


def _bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> str:
    height = ROW_HEIGHT * len(bars) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 70
    rows = []
    for index, (metric, label, value, text, color) in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = 0 if value is None else round(max(0.0, min(1.0, value)) * BAR_WIDTH, 1)
        data = "" if value is None else f' data-value="{value}"'
        rows.append(
            f'<g data-metric="{e(metric)}"{data}>'
            f'<text x="0" y="{y + 17}" font-size="13" fill="{TEXT_COLOR}">{e(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="18" rx="3" '
            f'fill="{TRACK_COLOR}"/>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="18" '
            f'rx="3" fill="{color}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 17}" font-size="13" '
            f'fill="{TEXT_COLOR}">{e(text)}</text></g>')
    return (f'<figure class="chart" id="{e(chart_id)}"><figcaption>{e(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{e(title)}">'
            f"{''.join(rows)}</svg></figure>")


def _cases(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"
