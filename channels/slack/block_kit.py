"""Block Kit's building blocks and Slack's text formats, shared by `blocks` and `draft_blocks`.

Pure functions, no I/O: text objects cut to Slack's limits, buttons and sections, and the ways
Slack shows text literally (`escape`), a person (`who`) and a moment (`when`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

MAX_SECTION = 3000
"""Slack's limit on a section's text."""
MAX_HEADER = 150
MAX_BUTTON = 75
MAX_LABEL = 2000
MAX_MODAL_TEXT = 24
"""A modal's title and its submit and close buttons."""


def who(actor: str | None) -> str:
    """An actor as Slack shows it: a mention for a Slack user, a name for anyone else."""
    if not actor:
        return "someone"
    kind, _, name = actor.partition(":")
    if kind == "slack" and name:
        return f"<@{escape(name)}>"
    if kind == "console" and name:
        return f"{escape(name)} (console)"
    if actor == "agent":
        return "the bot"
    return escape(actor)


def when(moment: str | datetime | None) -> str:
    """A moment as a Slack date, shown in each reader's own time zone."""
    if moment is None:
        return "-"
    if isinstance(moment, str):
        written = moment
        try:
            moment = datetime.fromisoformat(written.replace("Z", "+00:00"))
        except ValueError:
            return escape(written)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def escape(text: str) -> str:
    """Text as Slack mrkdwn shows it literally (`&`, `<` and `>` escaped, as Slack asks)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """A button carrying `value` back to `action_id`'s listener."""
    element: dict[str, Any] = {"type": "button", "text": plain(label), "action_id": action_id,
                               "value": value}
    if style:
        element["style"] = style
    return element


def section(text: str) -> dict[str, Any]:
    """A section of mrkdwn text."""
    return {"type": "section", "text": mrkdwn(text)}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object, cut to Slack's limit."""
    return {"type": "mrkdwn", "text": cut(text, MAX_SECTION)}


def plain(text: str, limit: int = MAX_BUTTON) -> dict[str, Any]:
    """A plain-text object, cut to `limit`."""
    return {"type": "plain_text", "text": cut(text, limit), "emoji": True}


def cut(text: str, limit: int) -> str:
    """`text`, ending in an ellipsis when longer than `limit`."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
