"""Twilio's webhook forms, whichever channel sent them: ids, numbers, media, delivery statuses.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from channels.base import Attachment

MAX_MEDIA = 10
WHATSAPP_PREFIX = "whatsapp:"
CHANNEL_PREFIXES = {WHATSAPP_PREFIX: "whatsapp"}
"""Address prefixes in `To` and the channels they name; a bare number is an SMS."""
SMS = "sms"

_E164 = re.compile(r"\+[1-9]\d{5,14}")


class PayloadError(ValueError):
    """A webhook form Caseloop cannot use (a required field is missing or malformed)."""


@dataclass(frozen=True)
class StatusUpdate:
    """One delivery status callback: how far an outbound message got."""

    provider_id: str
    """The message's `MessageSid`."""
    status: str
    """Twilio's `MessageStatus`: `queued`, `sent`, `delivered`, `read`, `failed`..."""
    channel: str
    """The channel the message went out on: `whatsapp`, `sms`, or "" when `To` does not say."""
    recipient: str
    """The customer's number (E.164), or "" when the callback does not say."""
    error_code: str | None = None


def is_e164(number: str) -> bool:
    """True for a phone number in E.164 form (`+` and 6 to 15 digits)."""
    return _E164.fullmatch(number) is not None


def message_sid(form: Mapping[str, str]) -> str:
    """The message's `MessageSid` (or the older `SmsMessageSid`).

    Raises:
        PayloadError: neither is present.
    """
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    if not sid:
        raise PayloadError("MessageSid is missing")
    return sid


def attachments(form: Mapping[str, str]) -> tuple[Attachment, ...]:
    """The media (`NumMedia`, `MediaUrl<n>`) and shared location in an inbound form."""
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


def to_status(form: Mapping[str, str]) -> StatusUpdate:
    """Turn a delivery status callback form into a status update.

    Raises:
        PayloadError: `MessageSid` or `MessageStatus` is missing.
    """
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not sid or not status:
        raise PayloadError("MessageSid and MessageStatus are needed")
    channel, recipient = _channel_address(form.get("To") or "")
    return StatusUpdate(provider_id=sid, status=status, channel=channel, recipient=recipient,
                        error_code=(form.get("ErrorCode") or "").strip() or None)


def _channel_address(to: str) -> tuple[str, str]:
    """The channel and the E.164 number a `To` address names; ("", "") when it names neither."""
    to = to.strip()
    for prefix, channel in CHANNEL_PREFIXES.items():
        if to.startswith(prefix):
            number = to.removeprefix(prefix)
            return (channel, number) if is_e164(number) else (channel, "")
    return (SMS, to) if is_e164(to) else ("", "")


def _kind_of(mime: str | None) -> str:
    major = (mime or "").split("/", 1)[0]
    if mime == "image/webp":
        return "sticker"
    if major in ("image", "audio", "video"):
        return major
    if mime in ("text/vcard", "text/x-vcard"):
        return "contact"
    return "document"
