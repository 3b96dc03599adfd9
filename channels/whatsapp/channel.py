"""The WhatsApp channel: replies through Twilio's REST API, within WhatsApp's rules."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import aiohttp
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from channels.base import DeliveryError, OutboundMessage, Receive
from channels.whatsapp.account import TwilioAccount
from channels.whatsapp.client import build_client
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
REFUSED_ERROR = "Twilio refused the message (HTTP {status}, error {code}): {reason}"
UNREACHABLE_ERROR = "Twilio could not be reached: {reason}"


class DeliveryRecorder(Protocol):
    """Where the channel notes each message Twilio accepted (Caseloop's delivery records)."""

    async def sent(self, provider_id: str, channel: str, outbox_id: int | None, recipient: str,
                   status: str = "queued") -> None: ...

    async def parts_sent(self, channel: str, outbox_id: int) -> int: ...


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
        self._deliveries = deliveries
        self._client: Client | None = None
        self._closed = False

    async def start(self, receive: Receive) -> None:
        """Nothing to start: inbound messages arrive through the webhook route."""

    async def close(self) -> None:
        """Release the HTTP connections; later sends fail as transient and stay queued."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None:
            await client.http_client.close()  # type: ignore[attr-defined]

    async def send(self, message: OutboundMessage) -> bool:
        """Create the message (or its parts) at Twilio and record each one's sid.

        Raises:
            DeliveryError: permanent for refusals (4xx) and for a closed window without a
                template; transient for timeouts, connection errors, 429 and 5xx.
        """
        if self._closed:
            raise DeliveryError("the WhatsApp channel is shutting down")
        requests = await self._requests_for(message)
        outbox_id = _outbox_number(message.id)
        done = await self._deliveries.parts_sent(NAME, outbox_id) if outbox_id else 0
        for request in requests[done:]:
            sid, status = await self._create(request)
            await self._deliveries.sent(sid, NAME, outbox_id, message.recipient, status=status)
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

    async def _create(self, request: dict[str, Any]) -> tuple[str, str]:
        if self._client is None:
            account = self._account
            self._client = build_client(account.account_sid, account.auth_token, account.api_url)
        try:
            created = await self._client.messages.create_async(**request)
        except TwilioException as problem:
            raise _delivery_error(problem) from problem
        except (TimeoutError, aiohttp.ClientError) as problem:
            raise DeliveryError(UNREACHABLE_ERROR.format(reason=repr(problem))) from problem
        return str(created.sid), str(created.status or "queued")


def _delivery_error(problem: TwilioException) -> DeliveryError:
    status = getattr(problem, "status", None)
    code = getattr(problem, "code", None)
    reason = getattr(problem, "msg", None) or getattr(problem, "detail", None) or str(problem)
    if code == OUTSIDE_WINDOW_CODE:
        reason = f"outside WhatsApp's 24-hour window, free text is refused ({reason})"
    transient = status is None or status == 429 or status >= 500
    return DeliveryError(REFUSED_ERROR.format(status=status, code=code, reason=reason),
                         permanent=not transient)


def _outbox_number(message_id: str | None) -> int | None:
    """The outbox row number in an id like `out-12`."""
    if message_id and message_id.startswith("out-") and message_id[4:].isdigit():
        return int(message_id[4:])
    return None
