"""A case's shadow drafts in the console: what the customer wrote, what the bot would say and
do, and, while a draft waits, Send, Edit and Reject.

Edit is a button that opens the draft's text in a form on the page (`?edit=<draft id>`), so it
works without a script; the edited text goes out only when that form is sent.
"""

from __future__ import annotations

from bot.desk.drafts import LABELS, Draft
from bot.desk.escalations import Escalation
from bot.desk.shadow import MAX_TEXT
from bot.web.console.html import args_list, case_type_label, e, hidden, when

NOTE_MAX_CHARS = 500
ACTION_APPROVERS_ONLY = ("This draft carries an action: only approvers can send or edit it. "
                         "You can reject it and answer the customer yourself.")
STATUS_WORDS = {"pending": "waiting for a person", "sent": "sent as drafted",
                "edited": "sent edited", "rejected": "rejected"}


def drafts_section(case: Escalation, csrf: str, may_approve: bool,
                   editing: int | None = None) -> str:
    """The case's drafts, oldest first (nothing for a case without any).

    Args:
        may_approve: The operator is an approver: they may release a draft's action.
        editing: The draft whose Edit button was pressed: its text is shown in a form.
    """
    if not case.drafts:
        return ""
    waiting = len(case.waiting_drafts)
    cards = "".join(_card(draft, case.id, csrf, may_approve, editing == draft.id)
                    for draft in case.drafts)
    return (f'<section class="card" id="drafts"><h2>Drafts <span class="count">{waiting} '
            f'waiting</span></h2>{cards}</section>')


def _card(draft: Draft, case_id: int, csrf: str, may_approve: bool, editing: bool) -> str:
    status = STATUS_WORDS.get(draft.status, draft.status)
    return (
        f'<article class="draft {e(draft.status)}" id="draft-{draft.id}">'
        f"<h3>Draft #{draft.id}: {e(case_type_label(draft.case_type))} · {e(status)}</h3>"
        '<dl class="story">'
        f'<dt>Customer wrote</dt><dd class="customer-text">{e(draft.customer_text)}</dd>'
        f'<dt>Draft reply</dt><dd class="draft-reply">{e(draft.reply)}</dd></dl>'
        f"{_action(draft)}{_decided(draft)}"
        f"{_forms(draft, case_id, csrf, may_approve, editing) if draft.status == 'pending' else ''}"
        "</article>"
    )


def _action(draft: Draft) -> str:
    if not draft.action:
        return '<p class="note">No action: a reply only.</p>'
    return (f'<div class="proposed"><p class="action">{e(draft.description or draft.action)}</p>'
            f"<p>Action <code>{e(draft.action)}</code></p>{args_list(draft.args)}"
            f"<p>Rule <code>{e(draft.rule or 'none')}</code></p></div>")


def _decided(draft: Draft) -> str:
    if draft.status == "pending":
        return ""
    on = f" on {when(draft.decided_at)}" if draft.decided_at else ""
    who = draft.decided_by or "someone"
    lines = []
    if draft.status == "rejected":
        lines.append(f"Rejected by {who}{on}: {draft.label}.")
        if draft.note:
            lines.append(f"Note: {draft.note}")
    else:
        lines.append(f"{'Edited' if draft.status == 'edited' else 'Sent'} by {who}{on}.")
        if draft.status == "edited" and draft.sent_text:
            lines.append(f"Sent instead: {draft.sent_text}")
        if draft.action:
            lines.append(f"Action outcome: {draft.outcome or 'not known yet'}.")
        lines.append(f"Customer told: {draft.result}" if draft.result
                     else "Being delivered to the customer.")
    return "".join(f'<p class="decided">{e(text)}</p>' for text in lines)


def _forms(draft: Draft, case_id: int, csrf: str, may_approve: bool, editing: bool) -> str:
    token = hidden("csrf", csrf)
    target = f"/console/drafts/{draft.id}"
    if draft.action and not may_approve:
        release = f'<p class="note">{e(ACTION_APPROVERS_ONLY)}</p>'
    elif editing:
        release = (
            f'<form method="post" action="{target}/send">{token}'
            '<button type="submit" class="approve">Send</button></form>'
            f'<form method="post" action="{target}/edit" class="stack edit">{token}'
            f'<label for="edit-{draft.id}">The text the customer gets instead</label>'
            f'<textarea id="edit-{draft.id}" name="text" rows="4" maxlength="{MAX_TEXT}" '
            f'required>{e(draft.reply)}</textarea>'
            '<button type="submit">Send edited reply</button>'
            f'<a href="/console/cases/{case_id}#draft-{draft.id}">Cancel</a></form>')
    else:
        release = (
            f'<form method="post" action="{target}/send">{token}'
            '<button type="submit" class="approve">Send</button></form>'
            f'<form method="get" action="/console/cases/{case_id}#draft-{draft.id}">'
            f'{hidden("edit", draft.id)}<button type="submit" class="secondary">Edit</button>'
            "</form>")
    options = "".join(f'<option value="{e(label)}">{e(label)}</option>' for label in LABELS)
    reject = (
        f'<form method="post" action="{target}/reject" class="reject">{token}'
        f'<label for="reject-label-{draft.id}">Why</label>'
        f'<select id="reject-label-{draft.id}" name="label" required>'
        f'<option value="">Pick a label</option>{options}</select>'
        f'<label for="reject-note-{draft.id}">Note</label>'
        f'<input id="reject-note-{draft.id}" name="note" maxlength="{NOTE_MAX_CHARS}">'
        '<button type="submit" class="danger">Reject</button></form>')
    return f'<div class="decide">{release}{reject}</div>'
