"""Twilio's WhatsApp payloads to and from normalized messages: pure functions, no I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from channels.base import InboundMessage, OutboundMessage
from channels.twilio.account import sender_fields
from channels.twilio.forms import (
    WHATSAPP_PREFIX,
    PayloadError,
    attachments,
    is_e164,
    message_sid,
)
from channels.twilio.text import one_line, render_text, split_text

NAME = "whatsapp"
PREFIX = WHATSAPP_PREFIX
MAX_TEMPLATE_VARIABLE_CHARS = 900
"""WhatsApp caps a template's whole body at 1024 characters; leave room for its own words."""


def address_of(value: str) -> str:
    """The E.164 number in a `whatsapp:+…` address.

    Raises:
        PayloadError: the value is not a WhatsApp address.
    """
    number = value.strip().removeprefix(PREFIX)
    if not value.strip().startswith(PREFIX) or not is_e164(number):
        raise PayloadError(f"not a WhatsApp address: {value[:40]!r}")
    return number


def to_inbound(form: Mapping[str, str]) -> InboundMessage:
    """Turn Twilio's inbound message webhook form into an inbound message.

    WhatsApp delivers only from the number the sender registered, so that number is a phone
    the channel vouches for (`verified_phone`).

    Raises:
        PayloadError: `From` or `MessageSid` is missing or malformed.
    """
    sid = message_sid(form)
    number = address_of(form.get("From") or "")
    text = (form.get("Body") or "").strip() or (form.get("ButtonText") or "").strip()
    profile = (form.get("ProfileName") or "").strip()
    return InboundMessage(
        channel=NAME, sender=number, provider_message_id=sid, text=text,
        attachments=attachments(form), sender_name=profile or None, verified_phone=number,
        raw=dict(form),
    )


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
    summary = split_text(one_line(render_text(message)), MAX_TEMPLATE_VARIABLE_CHARS - 1)
    variable = summary[0] + ("…" if len(summary) > 1 else "")
    return _request(message, sender, status_callback, content_sid=content_sid,
                    content_variables=json.dumps({"1": variable}, ensure_ascii=False))


def _request(message: OutboundMessage, sender: str, status_callback: str | None,
             **content: str) -> dict[str, Any]:
    return {"to": f"{PREFIX}{message.recipient}", **sender_fields(sender, status_callback),
            **content}
