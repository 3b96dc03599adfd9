"""Twilio SMS webhooks as Twilio sends them: realistic forms for a Twilio number."""

from __future__ import annotations

from tests.fakes.whatsapp_helpers import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, message_sid

NUMBER = "+14155550142"
"""The business's Twilio number customers text."""


def sms_form(number: str, body: str = "", sid: str | None = None,
             opt_out_type: str | None = None) -> dict[str, str]:
    """The form Twilio posts for an SMS from `number` (E.164) to the business's number."""
    sid = sid or message_sid()
    form = {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid, "NumMedia": "0",
        "ToCity": "SAN FRANCISCO", "FromZip": "", "SmsSid": sid, "FromState": "",
        "SmsStatus": "received", "FromCity": "", "Body": body, "FromCountry": "FR",
        "To": NUMBER, "ToZip": "94105", "NumSegments": "1", "MessageSid": sid,
        "AccountSid": ACCOUNT_SID, "From": number, "ApiVersion": "2010-04-01",
    }
    if opt_out_type:
        form["OptOutType"] = opt_out_type
    return form


def sms_env(fake_twilio_url: str, **extra: str) -> dict[str, str]:
    """Environment variables that turn on the SMS channel (only) against a Twilio stand-in."""
    return {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SMS_FROM": NUMBER, "TWILIO_API_URL": fake_twilio_url,
            "CASELOOP_PUBLIC_URL": PUBLIC_URL, **extra}
