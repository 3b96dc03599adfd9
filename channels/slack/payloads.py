"""Slack's payloads read back: what a button, a form or a thread message asks for. Pure, no I/O.

Every function takes the payload as Slack sent it and returns None for anything that is not
what it looks for, so a malformed or foreign payload is ignored rather than raising.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from channels.slack.blocks import HANDBACK_COMMAND, REASON_BLOCK, REASON_INPUT

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


def approval_ref(value: str | None) -> ApprovalRef | None:
    """An Approve or Deny button's value (`<approval id>:<digest>`)."""
    approval_id, _, digest = (value or "").partition(":")
    if not approval_id.isdigit() or not digest:
        return None
    return ApprovalRef(int(approval_id), digest)


def case_id(value: str | None) -> int | None:
    """A Take over or Hand back button's value (the case id)."""
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
    view = _dict(body.get("view"))
    user = _dict(body.get("user")).get("id")
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    if not isinstance(metadata, dict) or not isinstance(user, str):
        return None
    approval_id, digest = metadata.get("approval"), metadata.get("digest")
    if not isinstance(approval_id, int) or not isinstance(digest, str):
        return None
    values = _dict(_dict(view.get("state")).get("values"))
    reason = _str(_dict(_dict(values.get(REASON_BLOCK)).get(REASON_INPUT)).get("value")) or ""
    return DenySubmission(user=user, approval=ApprovalRef(approval_id, digest),
                          reason=reason.strip(), channel=_str(metadata.get("channel")),
                          thread_ts=_str(metadata.get("thread_ts")))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
