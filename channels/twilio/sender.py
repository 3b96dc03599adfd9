"""Creating messages at Twilio (`messages.create`), part by part, each one recorded once."""

from __future__ import annotations

from typing import Any, Protocol

import aiohttp
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from channels.base import DeliveryError, OutboundMessage
from channels.twilio.account import TwilioAccount
from channels.twilio.client import build_client

REFUSED_ERROR = "Twilio refused the message (HTTP {status}, error {code}): {reason}"
UNREACHABLE_ERROR = "Twilio could not be reached: {reason}"


class DeliveryRecorder(Protocol):
    """Where a channel notes each message Twilio accepted (Caseloop's delivery records)."""

    async def sent(self, provider_id: str, channel: str, outbox_id: int | None, recipient: str,
                   status: str = "queued") -> None: ...

    async def parts_sent(self, channel: str, outbox_id: int) -> int: ...


class Refused(DeliveryError):
    """Twilio answered the request with an error.

    Args:
        message: What went wrong.
        code: Twilio's error code (e.g. 21610, 63016), when it gave one.
        permanent: False for 429 and 5xx, which a later try may get past.
    """

    def __init__(self, message: str, *, code: int | None, permanent: bool) -> None:
        super().__init__(message, permanent=permanent)
        self.code = code


class MessageSender:
    """Sends a message's parts with one account's async REST client, built on first use.

    A message whose first parts were created before a retry sends only the rest.

    Args:
        account: The Twilio account and where its REST calls go.
        channel: The channel name the parts are recorded under.
        deliveries: Records each message Twilio accepted, for status callbacks to update.
        explanations: Twilio error code → what it means here, added to the failure's text.
    """

    def __init__(self, account: TwilioAccount, channel: str, deliveries: DeliveryRecorder,
                 explanations: dict[int, str] | None = None) -> None:
        self._account = account
        self._channel = channel
        self._deliveries = deliveries
        self._explanations = dict(explanations or {})
        self._client: Client | None = None
        self._closed = False

    async def send(self, message: OutboundMessage, requests: list[dict[str, Any]]) -> None:
        """Create the parts not created yet, in order, and record each one's sid.

        Raises:
            Refused: Twilio answered with an error (permanent for 4xx other than 429).
            DeliveryError: transient, for timeouts and connection errors, or when closed.
        """
        if self._closed:
            raise DeliveryError(f"the {self._channel} channel is shutting down")
        outbox_id = _outbox_number(message.id)
        done = await self._deliveries.parts_sent(self._channel, outbox_id) if outbox_id else 0
        for request in requests[done:]:
            sid, status = await self._create(request)
            await self._deliveries.sent(sid, self._channel, outbox_id, message.recipient,
                                        status=status)

    async def close(self) -> None:
        """Release the HTTP connections; later sends fail as transient and stay queued."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None:
            await client.http_client.close()  # type: ignore[attr-defined]

    async def _create(self, request: dict[str, Any]) -> tuple[str, str]:
        if self._client is None:
            account = self._account
            self._client = build_client(account.account_sid, account.auth_token, account.api_url)
        try:
            created = await self._client.messages.create_async(**request)
        except TwilioException as problem:
            raise self._refused(problem) from problem
        except (TimeoutError, aiohttp.ClientError) as problem:
            raise DeliveryError(UNREACHABLE_ERROR.format(reason=repr(problem))) from problem
        return str(created.sid), str(created.status or "queued")

    def _refused(self, problem: TwilioException) -> Refused:
        status = getattr(problem, "status", None)
        code = getattr(problem, "code", None)
        reason = getattr(problem, "msg", None) or getattr(problem, "detail", None) or str(problem)
        if code in self._explanations:
            reason = f"{self._explanations[code]} ({reason})"
        transient = status is None or status == 429 or status >= 500
        return Refused(REFUSED_ERROR.format(status=status, code=code, reason=reason),
                       code=code if isinstance(code, int) else None, permanent=not transient)


def _outbox_number(message_id: str | None) -> int | None:
    """The outbox row number in an id like `out-12`."""
    if message_id and message_id.startswith("out-") and message_id[4:].isdigit():
        return int(message_id[4:])
    return None
