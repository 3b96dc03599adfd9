"""Twilio's WhatsApp payloads to and from normalized messages: pure functions, no I/O."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from channels.base import Attachment, InboundMessage, OutboundMessage

NAME = "whatsapp"
PREFIX = "whatsapp:"
MAX_BODY_CHARS = 1600
"""Twilio refuses a message body longer than this (error 21617)."""
MAX_TEMPLATE_VARIABLE_CHARS = 900
"""WhatsApp caps a template's whole body at 1024 characters; leave room for its own words."""
MAX_MEDIA = 10
CONFIRM_HINT = "Reply YES to confirm or NO to cancel."

_E164 = re.compile(r"\+[1-9]\d{5,14}")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n\s*")
_WHITESPACE = re.compile(r"\s+")


class PayloadError(ValueError):
    """A webhook form Caseloop cannot use (a required field is missing or malformed)."""


@dataclass(frozen=True)
class StatusUpdate:
    """One delivery status callback: how far an outbound message got."""

    provider_id: str
    """The message's `MessageSid`."""
    status: str
    """Twilio's `MessageStatus`: `queued`, `sent`, `delivered`, `read`, `failed`..."""
    recipient: str
    """The customer's number (E.164), or "" when the callback does not say."""
    error_code: str | None = None


def address_of(value: str) -> str:
    """The E.164 number in a `whatsapp:+…` address.

    Raises:
        PayloadError: the value is not a WhatsApp address.
    """
    number = value.strip().removeprefix(PREFIX)
    if not value.strip().startswith(PREFIX) or not _E164.fullmatch(number):
        raise PayloadError(f"not a WhatsApp address: {value[:40]!r}")
    return number


def to_inbound(form: Mapping[str, str]) -> InboundMessage:
    """Turn Twilio's inbound message webhook form into an inbound message.

    WhatsApp delivers only from the number the sender registered, so that number is a phone
    the channel vouches for (`verified_phone`).

    Raises:
        PayloadError: `From` or `MessageSid` is missing or malformed.
    """
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    if not sid:
        raise PayloadError("MessageSid is missing")
    number = address_of(form.get("From") or "")
    text = (form.get("Body") or "").strip() or (form.get("ButtonText") or "").strip()
    profile = (form.get("ProfileName") or "").strip()
    return InboundMessage(
        channel=NAME, sender=number, provider_message_id=sid, text=text,
        attachments=_attachments(form), sender_name=profile or None, verified_phone=number,
        raw=dict(form),
    )


def to_status(form: Mapping[str, str]) -> StatusUpdate:
    """Turn a delivery status callback form into a status update.

    Raises:
        PayloadError: `MessageSid` or `MessageStatus` is missing.
    """
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not sid or not status:
        raise PayloadError("MessageSid and MessageStatus are needed")
    to = (form.get("To") or "").strip()
    recipient = to.removeprefix(PREFIX) if to.startswith(PREFIX) else ""
    return StatusUpdate(provider_id=sid, status=status, recipient=recipient,
                        error_code=(form.get("ErrorCode") or "").strip() or None)


def render_text(message: OutboundMessage) -> str:
    """The words a customer reads, with short replies spelled out (WhatsApp has no buttons here)."""
    text = message.text.strip()
    options = [option.strip() for option in message.options if option.strip()]
    if not options:
        return text
    if [option.lower() for option in options] == ["yes", "no"]:
        hint = CONFIRM_HINT
    else:
        hint = "Reply " + " or ".join(option.upper() for option in options) + "."
    return f"{text}\n\n{hint}" if text else hint


def split_text(text: str, limit: int = MAX_BODY_CHARS) -> list[str]:
    """Cut text into parts of at most `limit` characters, at sentence ends where possible.

    Lengths count UTF-16 code units, as Twilio does (an emoji may count twice). A sentence
    longer than `limit` is cut between words; a word longer than that, anywhere.
    """
    text = text.strip()
    units = [0, *accumulate(len(ch.encode("utf-16-le")) // 2 for ch in text)]
    parts: list[str] = []
    start = 0
    while units[len(text)] - units[start] > limit:
        end = _last_fitting(units, start, limit)
        cut = _last_boundary(text, start, end)
        part = text[start:cut].rstrip()
        parts.append(part)
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        parts.append(text[start:])
    return parts


def free_text_requests(message: OutboundMessage, sender: str,
                       status_callback: str | None = None) -> list[dict[str, Any]]:
    """Keyword arguments for `messages.create`, one call per part of a free-form message."""
    return [_request(message, sender, status_callback, body=part)
            for part in split_text(render_text(message))]


def template_request(message: OutboundMessage, sender: str, content_sid: str,
                     status_callback: str | None = None) -> dict[str, Any]:
    """Keyword arguments for `messages.create` sending an approved template.

    The message's words go in variable `1`, on one line (WhatsApp refuses line breaks in
    variables) and cut at a sentence end to fit.
    """
    flat = _WHITESPACE.sub(" ", render_text(message)).strip()
    summary = split_text(flat, MAX_TEMPLATE_VARIABLE_CHARS - 1)
    variable = summary[0] + ("…" if len(summary) > 1 else "")
    return _request(message, sender, status_callback, content_sid=content_sid,
                    content_variables=json.dumps({"1": variable}, ensure_ascii=False))


def _request(message: OutboundMessage, sender: str, status_callback: str | None,
             **content: str) -> dict[str, Any]:
    request: dict[str, Any] = {"to": f"{PREFIX}{message.recipient}", "from_": sender, **content}
    if status_callback:
        request["status_callback"] = status_callback
    return request


def _attachments(form: Mapping[str, str]) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    for index in range(count):
        url = form.get(f"MediaUrl{index}")
        mime = form.get(f"MediaContentType{index}")
        if url:
            found.append(Attachment(kind=_kind_of(mime), url=url, mime_type=mime or None))
    if form.get("Latitude") and form.get("Longitude"):
        data = {key.lower(): form[key] for key in ("Latitude", "Longitude", "Address", "Label")
                if form.get(key)}
        found.append(Attachment(kind="location", data=data))
    return tuple(found)


def _kind_of(mime: str | None) -> str:
    major = (mime or "").split("/", 1)[0]
    if mime == "image/webp":
        return "sticker"
    if major in ("image", "audio", "video"):
        return major
    if mime in ("text/vcard", "text/x-vcard"):
        return "contact"
    return "document"


def _last_fitting(units: list[int], start: int, limit: int) -> int:
    """The furthest end index such that text[start:end] fits in `limit` units."""
    end = start + 1
    while end + 1 < len(units) and units[end + 1] - units[start] <= limit:
        end += 1
    return end


def _last_boundary(text: str, start: int, end: int) -> int:
    """Where to cut text[start:end]: after a sentence, else between words, else at `end`."""
    window = text[start:end + 1]  # one more: a space right after the last fitting character
    for pattern in (_SENTENCE_END, _WHITESPACE):
        cuts = [match.start() for match in pattern.finditer(window)
                if 0 < match.start() <= end - start]
        if cuts:
            return start + cuts[-1]
    return end
