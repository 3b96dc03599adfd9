"""One case in the console: summary, approval with its forms, drafts, transcript and audit
trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.audit import AuditRecord
from bot.autonomy.levels import CaseTypeLevel
from bot.desk.escalations import ApprovalView, Escalation
from bot.runtime.transcript import Line
from bot.web.console.draft_cards import drafts_section
from bot.web.console.html import age, args_list, e, hidden, page, reason_label, speaker, when
from bot.web.console.pages import approvals_given, mode_label

REPLY_MAX_CHARS = 4000
APPROVERS_ONLY = "Only approvers can approve or deny this request."
LIVE_SECONDS = 4
"""How often an open case's page fetches its transcript and audit trail again."""


def case_page(case: Escalation, *, transcript: list[Line], audit: list[AuditRecord],
              operator: str, csrf: str, now: datetime, flash: str | None = None,
              may_decide: bool = True, editing: int | None = None,
              stopped: Sequence[CaseTypeLevel] = ()) -> str:
    """Everything about one case, and the operations that fit its state and the operator.

    `editing` is the draft whose Edit button was pressed; `stopped` the case types a guardrail
    put back in shadow mode (a banner).
    """
    body = (
        f'<p class="crumbs"><a href="/console">All cases</a> · '
        f'<a href="/console/cases/{case.id}">Refresh</a></p>'
        f"{_summary(case, now)}"
        f"{_approval(case, csrf, may_decide) if case.approval else ''}"
        f"{drafts_section(case, csrf, may_decide, editing)}"
        f"{_human_controls(case, csrf)}"
        f"{_transcript(transcript)}{_audit(audit)}"
    )
    return page(f"Case #{case.id}", body, operator=operator, csrf=csrf, flash=flash,
                live_seconds=LIVE_SECONDS if case.status == "open" else None, stopped=stopped)


def _summary(case: Escalation, now: datetime) -> str:
    channel = case.channel or "unknown"
    return (
        f'<section class="card summary"><h1>Case #{case.id}: {e(case.customer_name)}</h1>'
        '<dl class="facts">'
        f"<dt>Customer</dt><dd>{e(case.customer_name)} "
        f'<span class="tier">{e(case.customer_tier)}</span>'
        f"{f' <code>{e(case.customer_id)}</code>' if case.customer_id else ''}</dd>"
        f"<dt>Channel</dt><dd>{e(channel)}</dd>"
        f"<dt>Reason</dt><dd>{e(reason_label(case.reason))}</dd>"
        f'<dt>Sentiment</dt><dd><span class="sentiment {e(case.sentiment)}">'
        f"{e(case.sentiment)}</span></dd>"
        f'<dt>Mode</dt><dd class="mode">{e(mode_label(case))}</dd>'
        f"<dt>Opened</dt><dd>{e(when(case.created_at))} ({e(age(case.created_at, now))})</dd>"
        "</dl>"
        '<dl class="story">'
        f"<dt>Wants</dt><dd>{e(case.wants)}</dd>"
        f"<dt>Found</dt><dd>{e(case.found)}</dd>"
        f"<dt>Why a person</dt><dd>{e(case.why)}</dd>"
        "</dl></section>"
    )


def _approval(case: Escalation, csrf: str, may_decide: bool) -> str:
    approval = case.approval
    assert approval is not None
    return (
        f'<section class="card approval {e(approval.status)}" id="approval">'
        f"<h2>Approval: {e(approval.status)}</h2>"
        f'<p class="action">{e(approval.description)}</p>'
        f"<p>Action <code>{e(approval.action)}</code></p>{args_list(approval.args)}"
        f"<p>Rule <code>{e(approval.rule)}</code> · {e(approvals_given(approval))}</p>"
        f"{_decision(approval)}"
        f"{_decision_forms(approval, csrf, may_decide) if approval.status == 'pending' else ''}"
        "</section>"
    )


