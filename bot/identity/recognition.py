"""Recognizing a customer from proof a channel gives: a phone number it vouches for."""

from __future__ import annotations

import logging

from bot.identity.links import Links
from channels.base import InboundMessage
from graph.backend import Backend

log = logging.getLogger("caseloop.recognition")

PHONE_PROOF = {"whatsapp": "whatsapp_number", "telegram": "telegram_contact",
               "voice": "caller_id"}
ATTESTATION = "StirVerstat"
"""Where a call's caller ID attestation (STIR/SHAKEN) is kept in the message: recorded with
the link, after the method (`caller_id:TN-Validation-Passed-A`)."""


class Recognizer:
    """Links an address to the one customer whose phone on file the channel has proven.

    A number on file for several customers, or no proof at all, links nothing: the customer is
    then asked for the e-mail code instead, and a conflict is logged.
    """

    def __init__(self, links: Links, backend: Backend) -> None:
        self._links = links
        self._backend = backend

    async def recognize(self, message: InboundMessage) -> str | None:
        """The customer the message's proven phone belongs to, now linked; None otherwise."""
        if not message.verified_phone:
            return None
        matches = await self._backend.find_customers_by_phone(message.verified_phone)
        if len(matches) > 1:
            log.warning("A %s number matches %d customers; asking for the e-mail code instead",
                        message.channel, len(matches))
            return None
        if not matches:
            return None
        method = PHONE_PROOF.get(message.channel, f"{message.channel}_phone")
        attestation = message.raw.get(ATTESTATION)
        if isinstance(attestation, str) and attestation:
            method = f"{method}:{attestation[:60]}"
        await self._links.link(message.channel, message.sender, matches[0].id, method=method)
        log.info("Linked a %s address to a customer by %s", message.channel, method)
        return matches[0].id
