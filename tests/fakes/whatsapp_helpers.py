"""Twilio WhatsApp webhooks as Twilio sends them: realistic forms, signed with Twilio's code."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from tests import databases
from tests.factories import shop

ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = "f00dfeedcafe0123456789abcdef0123"
BUSINESS = "whatsapp:+14155238886"
PUBLIC_URL = "https://support.example.com"

_sids = itertools.count(1 << 64)
"""Far from the Twilio stand-in's own count, so an inbound sid never equals an outbound one."""


def message_sid(prefix: str = "SM") -> str:
    """A fresh Twilio message sid (`SM…` for text, `MM…` for media)."""
    return f"{prefix}{next(_sids):032x}"


def shop_with_phones(phones: dict[str, str]) -> dict:
    """The test shop with phone numbers on file (customer id → E.164 number)."""
    data = shop()
    for customer in data["customers"]:
        customer["phone"] = phones.get(customer["id"])
    return data


def inbound_form(number: str, body: str = "", sid: str | None = None, profile: str = "Noor",
                 media: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """The form Twilio posts for a WhatsApp message from `number` (E.164)."""
    media = media or []
    sid = sid or message_sid("MM" if media else "SM")
    form = {
        "SmsMessageSid": sid, "NumMedia": str(len(media)), "ProfileName": profile,
        "MessageType": "image" if media else "text", "SmsSid": sid,
        "WaId": number.lstrip("+"), "SmsStatus": "received", "Body": body, "To": BUSINESS,
        "NumSegments": "1", "ReferralNumMedia": "0", "MessageSid": sid,
        "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{number}", "ApiVersion": "2010-04-01",
    }
    for index, (mime, url) in enumerate(media):
        form[f"MediaContentType{index}"] = mime
        form[f"MediaUrl{index}"] = url
    return form


def status_form(sid: str, status: str, number: str, error_code: str | None = None) -> dict:
    """The form Twilio posts to the status callback URL when a message changes status."""
    form = {"ChannelPrefix": "whatsapp", "ApiVersion": "2010-04-01", "MessageStatus": status,
            "SmsSid": sid, "SmsStatus": status, "To": f"whatsapp:{number}", "From": BUSINESS,
            "MessageSid": sid, "StructuredMessage": "false", "AccountSid": ACCOUNT_SID,
            "ChannelToAddress": number[:-4] + "XXXX"}
    if error_code:
        form["ErrorCode"] = error_code
    return form


def sign(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """`X-Twilio-Signature` for a form posted to `url`, computed by Twilio's own code."""
    return RequestValidator(token).compute_signature(url, form)


def post_webhook(server_url: str, path: str, form: dict[str, str],
                 signature: str | None = "sign", signed_url: str | None = None) -> httpx.Response:
    """Post a form to the server as Twilio would.

    Args:
        signature: "sign" to sign it for `signed_url` (default: the public URL + path), None
            to send no signature, anything else to send that as the signature.
    """
    headers: dict[str, str] = {}
    if signature == "sign":
        headers["X-Twilio-Signature"] = sign(signed_url or PUBLIC_URL + path, form)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    return httpx.post(server_url + path, data=form, headers=headers, timeout=10)


def whatsapp_env(fake_twilio_url: str, templates: str | None = None) -> dict[str, str]:
    """Environment variables that turn on the WhatsApp channel against a Twilio stand-in."""
    env = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "TWILIO_WHATSAPP_FROM": BUSINESS, "TWILIO_API_URL": fake_twilio_url,
           "CASELOOP_PUBLIC_URL": PUBLIC_URL}
    if templates is not None:
        env["CASELOOP_WHATSAPP_TEMPLATES"] = templates
    return env


def query(database: Path | str, sql: str, *parameters: Any) -> list[tuple]:
    """Read (or change) the server's database directly, as an operator would.

    Args:
        database: The server's `DATABASE_URL` (or an SQLite file).
    """
    return databases.query(database, sql, *parameters)