def _decision(approval: ApprovalView) -> str:
    if approval.status == "pending":
        expires = f"Expires {when(approval.expires_at)}." if approval.expires_at else ""
        return f'<p class="note">{e(expires)}</p>'
    lines = [f"{approval.status.capitalize()} by {approval.decided_by or 'nobody'}"
             f"{' on ' + when(approval.decided_at) if approval.decided_at else ''}."]
    if approval.reason:
        lines.append(f"Reason: {approval.reason}")
    if approval.result:
        lines.append(f"Customer told: {approval.result}")
    return "".join(f'<p class="decided">{e(text)}</p>' for text in lines)


def _decision_forms(approval: ApprovalView, csrf: str, may_decide: bool) -> str:
    if not may_decide:
        return f'<p class="note">{e(APPROVERS_ONLY)}</p>'
    fields = hidden("csrf", csrf) + hidden("digest", approval.digest)
    return (
        '<div class="decide">'
        f'<form method="post" action="/console/approvals/{approval.id}/approve">{fields}'
        '<button type="submit" class="approve">Approve</button></form>'
        f'<form method="post" action="/console/approvals/{approval.id}/deny" class="deny">'
        f'{fields}<label for="deny-reason">Reason for denying</label>'
        '<input id="deny-reason" name="reason" maxlength="500" required>'
        '<button type="submit" class="danger">Deny</button></form></div>'
    )


def _human_controls(case: Escalation, csrf: str) -> str:
    if case.status != "open":
        return '<section class="card"><p class="note">This case is closed.</p></section>'
    token = hidden("csrf", csrf)
    if case.mode != "human":
        return (
            '<section class="card"><h2>Talk to the customer</h2>'
            "<p>Take the case over to write to the customer yourself; the bot stays silent "
            "until you hand it back.</p>"
            f'<form method="post" action="/console/cases/{case.id}/take-over">{token}'
            '<button type="submit">Take over</button></form></section>')
    return (
        f'<section class="card"><h2>Talk to the customer</h2>'
        f"<p>{e(mode_label(case))}. The bot stays silent; what you send goes to the customer "
        f"on {e(case.channel or 'their channel')}.</p>"
        f'<form method="post" action="/console/cases/{case.id}/reply" class="stack">{token}'
        '<label for="reply-text">Reply</label>'
        f'<textarea id="reply-text" name="text" rows="3" maxlength="{REPLY_MAX_CHARS}" required>'
        '</textarea><button type="submit">Send</button></form>'
        f'<form method="post" action="/console/cases/{case.id}/hand-back">{token}'
        '<button type="submit" class="secondary">Hand back to the bot</button></form></section>')


def _transcript(lines: list[Line]) -> str:
    if not lines:
        return ('<section class="card" id="transcript"><h2>Transcript</h2>'
                '<p class="empty">No messages.</p></section>')
    items = "".join(
        f'<li class="line {e(_role_class(line.role))}"><span class="meta">'
        f'<span class="speaker">{e(speaker(line.role))}</span> '
        f'<span class="channel">{e(line.channel)}</span> '
        f'<time datetime="{e(line.at)}">{e(when(line.at, seconds=True))}</time></span>'
        f'<span class="text">{e(line.text)}</span></li>'
        for line in lines)
    return ('<section class="card" id="transcript"><h2>Transcript</h2>'
            f'<ol class="transcript">{items}</ol></section>')


def _audit(records: list[AuditRecord]) -> str:
    if not records:
        return ('<section class="card" id="audit"><h2>Audit trail</h2>'
                '<p class="empty">Nothing yet.</p></section>')
    rows = "".join(
        f'<tr><td>{e(when(record.at, seconds=True))}</td><td>{e(record.actor)}</td>'
        f"<td><code>{e(record.action)}</code>{args_list(record.args)}</td>"
        f"<td>{f'<code>{e(record.rule)}</code>' if record.rule else ''}</td>"
        f'<td><span class="outcome {e(record.outcome)}">{e(record.outcome)}</span></td>'
        f"<td>{args_list(record.detail) if record.detail else ''}</td></tr>"
        for record in records)
    return ('<section class="card" id="audit"><h2>Audit trail</h2><table class="audit"><thead><tr>'
            "<th>When</th><th>Who</th><th>Action</th><th>Rule</th><th>Outcome</th>"
            f"<th>Detail</th></tr></thead><tbody>{rows}</tbody></table></section>")


def _role_class(role: str) -> str:
    return "agent" if role.startswith("agent:") else role
