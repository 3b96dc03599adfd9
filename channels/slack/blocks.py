"""Block Kit for escalated cases: the thread's parent message, its notes and the deny form.

Shadow mode's drafts have their own messages in the thread (`draft_blocks`); the parent says how
many wait.

Pure functions from the desk's views to the arguments of `chat.postMessage`, `chat.update` and
`views.open`; no I/O. Everything that came from a customer or the model is escaped, so a message
reading `<!channel>` cannot ping a channel. The parent is rendered from the case as it stands, so
re-rendering after any change shows the current state: who decided, when and the outcome, and
only the buttons that still apply.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from channels.slack.block_kit import (
    MAX_HEADER,
    MAX_LABEL,
    MAX_MODAL_TEXT,
    button,
    escape,
    mrkdwn,
    plain,
    section,
    when,
    who,
)

if TYPE_CHECKING:
    from bot.desk.escalations import ApprovalView, Escalation

APPROVE = "caseloop_approve"
DENY = "caseloop_deny"
TAKE_OVER = "caseloop_take_over"
HAND_BACK = "caseloop_hand_back"
DENY_FORM = "caseloop_deny_form"
"""The `callback_id` of the form asking why a request is denied."""
REASON_BLOCK = "reason"
REASON_INPUT = "reason_input"
HANDBACK_COMMAND = "/handback"

MAX_REASON = 500

REASON_TITLES = {
    "approval": "Approval needed",
    "shadow": "Shadow mode: a draft to review",
    "asked_for_person": "The customer asked for a person",
    "frustration": "The customer is frustrated",
    "safety": "A safety concern: fire, smoke, an injury or a danger",
    "backend_error": "The bot hit an error it cannot recover from",
}
SENTIMENTS = {
    "calm": ":large_green_circle: calm",
    "frustrated": ":large_orange_circle: frustrated",
    "upset": ":red_circle: upset",
}
CHANNEL_NAMES = {"webchat": "Web chat", "whatsapp": "WhatsApp", "telegram": "Telegram"}
SUGGESTION_LABEL = ":bulb: *Suggestion for you (not sent to the customer)*"
INTERNAL_LABEL = ":lock: *Internal note*"


def case_message(case: Escalation, event: str | None = None,
                 now: datetime | None = None) -> dict[str, Any]:
    """The parent message of a case's thread: `text` (for notifications) and `blocks`.

    `event` is the change being shown (`taken_over`, `handed_back`...): it dates that change
    with `now`, for which the case itself keeps no time.
    """
    return {"text": case_summary(case), "blocks": case_blocks(case, event, now)}


def case_summary(case: Escalation) -> str:
    """One line for notifications and clients that show no blocks."""
    title = REASON_TITLES.get(case.reason, case.reason)
    line = f"Case #{case.id}, {escape(case.customer_name)}: {escape(title)}"
    if case.approval is not None:
        line += f" ({escape(case.approval.description)})"
    return line


def case_blocks(case: Escalation, event: str | None = None,
                now: datetime | None = None) -> list[dict[str, Any]]:
    """The parent's blocks: summary, customer, proposed action, outcome so far, buttons."""
    title = REASON_TITLES.get(case.reason, case.reason)
    channel = CHANNEL_NAMES.get(case.channel or "", case.channel or "-")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"Case #{case.id}: {title}", MAX_HEADER)},
        section(f"*Wants:* {escape(case.wants)}\n*Found:* {escape(case.found)}\n"
                 f"*Why:* {escape(case.why)}"),
        {"type": "section", "fields": [
            mrkdwn(f"*Customer*\n{escape(case.customer_name)}"),
            mrkdwn(f"*Tier*\n{escape(case.customer_tier)}"),
            mrkdwn(f"*Channel*\n{escape(channel)}"),
            mrkdwn(f"*Mood*\n{SENTIMENTS.get(case.sentiment, escape(case.sentiment))}"),
        ]},
    ]
    if case.approval is not None:
        blocks += _action_blocks(case.approval)
    blocks += [section(line) for line in _outcome(case, event, now)]
    buttons = _buttons(case)
    if buttons:
        blocks.append({"type": "actions", "block_id": f"case_{case.id}", "elements": buttons})
    return blocks


def call_text(action: str, args: dict[str, Any]) -> str:
    """An action and its exact arguments as one call: `refund(amount="120.00", order_id="Q5")`."""
    shown = ", ".join(f"{name}={json.dumps(value, ensure_ascii=False)}"
                      for name, value in sorted(args.items()))
    return f"{action}({shown})"


def note_message(kind: str, text: str, actor: str | None,
                 taken_by: str | None = None) -> dict[str, Any] | None:
    """A line for the case's thread; None for one that must not be posted.

    A person's message written in Slack is already in the thread: it is not echoed back. A
    suggestion is marked as one, for the person, and is never sent to the customer. An
    internal note is marked as one too: written in Slack it is already in the thread, so the
    line only says whose it is, that it was not sent, and who (`taken_by`) answers the customer.
    """
    body = escape(text)
    if kind == "internal":
        return internal_note(body, actor, taken_by)
    if kind == "customer":
        return {"text": f":bust_in_silhouette: *Customer:* {body}"}
    if kind == "bot":
        return {"text": f":robot_face: *Bot:* {body}"}
    if kind == "human":
        if actor is None or actor.startswith("slack:"):
            return None
        return {"text": f":technologist: *{who(actor)} to the customer:* {body}"}
    if kind == "suggestion":
        quoted = "\n".join(f">{line}" for line in body.splitlines() or [""])
        return {"text": f"Suggestion for you (not sent to the customer): {body}",
                "blocks": [{"type": "context", "elements": [mrkdwn(SUGGESTION_LABEL)]},
                           section(quoted)]}
    return {"text": body}


