"""The WhatsApp channel: replies through Twilio's REST API, within WhatsApp's rules."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from channels.base import DeliveryError, OutboundMessage, Receive
from channels.twilio.account import TwilioAccount
from channels.twilio.sender import DeliveryRecorder, MessageSender
from channels.whatsapp.translate import NAME, free_text_requests, template_request

log = logging.getLogger("caseloop.whatsapp")

WINDOW = timedelta(hours=24)
"""WhatsApp allows free-form messages this long after the customer's last message."""
WINDOW_MARGIN = timedelta(minutes=5)
"""Treat the window as closing this much earlier, so a message in flight does not miss it."""
DEFAULT_TEMPLATE = "default"
OUTSIDE_WINDOW_CODE = 63016

NO_TEMPLATE_ERROR = (
    "WhatsApp's 24-hour window with {recipient} is closed and no template is configured for "
    "{kind!r} messages (nor a 'default' one) in CASELOOP_WHATSAPP_TEMPLATES; free text would "
    "be refused, so the message was not sent"
)
EXPLANATIONS = {OUTSIDE_WINDOW_CODE: "outside WhatsApp's 24-hour window, free text is refused"}


class WhatsAppChannel:
    """Sends to WhatsApp numbers through Twilio (`messages.create`, async client).

    Within 24 hours of the customer's last message a reply goes as free text, split into parts
    Twilio accepts; later, only as the approved template configured for the message's kind
    (else `default`), never as free text. A message whose first parts were created before a
    retry sends only the rest.

    Args:
        account: The Twilio account, the WhatsApp sender and where delivery statuses go.
        templates: Message kind → approved template `ContentSid`.
        last_inbound: When a number last wrote to us (None if never).
        deliveries: Records each message Twilio accepted, for status callbacks to update.
    """

    name = NAME

    def __init__(self, account: TwilioAccount, templates: Mapping[str, str],
                 last_inbound: Callable[[str], Awaitable[datetime | None]],
                 deliveries: DeliveryRecorder) -> None:
        self._account = account
        self._templates = dict(templates)
        self._last_inbound = last_inbound
        self._sender = MessageSender(account, NAME, deliveries, EXPLANATIONS)

    async def start(self, receive: Receive) -> None:
        """Nothing to start: inbound messages arrive through the webhook route."""

    async def close(self) -> None:
        """Release the HTTP connections; later sends fail as transient and stay queued."""
        await self._sender.close()

    async def send(self, message: OutboundMessage) -> bool:
        """Create the message (or its parts) at Twilio and record each one's sid.

        Raises:
            DeliveryError: permanent for refusals (4xx) and for a closed window without a
                template; transient for timeouts, connection errors, 429 and 5xx.
        """
        await self._sender.send(message, await self._requests_for(message))
        return True

    async def in_window(self, recipient: str, now: datetime | None = None) -> bool:
        """True while free-form messages to `recipient` are allowed."""
        last = await self._last_inbound(recipient)
        if last is None:
            return False
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        return (now or datetime.now(UTC)) - last < WINDOW - WINDOW_MARGIN

    async def _requests_for(self, message: OutboundMessage) -> list[dict[str, Any]]:
        if await self.in_window(message.recipient):
            return free_text_requests(message, self._account.sender,
                                      self._account.status_callback)
        content_sid = self._templates.get(message.kind) or self._templates.get(DEFAULT_TEMPLATE)
        if not content_sid:
            raise DeliveryError(NO_TEMPLATE_ERROR.format(recipient=message.recipient,
                                                         kind=message.kind), permanent=True)
        log.info("Outside the 24-hour window: sending %s as template %s", message.id, content_sid)
        return [template_request(message, self._account.sender, content_sid,
                                 self._account.status_callback)]
