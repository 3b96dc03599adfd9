"""`TwilioAccount`: the Twilio account and WhatsApp sender the channel sends as."""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.whatsapp.client import TWILIO_API


@dataclass(frozen=True)
class TwilioAccount:
    """Who sends WhatsApp messages through Twilio, where REST calls go, and where statuses come.

    Args:
        account_sid: The Twilio account (`AC...`).
        auth_token: The account's auth token; kept out of `repr`.
        sender: The WhatsApp sender, e.g. `whatsapp:+14155238886`.
        api_url: Where REST calls go (Twilio's API, a proxy, a local stand-in).
        status_callback: The URL Twilio reports delivery statuses to; None leaves it to the
            sender's configuration in Twilio.
    """

    account_sid: str
    auth_token: str = field(repr=False)
    sender: str
    api_url: str = TWILIO_API
    status_callback: str | None = None
