"""Where a recognized customer's code goes: by text to the phone on file, else by e-mail."""

from __future__ import annotations

import logging
from typing import Literal, Protocol

from bot.identity.mailer import Mailer
from graph.backend import Customer

log = logging.getLogger("caseloop.verification")

Via = Literal["sms", "email"]


class CodeTexter(Protocol):
    """Sends a code by text message (see `channels.voice.codes.CodeTexter`)."""

    async def send_code(self, to: str, code: str, minutes: int) -> None: ...


class CodeDelivery:
    """Sends codes to customers already recognized (a caller known by caller ID), to their own
    phone when texting is set up and a phone is on file.

    Args:
        mailer: Sends codes by e-mail.
        texter: Sends codes by text message; None when no SMS number is configured.
    """

    def __init__(self, mailer: Mailer, texter: CodeTexter | None = None) -> None:
        self._mailer = mailer
        self._texter = texter

    def via(self, customer: Customer) -> Via:
        """Where a code for `customer` goes."""
        return "sms" if self._texter and customer.phone else "email"

    async def send(self, customer: Customer, code: str, via: Via, minutes: int) -> None:
        """Send `code` the way `via` says; a failure is logged, not raised."""
        try:
            if via == "sms" and self._texter is not None and customer.phone:
                await self._texter.send_code(customer.phone, code, minutes)
            else:
                await self._mailer.send_code(customer.email, code, minutes)
        except Exception:
            log.exception("Could not send a verification code")
