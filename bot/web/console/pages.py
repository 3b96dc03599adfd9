"""The console's sign-in page, its list of cases and approvals, and its error page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.autonomy.levels import CaseTypeLevel
from bot.desk.escalations import ApprovalView, Escalation
from bot.web.console.html import age, args_list, e, hidden, page, reason_label, when

LIST_REFRESH_SECONDS = 30
OWN_LINK = ("Operators sign in with a link of their own, given by whoever runs Caseloop "
            "(caseloop operators add NAME, or caseloop operators link NAME for a new one).")


def login_page(*, next_path: str, problem: str | None = None, notice: str | None = None,
               token: str | None = None, accounts_exist: bool = False) -> str:
    """The way in: with operator accounts, their own links; before any, the admin token.

    With `token` (the link printed in the server log carries it) one click signs in.
    """
    error = f'<p class="error" role="alert">{e(problem)}</p>' if problem else ""
    if accounts_exist:
        body = (f'<section class="card narrow"><h1>Sign in</h1>{error}'
                f"<p>{e(OWN_LINK)}</p></section>")
        return page("Sign in", body, flash=notice)
    if token is None:
        intro = ("Enter the console token (<code>CASELOOP_ADMIN_TOKEN</code>, or the one printed "
                 "in the server log at start). It signs you in as admin until operators have "
                 "accounts of their own (<code>caseloop operators add NAME</code>).")
        token_field = ('<label for="token">Console token</label>'
                       '<input id="token" name="token" type="password" '
                       'autocomplete="current-password" required>')
    else:
        intro = ("The link carries the console token: it signs you in as admin until operators "
                 "have accounts of their own (<code>caseloop operators add NAME</code>).")
        token_field = hidden("token", token)
    body = (
        f'<section class="card narrow"><h1>Sign in</h1><p>{intro}</p>'
        f'{error}<form method="post" action="/console/login" class="stack">'
        f'{hidden("next", next_path)}{token_field}'
        '<button type="submit">Sign in</button></form></section>'
    )
    return page("Sign in", body, flash=notice)


def link_page(*, name: str, token: str, approver: bool) -> str:
    """A sign-in link opened: one click on the button uses it up and signs its holder in.

    A link previewer that fetches the page does not use the link; only the posted form does.
    """
    may = "approve or deny requests, " if approver else ""
    body = (
        f'<section class="card narrow"><h1>Sign in as {e(name)}</h1>'
        f"<p>This link signs you in once, in this browser. You may {e(may)}take cases over, "
        "reply to customers and hand cases back; the audit trail names you "
        f"<code>console:{e(name)}</code>.</p>"
        f'<form method="post" action="/console/sign-in" class="stack">{hidden("token", token)}'
        f'<button type="submit">Sign in as {e(name)}</button></form></section>'
    )
    return page("Sign in", body)


def cases_page(*, open_cases: list[Escalation], pending: list[Escalation], closed: list[Escalation],
               operator: str, csrf: str, now: datetime, flash: str | None = None,
               stopped: Sequence[CaseTypeLevel] = ()) -> str:
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
                refresh_seconds=LIST_REFRESH_SECONDS, stopped=stopped)


def error_page(title: str, detail: str, *, operator: str | None = None, csrf: str = "") -> str:
    """A page saying what went wrong, with a way back."""
    body = (f'<section class="card narrow"><h1>{e(title)}</h1><p>{e(detail)}</p>'
            '<p><a href="/console">Back to the cases</a></p></section>')
    return page(title, body, operator=operator, csrf=csrf)


def mode_label(case: Escalation) -> str:
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


def case_link(case: Escalation) -> str:
    """A link to the case's page."""
    return f'<a href="/console/cases/{case.id}">Case #{case.id}</a>'


def _cases_table(cases: list[Escalation], now: datetime, *, empty: str) -> str:
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


def _approvals_table(cases: list[Escalation], now: datetime) -> str:
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
