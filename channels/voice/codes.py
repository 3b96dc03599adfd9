"""One-time codes sent by text message to the number on file, for actions asked on a call."""

from __future__ import annotations

import logging

from twilio.base.exceptions import TwilioException

from channels.twilio.client import build_client

log = logging.getLogger("caseloop.voice")

CODE_TEXT = "Your verification code is {code}. It expires in {minutes} minutes."


class CodeTexter:
    """Sends verification codes as SMS through Twilio's REST API.

    Args:
        account_sid, auth_token: The Twilio account.
        sender: The number the texts come from (`TWILIO_SMS_FROM`).
        api_url: Where REST calls go (Twilio's API, a proxy, a local stand-in).
    """

    def __init__(self, account_sid: str, auth_token: str, sender: str, api_url: str) -> None:
        self._account = (account_sid, auth_token)
        self._sender = sender
        self._api_url = api_url

    async def send_code(self, to: str, code: str, minutes: int) -> None:
        """Text a code to a number (E.164).

        Raises:
            TwilioException: Twilio refused the message.
        """
        client = build_client(*self._account, self._api_url)  # codes are rare: one per code
        try:
            await client.messages.create_async(
                to=to, from_=self._sender, body=CODE_TEXT.format(code=code, minutes=minutes))
        except TwilioException:
            log.exception("Twilio refused a verification code text")
            raise
        finally:
            await client.http_client.close()  # type: ignore[attr-defined]
