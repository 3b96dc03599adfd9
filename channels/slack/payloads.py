"""Slack's payloads read back: what a button, a form or a thread message asks for. Pure, no I/O.

Every function takes the payload as Slack sent it and returns None for anything that is not
what it looks for, so a malformed or foreign payload is ignored rather than raising.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from channels.slack.blocks import HANDBACK_COMMAND, REASON_BLOCK, REASON_INPUT
from channels.slack.draft_blocks import (
    LABEL_BLOCK,
    LABEL_INPUT,
    NOTE_BLOCK,
    NOTE_INPUT,
    TEXT_BLOCK,
    TEXT_INPUT,
)

HUMAN_SUBTYPES = (None, "thread_broadcast")
"""Message subtypes a person writes: a plain reply, or one also sent to the channel."""


@dataclass(frozen=True)
class ApprovalRef:
    """The request a button or form is about, and the digest of the action it showed."""

    approval_id: int
    digest: str


@dataclass(frozen=True)
class Click:
    """A button pressed in a case's parent message."""

    user: str
    value: str
    channel: str | None
    message_ts: str | None
    trigger_id: str | None
    thread_ts: str | None = None
    """The thread the clicked message is in (a draft's message), None for a parent."""

    @property
    def thread(self) -> str | None:
        """The ts of the parent of the thread the click was in."""
        return self.thread_ts or self.message_ts


@dataclass(frozen=True)
class ThreadMessage:
    """A person's message in a case's thread."""

    channel: str
    thread_ts: str
    user: str
    text: str

    @property
    def hands_back(self) -> bool:
        """True when the message is the hand-back command rather than words for the customer."""
        return self.text.strip().lower() == HANDBACK_COMMAND


@dataclass(frozen=True)
class DenySubmission:
    """The deny form sent: which request, why, and where its thread is."""

    user: str
    approval: ApprovalRef
    reason: str
    channel: str | None
    thread_ts: str | None


@dataclass(frozen=True)
class DraftSubmission:
    """The Edit or Reject form sent: which draft, the text or the label and note, and where its
    thread is."""

    user: str
    draft_id: int
    text: str | None
    """The edited text (the Edit form)."""
    label: str | None
    """The label picked (the Reject form)."""
    note: str
    channel: str | None
    thread_ts: str | None


def actor(user: str) -> str:
    """A Slack user as the desk names them (`slack:U123`)."""
    return f"slack:{user}"


def approval_ref(value: str | None) -> ApprovalRef | None:
    """An Approve or Deny button's value (`<approval id>:<digest>`)."""
    approval_id, _, digest = (value or "").partition(":")
    if not approval_id.isdigit() or not digest:
        return None
    return ApprovalRef(int(approval_id), digest)


def case_id(value: str | None) -> int | None:
    """A Take over or Hand back button's value (the case id); a Send, Edit or Reject button's
    (the draft id)."""
    return int(value) if value and value.isdigit() else None


def click(body: dict[str, Any]) -> Click | None:
    """The first action of a `block_actions` payload, with who clicked and where."""
    actions = body.get("actions")
    user = _dict(body.get("user")).get("id")
    if not isinstance(actions, list) or not actions or not isinstance(user, str):
        return None
    action = _dict(actions[0])
    return Click(
        user=user,
        value=_str(action.get("value")) or "",
        channel=_str(_dict(body.get("channel")).get("id")
                     or _dict(body.get("container")).get("channel_id")),
        message_ts=_str(_dict(body.get("message")).get("ts")
                        or _dict(body.get("container")).get("message_ts")),
        trigger_id=_str(body.get("trigger_id")),
        thread_ts=_str(_dict(body.get("message")).get("thread_ts")
                       or _dict(body.get("container")).get("thread_ts")),
    )


def thread_message(event: dict[str, Any], channel: str) -> ThreadMessage | None:
    """A person's reply in a thread of `channel`; None for anything else.

    Not a person's: messages from bots (the bot's own included), edits, deletions, joins and
    other subtypes. Not in a thread: top-level messages in the channel.
    """
    if event.get("type") != "message" or event.get("channel") != channel:
        return None
    if event.get("bot_id") or event.get("subtype") not in HUMAN_SUBTYPES:
        return None
    user, text = event.get("user"), event.get("text")
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not (isinstance(user, str) and isinstance(text, str) and isinstance(thread_ts, str)):
        return None
    if thread_ts == ts or not text.strip():
        return None
    return ThreadMessage(channel=channel, thread_ts=thread_ts, user=user, text=text.strip())


def deny_submission(body: dict[str, Any]) -> DenySubmission | None:
    """The deny form's `view_submission` payload read back."""
    form = _form(body)
    if form is None:
        return None
    user, metadata, values = form
    approval_id, digest = metadata.get("approval"), metadata.get("digest")
    if not isinstance(approval_id, int) or not isinstance(digest, str):
        return None
    reason = _input(values, REASON_BLOCK, REASON_INPUT) or ""
    return DenySubmission(user=user, approval=ApprovalRef(approval_id, digest),
                          reason=reason.strip(), channel=_str(metadata.get("channel")),
                          thread_ts=_str(metadata.get("thread_ts")))


def draft_submission(body: dict[str, Any]) -> DraftSubmission | None:
    """The Edit or Reject form's `view_submission` payload read back."""
    form = _form(body)
    if form is None:
        return None
    user, metadata, values = form
    draft_id = metadata.get("draft")
    if not isinstance(draft_id, int) or isinstance(draft_id, bool):
        return None
    picked = _dict(_dict(_dict(values.get(LABEL_BLOCK)).get(LABEL_INPUT)).get("selected_option"))
    return DraftSubmission(user=user, draft_id=draft_id,
                           text=_input(values, TEXT_BLOCK, TEXT_INPUT),
                           label=_str(picked.get("value")),
                           note=(_input(values, NOTE_BLOCK, NOTE_INPUT) or "").strip(),
                           channel=_str(metadata.get("channel")),
                           thread_ts=_str(metadata.get("thread_ts")))


def _form(body: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """Who sent a form, the metadata it carried and the values typed into it."""
    view = _dict(body.get("view"))
    user = _dict(body.get("user")).get("id")
    try:
        metadata = json.loads(_str(view.get("private_metadata")) or "{}")
    except ValueError:
        return None
    if not isinstance(metadata, dict) or not isinstance(user, str):
        return None
    return user, metadata, _dict(_dict(view.get("state")).get("values"))


def _input(values: dict[str, Any], block: str, action: str) -> str | None:
    return _str(_dict(_dict(values.get(block)).get(action)).get("value"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