def internal_note(body: str, actor: str | None, taken_by: str | None) -> dict[str, Any]:
    """The thread's line for an internal note (`body` escaped already)."""
    owner = f" Only {who(taken_by)}, who took this case over, writes to the customer." if (
        taken_by and taken_by != actor) else ""
    if actor is not None and actor.startswith("slack:"):
        line = f"{INTERNAL_LABEL} from {who(actor)}: not sent to the customer.{owner}"
        return {"text": line, "blocks": [{"type": "context", "elements": [mrkdwn(line)]}]}
    quoted = "\n".join(f">{line}" for line in body.splitlines() or [""])
    label = f"{INTERNAL_LABEL} from {who(actor)} (not sent to the customer)"
    return {"text": f"{label}: {body}",
            "blocks": [{"type": "context", "elements": [mrkdwn(label + owner)]},
                       section(quoted)]}


def deny_form(approval: ApprovalView, channel: str, thread_ts: str | None) -> dict[str, Any]:
    """The modal that asks why a request is denied; it carries the request and its digest."""
    metadata = {"approval": approval.id, "digest": approval.digest, "channel": channel,
                "thread_ts": thread_ts}
    return {
        "type": "modal",
        "callback_id": DENY_FORM,
        "private_metadata": json.dumps(metadata),
        "title": plain("Deny the request", MAX_MODAL_TEXT),
        "submit": plain("Deny", MAX_MODAL_TEXT),
        "close": plain("Cancel", MAX_MODAL_TEXT),
        "blocks": [
            section(f"You are denying: *{escape(approval.description)}*\n"
                     f"`{escape(call_text(approval.action, approval.args))}`"),
            {"type": "input", "block_id": REASON_BLOCK,
             "label": plain("Why? The customer is told this reason.", MAX_LABEL),
             "element": {"type": "plain_text_input", "action_id": REASON_INPUT,
                         "multiline": True, "max_length": MAX_REASON}},
        ],
    }


def _action_blocks(approval: ApprovalView) -> list[dict[str, Any]]:
    needed = ("1 approver" if approval.approvers_needed == 1
              else f"{approval.approvers_needed} different approvers")
    return [
        section(f"*Proposed action:* {escape(approval.description)}\n"
                 f"```{escape(call_text(approval.action, approval.args))}```"),
        {"type": "context", "elements": [mrkdwn(
            f"Policy rule `{escape(approval.rule)}` requires approval · {needed} · "
            f"expires {when(approval.expires_at or None)}")]},
    ]


def _outcome(case: Escalation, event: str | None, now: datetime | None) -> list[str]:
    lines: list[str] = []
    approval = case.approval
    if approval is not None:
        approvers = ", ".join(who(actor) for actor in approval.approved_by)
        if approval.status == "approved":
            lines.append(f":white_check_mark: *Approved* by {approvers or who(approval.decided_by)}"
                         f" · {when(approval.decided_at)}")
        elif approval.status == "denied":
            reason = f": “{escape(approval.reason)}”" if approval.reason else ""
            lines.append(f":no_entry_sign: *Denied* by {who(approval.decided_by)} · "
                         f"{when(approval.decided_at)}{reason}")
        elif approval.status == "expired":
            expired = when(approval.decided_at or approval.expires_at)
            lines.append(f":hourglass: *Expired* · {expired} · nobody decided in time")
        elif approval.approved_by:
            missing = approval.approvers_needed - len(approval.approved_by)
            lines.append(f":hourglass_flowing_sand: Approved by {approvers}; waiting for {missing} "
                         f"more approver{'s' if missing != 1 else ''} (a different person)")
        if approval.result and approval.status != "pending":
            lines.append(f"Customer told: “{escape(approval.result)}”")
    waiting = len(case.waiting_drafts)
    if waiting:
        lines.append(f":memo: {waiting} draft{'s' if waiting != 1 else ''} waiting in this "
                     "thread: *Send*, *Edit* or *Reject* each.")
    dated = f" · {when(now or datetime.now(UTC))}" if event in ("taken_over", "handed_back") else ""
    if case.status == "open" and case.mode == "human":
        lines.append(f":raising_hand: *Taken over* by {who(case.taken_by)}{dated}. The bot is "
                     f"silent: write in this thread to answer the customer, then press *Hand "
                     f"back* or send `{HANDBACK_COMMAND}`.")
    elif event == "handed_back":
        closed = " Case closed." if case.status != "open" else ""
        lines.append(f":leftwards_arrow_with_hook: *Handed back to the bot*{dated}.{closed}")
    elif case.status != "open":
        lines.append("Case closed.")
    return lines


def _buttons(case: Escalation) -> list[dict[str, Any]]:
    if case.status != "open":
        return []
    buttons: list[dict[str, Any]] = []
    approval = case.approval
    if approval is not None and approval.status == "pending":
        value = f"{approval.id}:{approval.digest}"
        buttons += [button("Approve", APPROVE, value, "primary"),
                    button("Deny", DENY, value, "danger")]
    if case.mode == "human":
        buttons.append(button("Hand back", HAND_BACK, str(case.id)))
    else:
        buttons.append(button("Take over", TAKE_OVER, str(case.id)))
    return buttons
