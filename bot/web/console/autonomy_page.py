"""The console's autonomy page: each case type's level and where it comes from, how its drafts
fared with people over a window (with a chart), what that recommends, and the button that
promotes it or puts it back in shadow."""

from __future__ import annotations

from collections.abc import Sequence

from bot.autonomy.levels import GUARDRAIL, CaseTypeLevel
from bot.autonomy.readiness import CaseTypeReadiness
from bot.cases.kpi_export import duration, percent
from bot.web.console.charts import BAD_COLOR, BAR_COLOR, OK_COLOR, stacked_chart
from bot.web.console.html import case_type_label, e, hidden, page, when

REASON_MAX_CHARS = 500
APPROVERS_ONLY = "Only approvers can promote a case type or put it back in shadow."


def autonomy_page(states: Sequence[CaseTypeLevel], figures: Sequence[CaseTypeReadiness], *,
                  days: float, operator: str, csrf: str, may_change: bool,
                  flash: str | None = None, stopped: Sequence[CaseTypeLevel] = ()) -> str:
    """Levels, readiness and the chart, one row per case type (in the order of `states`)."""
    by_type = {f.case_type: f for f in figures}
    rows = "".join(_row(state, by_type.get(state.case_type), csrf, may_change)
                   for state in states)
    note = "" if may_change else f'<p class="note">{e(APPROVERS_ONLY)}</p>'
    body = (
        '<section class="card"><h1>Autonomy by case type</h1>'
        "<p>A case type in <strong>shadow</strong> mode drafts its replies and actions for a "
        "person to send, edit or reject; an <strong>autonomous</strong> one answers and acts on "
        "its own, under its guardrails. Promoting a case type is a deliberate act: this page's "
        "button or the policy file, and it is in the audit log.</p>"
        f'{note}<div class="scroll"><table class="autonomy"><thead><tr><th>Case type</th>'
        "<th>Level</th>"
        f"<th>Drafts ({e(_days(days))})</th><th>Sent unchanged</th><th>Edited</th>"
        "<th>Rejected</th><th>Pending</th><th>Median time to release</th>"
        "<th>Recommendation</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></section>"
        f'<section class="card"><h2>Drafts by what people did with them</h2>'
        f"{_chart(states, by_type, days)}</section>"
    )
    return page("Autonomy", body, operator=operator, csrf=csrf, flash=flash, stopped=stopped)


def _row(state: CaseTypeLevel, f: CaseTypeReadiness | None, csrf: str, may_change: bool) -> str:
    figures = ('<td colspan="6" class="empty">No figures.</td>' if f is None else
               f"<td>{f.drafts}</td>"
               f'<td>{f.sent_unchanged} <span class="rate">({percent(f.unchanged_rate)})</span>'
               f"</td><td>{f.edited}</td><td>{_rejected(f.rejected)}</td><td>{f.pending}</td>"
               f"<td>{e(duration(f.median_release_seconds))}</td>")
    recommendation = "" if f is None else (
        f'<span class="recommendation{" ready" if f.ready else ""}">{e(f.recommendation)}</span>')
    return (
        f'<tr data-case-type="{e(state.case_type)}">'
        f'<th scope="row">{e(case_type_label(state.case_type))}</th>'
        f'<td><span class="level {e(state.level)}">{e(state.level)}</span>'
        f'<p class="source">{e(source(state))}</p>'
        f"{_change_form(state, csrf) if may_change else ''}</td>"
        f"{figures}<td>{recommendation}</td></tr>"
    )


def source(state: CaseTypeLevel) -> str:
    """Where a case type's level comes from, in words."""
    on = f" on {when(state.set_at)}" if state.set_at else ""
    why = f": {state.reason}" if state.reason else ""
    if state.set_by is None:
        return "As configured (policy file or CASELOOP_AUTONOMY)"
    if state.set_by == GUARDRAIL:
        return f"Put in shadow by a guardrail{on}{why}"
    done = "Promoted" if state.level == "autonomous" else "Put in shadow"
    return f"{done} by {state.set_by}{on}{why} (configured: {state.configured})"


def _rejected(by_label: dict[str, int]) -> str:
    total = sum(by_label.values())
    if not total:
        return "0"
    labels = "".join(f"<li>{e(label)}: {count}</li>" for label, count in by_label.items())
    return f'{total}<ul class="labels">{labels}</ul>'


def _change_form(state: CaseTypeLevel, csrf: str) -> str:
    promote = state.level == "shadow"
    level, words = ("autonomous", "Promote to autonomous") if promote else (
        "shadow", "Put back in shadow")
    field = f"reason-{state.case_type}"
    return (
        f'<form method="post" action="/console/autonomy/{e(state.case_type)}" class="stack change">'
        f'{hidden("csrf", csrf)}{hidden("level", level)}'
        f'<label for="{e(field)}">Why (for the audit log)</label>'
        f'<input id="{e(field)}" name="reason" maxlength="{REASON_MAX_CHARS}">'
        f'<button type="submit" class="{"approve" if promote else "secondary"}">{words}</button>'
        "</form>")


def _chart(states: Sequence[CaseTypeLevel], by_type: dict[str, CaseTypeReadiness],
           days: float) -> str:
    stacks = []
    for state in states:
        f = by_type.get(state.case_type)
        if f is None:
            continue
        stacks.append((state.case_type, case_type_label(state.case_type), (
            ("sent", "sent unchanged", f.sent_unchanged, OK_COLOR),
            ("edited", "edited", f.edited, BAR_COLOR),
            ("rejected", "rejected", sum(f.rejected.values()), BAD_COLOR))))
    return stacked_chart("drafts-by-decision", f"Drafts decided, {_days(days)}", stacks)


def _days(days: float) -> str:
    return "last day" if days == 1 else f"last {days:g} days"
