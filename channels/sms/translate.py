"""Twilio's SMS payloads to and from normalized messages: pure functions, no I/O.

An SMS shows text only: a reply's markdown is taken out, its short replies are spelled out, and
a reply longer than Twilio takes in one message goes as several, in order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from channels.base import InboundMessage, OutboundMessage
from channels.twilio.account import sender_fields
from channels.twilio.forms import PayloadError, attachments, is_e164, message_sid
from channels.twilio.text import render_text, split_text

NAME = "sms"

_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\(([^()\s]{1,2000})\)")
_STRONG = re.compile(r"\*\*([^*\n]+)\*\*|__([^_\n]+)__")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"^[ \t]*```[^\n]*\n?", re.MULTILINE)
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.MULTILINE)
_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+", re.MULTILINE)


def to_inbound(form: Mapping[str, str]) -> InboundMessage:
    """Turn Twilio's inbound SMS webhook form into an inbound message.

    The sender's number comes from the carrier, as a WhatsApp number does: it is a phone the
    channel vouches for (`verified_phone`).

    Raises:
        PayloadError: `From` or `MessageSid` is missing or malformed (a short code or a named
            sender is not a number Caseloop can answer).
    """
    sid = message_sid(form)
    number = (form.get("From") or "").strip()
    if not is_e164(number):
        raise PayloadError(f"not a phone number: {number[:40]!r}")
    return InboundMessage(
        channel=NAME, sender=number, provider_message_id=sid,
        text=(form.get("Body") or "").strip(), attachments=attachments(form),
        verified_phone=number, raw=dict(form),
    )


def plain_text(text: str) -> str:
    """The text without markdown: links as `label (url)`, no emphasis marks, code or heading
    marks, `*` bullets as `-`. Each pattern runs in linear time on any input."""
    text = _FENCE.sub("", text)
    text = _LINK.sub(_link, text)
    text = _STRONG.sub(lambda match: match.group(1) or match.group(2), text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _HEADING.sub("", text)
    return _BULLET.sub(r"\1- ", text)


def send_requests(message: OutboundMessage, sender: str,
                  status_callback: str | None = None) -> list[dict[str, Any]]:
    """Keyword arguments for `messages.create`, one call per part of the message, in order."""
    plain = message.model_copy(update={"text": plain_text(message.text)})
    fields = sender_fields(sender, status_callback)
    return [{"to": message.recipient, **fields, "body": part}
            for part in split_text(render_text(plain))]


def _link(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2)
    return url if label.strip() == url else f"{label} ({url})"
