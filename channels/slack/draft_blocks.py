"""Block Kit for shadow mode's drafts: one thread message per draft, and its Edit and Reject forms.

Pure functions, like `blocks`: a draft's message shows the customer's message, the draft reply,
the proposed action with its exact arguments and the policy rule that chose it, and while the
draft waits, the buttons **Send**, **Edit** and **Reject**. Rendered again once decided, it shows
who sent, edited or rejected it, when, and what the customer was told, and the buttons are gone.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.desk.drafts import LABELS
from channels.slack.block_kit import (
    MAX_MODAL_TEXT,
    button,
    cut,
    escape,
    mrkdwn,
    plain,
    section,
    when,
    who,
)
from channels.slack.blocks import call_text

if TYPE_CHECKING:
    from bot.desk.drafts import Draft

SEND = "caseloop_draft_send"
EDIT = "caseloop_draft_edit"
REJECT = "caseloop_draft_reject"
EDIT_FORM = "caseloop_draft_edit_form"
"""The `callback_id` of the form with the draft's text to edit and send."""
REJECT_FORM = "caseloop_draft_reject_form"
"""The `callback_id` of the form asking why a draft is rejected."""
TEXT_BLOCK, TEXT_INPUT = "draft_text", "draft_text_input"
LABEL_BLOCK, LABEL_INPUT = "draft_label", "draft_label_input"
NOTE_BLOCK, NOTE_INPUT = "draft_note", "draft_note_input"
DRAFT_BLOCK = "draft_"
"""Before the draft's id, the `block_id` of its message's first block: how its message is
found in a thread."""

MAX_INPUT = 3000
"""Slack's limit on a text input's length."""
MAX_NOTE = 1000
OUTCOMES = {"done": "done", "failed": "it failed", "unverified": "not confirmed by the backend",
            "sent": "sent"}


def draft_message(draft: Draft) -> dict[str, Any]:
    """A draft's message in its case's thread: `text` (for notifications) and `blocks`."""
    return {"text": f"Draft to review ({_kind(draft)}): {escape(cut(draft.reply, 200))}",
            "blocks": draft_blocks(draft)}


def draft_blocks(draft: Draft) -> list[dict[str, Any]]:
    """What the draft is about, what it would say and do, then its buttons or its outcome."""
    blocks: list[dict[str, Any]] = [
        {"type": "context", "block_id": f"{DRAFT_BLOCK}{draft.id}", "elements": [mrkdwn(
            f":memo: *Draft #{draft.id}* · {escape(_kind(draft))} · shadow mode: nothing "
            "reaches the customer until a person releases it")]},
        section(f"*The customer wrote:*\n{_quoted(draft.customer_text or '(no text)')}"),
        section(f"*Draft reply:*\n{_quoted(draft.reply)}"),
    ]
    if draft.action:
        blocks += [
            section(f"*Proposed action:* {escape(draft.description or draft.action)}\n"
                     f"```{escape(call_text(draft.action, draft.args))}```"),
            {"type": "context", "elements": [mrkdwn(
                f"Policy rule `{escape(draft.rule or '-')}` · Send carries the action out; only "
                "an approver can send it")]},
        ]
    if draft.status == "pending":
        value = str(draft.id)
        blocks.append({"type": "actions", "block_id": f"{DRAFT_BLOCK}{draft.id}_buttons",
                       "elements": [button("Send", SEND, value, "primary"),
                                    button("Edit", EDIT, value),
                                    button("Reject", REJECT, value, "danger")]})
    else:
        blocks += [section(line) for line in _outcome(draft)]
    return blocks


def edit_form(draft: Draft, channel: str, thread_ts: str | None) -> dict[str, Any]:
    """The modal with the draft's text to edit; what is submitted goes to the customer."""
    action = (f"\nSending also does: *{escape(draft.description or draft.action)}* "
              f"`{escape(call_text(draft.action, draft.args))}`" if draft.action else "")
    return {
        **_form(EDIT_FORM, draft, channel, thread_ts, "Edit the draft", "Send"),
        "blocks": [
            section(f"The customer wrote:\n{_quoted(draft.customer_text or '(no text)')}"
                     f"{action}"),
            {"type": "input", "block_id": TEXT_BLOCK,
             "label": plain("What the customer receives", MAX_INPUT),
             "element": {"type": "plain_text_input", "action_id": TEXT_INPUT, "multiline": True,
                         "initial_value": draft.reply[:MAX_INPUT], "max_length": MAX_INPUT}},
        ],
    }


def reject_form(draft: Draft, channel: str, thread_ts: str | None) -> dict[str, Any]:
    """The modal asking why a draft is rejected: one of the labels, and a note."""
    options = [{"text": plain(label), "value": label} for label in LABELS]
    return {
        **_form(REJECT_FORM, draft, channel, thread_ts, "Reject the draft", "Reject"),
        "blocks": [
            section(f"You are rejecting:\n{_quoted(draft.reply)}\nNothing is sent or done, and "
                     "you answer the customer yourself in this thread."),
            {"type": "input", "block_id": LABEL_BLOCK, "label": plain("What was wrong"),
             "element": {"type": "static_select", "action_id": LABEL_INPUT,
                         "placeholder": plain("Pick a label"), "options": options}},
            {"type": "input", "block_id": NOTE_BLOCK, "optional": True,
             "label": plain("Note (for the team, never sent to the customer)"),
             "element": {"type": "plain_text_input", "action_id": NOTE_INPUT,
                         "multiline": True, "max_length": MAX_NOTE}},
        ],
    }


def _form(callback_id: str, draft: Draft, channel: str, thread_ts: str | None, title: str,
          submit: str) -> dict[str, Any]:
    metadata = {"draft": draft.id, "channel": channel, "thread_ts": thread_ts}
    return {"type": "modal", "callback_id": callback_id,
            "private_metadata": json.dumps(metadata),
            "title": plain(title, MAX_MODAL_TEXT), "submit": plain(submit, MAX_MODAL_TEXT),
            "close": plain("Cancel", MAX_MODAL_TEXT)}


def _outcome(draft: Draft) -> list[str]:
    decided = f"{who(draft.decided_by)} · {when(draft.decided_at)}"
    if draft.status == "rejected":
        note = f": “{escape(draft.note)}”" if draft.note else ""
        return [f":no_entry_sign: *Rejected* by {decided} · *{escape(draft.label or '-')}*"
                f"{note}", f"Nothing was sent or done; {who(draft.decided_by)} answers the "
                "customer."]
    lines = [f":pencil2: *Edited and sent* by {decided}" if draft.status == "edited"
             else f":white_check_mark: *Sent* by {decided}"]
    if draft.action and draft.outcome:
        lines[0] += f" · {escape(draft.action)}: {OUTCOMES.get(draft.outcome, draft.outcome)}"
    if draft.result:
        lines.append(f"Customer told: “{escape(draft.result)}”")
    return lines


def _kind(draft: Draft) -> str:
    return draft.case_type.replace("_", " ")


def _quoted(text: str) -> str:
    return "\n".join(f">{line}" for line in escape(text).splitlines() or [""])
