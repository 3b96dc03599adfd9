"""`TwilioAccount`: the Twilio account and the sender a channel sends as."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TWILIO_API = "https://api.twilio.com"
MESSAGING_SERVICE_PREFIX = "MG"


@dataclass(frozen=True)
class TwilioAccount:
    """Who sends messages through Twilio, where REST calls go, and where statuses come.

    Args:
        account_sid: The Twilio account (`AC...`).
        auth_token: The account's auth token; kept out of `repr`.
        sender: A WhatsApp sender (`whatsapp:+14155238886`), a number (`+14155238886`) or a
            Messaging Service (`MG...`), which then picks the number itself.
        api_url: Where REST calls go (Twilio's API, a proxy, a local stand-in).
        status_callback: The URL Twilio reports delivery statuses to; None leaves it to the
            sender's configuration in Twilio.
    """

    account_sid: str
    auth_token: str = field(repr=False)
    sender: str
    api_url: str = TWILIO_API
    status_callback: str | None = None


def sender_fields(sender: str, status_callback: str | None = None) -> dict[str, Any]:
    """The `messages.create` arguments naming the sender, and the status callback if any."""
    fields: dict[str, Any] = (
        {"messaging_service_sid": sender} if sender.startswith(MESSAGING_SERVICE_PREFIX)
        else {"from_": sender})
    if status_callback:
        fields["status_callback"] = status_callback
    return fields
