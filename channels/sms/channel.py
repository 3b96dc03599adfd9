"""The SMS channel: replies through Twilio's REST API, as plain text within SMS limits."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from channels.base import OutboundMessage, Receive
from channels.sms.translate import NAME, send_requests
from channels.twilio.account import TwilioAccount
from channels.twilio.sender import DeliveryRecorder, MessageSender, Refused

log = logging.getLogger("caseloop.sms")

UNSUBSCRIBED_CODE = 21610
"""Twilio's refusal to text a number that replied STOP to the sender."""
EXPLANATIONS = {UNSUBSCRIBED_CODE: "the recipient replied STOP to this number"}


class SmsChannel:
    """Sends SMS through Twilio (`messages.create`, async client).

    A reply goes as plain text, split into messages of at most 1,600 characters (Twilio joins
    the segments of each back into one on the phone), in order. A number Twilio refuses because
    it unsubscribed is reported to `unsubscribed`, so that nobody writes to it first again.

    Args:
        account: The Twilio account, the sender (a number or a Messaging Service) and where
            delivery statuses go.
        deliveries: Records each message Twilio accepted, for status callbacks to update.
        unsubscribed: Records that a number opted out.
    """

    name = NAME

    def __init__(self, account: TwilioAccount, deliveries: DeliveryRecorder,
                 unsubscribed: Callable[[str], Awaitable[None]]) -> None:
        self._account = account
        self._sender = MessageSender(account, NAME, deliveries, EXPLANATIONS)
        self._unsubscribed = unsubscribed

    async def start(self, receive: Receive) -> None:
        """Nothing to start: inbound messages arrive through the webhook route."""

    async def close(self) -> None:
        """Release the HTTP connections; later sends fail as transient and stay queued."""
        await self._sender.close()

    async def send(self, message: OutboundMessage) -> bool:
        """Create the message's parts at Twilio and record each one's sid.

        Raises:
            DeliveryError: permanent for refusals (4xx), an unsubscribed number among them;
                transient for timeouts, connection errors, 429 and 5xx.
        """
        requests = send_requests(message, self._account.sender, self._account.status_callback)
        try:
            await self._sender.send(message, requests)
        except Refused as refusal:
            if refusal.code == UNSUBSCRIBED_CODE:
                log.info("An SMS number unsubscribed; message %s not sent", message.id)
                await self._unsubscribed(message.recipient)
            raise
        return True
