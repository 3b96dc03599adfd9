"""Placing outbound calls through Twilio's REST API (`calls.create`), answered by Caseloop's
own signed webhook."""

from __future__ import annotations

import logging

import aiohttp
from twilio.base.exceptions import TwilioException

from channels.base import DeliveryError
from channels.twilio.account import TwilioAccount
from channels.twilio.client import build_client

log = logging.getLogger("caseloop.voice")

CALL_REFUSED = "Twilio refused the call (HTTP {status}, error {code}): {reason}"
CALL_UNREACHABLE = "Twilio could not be reached to place a call: {reason}"
RING_SECONDS = 30
"""How long the customer's phone rings before the call counts as not answered."""


class Dialer:
    """Places calls from the business's number (`TWILIO_SMS_FROM`).

    Args:
        account: The Twilio account; its sender is the number the call comes from.
    """

    def __init__(self, account: TwilioAccount) -> None:
        self._account = account

    async def place(self, to: str, answer_url: str, status_url: str) -> str:
        """Ring `to` (E.164); Twilio fetches `answer_url` when the call is answered and posts
        the call's final status (`completed`, `busy`, `no-answer`, `failed`, `canceled`) to
        `status_url`. Returns the call's sid.

        Raises:
            DeliveryError: Twilio refused the call or could not be reached.
        """
        account = self._account
        client = build_client(account.account_sid, account.auth_token, account.api_url)
        try:
            call = await client.calls.create_async(
                to=to, from_=account.sender, url=answer_url, method="POST",
                status_callback=status_url, status_callback_method="POST",
                status_callback_event=["completed"], timeout=RING_SECONDS)
        except TwilioException as problem:
            raise DeliveryError(CALL_REFUSED.format(
                status=getattr(problem, "status", None), code=getattr(problem, "code", None),
                reason=getattr(problem, "msg", None) or str(problem))) from problem
        except (TimeoutError, aiohttp.ClientError) as problem:
            raise DeliveryError(CALL_UNREACHABLE.format(reason=repr(problem))) from problem
        finally:
            await client.http_client.close()  # type: ignore[attr-defined]
        log.info("Placed call %s", call.sid)
        return str(call.sid)
