"""The console's sign-in page, its list of cases and approvals, and its error page."""

from __future__ import annotations

from datetime import datetime

from bot.console.auth import NAME_RULE
from bot.console.html import age, args_list, e, hidden, page, reason_label, when
from bot.escalations import ApprovalView, CaseView

LIST_REFRESH_SECONDS = 30


def login_page(*, next_path: str, name: str = "", problem: str | None = None,
               notice: str | None = None, token: str | None = None) -> str:
    """The sign-in form: the admin token and the operator's name.

    With `token` (the link printed in the server log carries it) only the name is asked for.
    """
    error = f'<p class="error" role="alert">{e(problem)}</p>' if problem else ""
    if token is None:
        intro = ("Enter the console token (<code>CASELOOP_ADMIN_TOKEN</code>, or the one printed "
                 "in the server log at start) and your name; your name goes into the audit trail.")
        token_field = ('<label for="token">Console token</label>'
                       '<input id="token" name="token" type="password" '
                       'autocomplete="current-password" required>')
    else:
        intro = "The link carries the console token. Your name goes into the audit trail."
        token_field = hidden("token", token)
    body = (
        f'<section class="card narrow"><h1>Sign in</h1><p>{intro}</p>'
        f'{error}<form method="post" action="/console/login" class="stack">'
        f'{hidden("next", next_path)}{token_field}'
        '<label for="name">Your name</label>'
        f'<input id="name" name="name" value="{e(name)}" maxlength="40" autocomplete="username" '
        f'required title="{e(NAME_RULE)}">'
        '<button type="submit">Sign in</button></form></section>'
    )
    return page("Sign in", body, flash=notice)


def cases_page(*, open_cases: list[CaseView], pending: list[CaseView], closed: list[CaseView],
               operator: str, csrf: str, now: datetime, flash: str | None = None) -> str:
    """Open cases and pending approvals, newest first, with recently closed cases below."""
    body = (
        f'<section class="card"><h1>Pending approvals <span class="count">{len(pending)}</span>'
        f"</h1>{_approvals_table(pending, now)}</section>"
        f'<section class="card"><h1>Open cases <span class="count">{len(open_cases)}</span>'
        f"</h1>{_cases_table(open_cases, now, empty='No open cases.')}</section>"
        '<section class="card"><h2>Recently closed</h2>'
        f"{_cases_table(closed, now, empty='No closed cases yet.')}</section>"
        '<p class="more"><a href="/console/kpis">KPIs: resolution, reopens, escalations, '
        "satisfaction</a></p>"
    )
    return page("Cases", body, operator=operator, csrf=csrf, flash=flash,
                refresh_seconds=LIST_REFRESH_SECONDS)


def error_page(title: str, detail: str, *, operator: str | None = None, csrf: str = "") -> str:
    """A page saying what went wrong, with a way back."""
    body = (f'<section class="card narrow"><h1>{e(title)}</h1><p>{e(detail)}</p>'
            '<p><a href="/console">Back to the cases</a></p></section>')
    return page(title, body, operator=operator, csrf=csrf)


def mode_label(case: CaseView) -> str:
    """Who answers the customer now."""
    if case.status != "open":
        return "Closed"
    return f"Taken over by {case.taken_by}" if case.mode == "human" else "Bot"


def approvals_given(approval: ApprovalView) -> str:
    """`1 of 2 approvals (console:ana)`."""
    given = len(approval.approved_by)
    noun = "approval" if approval.approvers_needed == 1 else "approvals"
    names = f" ({', '.join(approval.approved_by)})" if approval.approved_by else ""
    return f"{given} of {approval.approvers_needed} {noun}{names}"


def case_link(case: CaseView) -> str:
    """A link to the case's page."""
    return f'<a href="/console/cases/{case.id}">Case #{case.id}</a>'


def _cases_table(cases: list[CaseView], now: datetime, *, empty: str) -> str:
    if not cases:
        return f'<p class="empty">{e(empty)}</p>'
    rows = "".join(
        f'<tr data-case="{case.id}"><td>{case_link(case)}</td>'
        f"<td>{e(case.customer_name)} <span class=\"tier\">{e(case.customer_tier)}</span></td>"
        f"<td>{e(reason_label(case.reason))}</td>"
        f'<td><span class="sentiment {e(case.sentiment)}">{e(case.sentiment)}</span></td>'
        f"<td>{e(mode_label(case))}</td>"
        f'<td title="{e(when(case.created_at))}">{e(age(case.created_at, now))}</td></tr>'
        for case in cases)
    return ('<table class="cases"><thead><tr><th>Case</th><th>Customer</th><th>Reason</th>'
            "<th>Sentiment</th><th>Mode</th><th>Age</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _approvals_table(cases: list[CaseView], now: datetime) -> str:
    rows = "".join(
        f'<tr data-approval="{case.approval.id}"><td>{case_link(case)}</td>'
        f"<td>{e(case.customer_name)} <span class=\"tier\">{e(case.customer_tier)}</span></td>"
        f'<td><p class="action">{e(case.approval.description)}</p>'
        f"<code>{e(case.approval.action)}</code>{args_list(case.approval.args)}</td>"
        f"<td><code>{e(case.approval.rule)}</code></td>"
        f"<td>{e(approvals_given(case.approval))}</td>"
        f'<td title="{e(when(case.approval.created_at))}">'
        f"{e(age(case.approval.created_at, now))}</td></tr>"
        for case in cases if case.approval is not None)
    if not rows:
        return '<p class="empty">Nothing is waiting for a decision.</p>'
    return ('<table class="approvals"><thead><tr><th>Case</th><th>Customer</th>'
            "<th>Action</th><th>Rule</th><th>Approvals</th><th>Waiting</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
