"""Twilio's webhook for SMS: checked, read, stored in the inbox, or recorded as STOP or START.

Twilio answers STOP and START itself (and blocks texting a number that said STOP): such a
message changes the number's consent to be written to first, and is not a question for the
agent (`channels/sms/keywords.py`).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response

from bot.identity.links import Links
from bot.outreach.consent import Consent
from bot.storage.database import Database
from bot.web.routes.twilio import empty_twiml, read_webhook
from channels.base import InboundMessage
from channels.sms.keywords import Keyword, carrier_keyword
from channels.sms.translate import to_inbound

log = logging.getLogger("caseloop.sms")
router = APIRouter()


@router.post("/twilio/sms")
async def inbound_sms(request: Request) -> Response:
    """Check Twilio's signature, store the message (or the consent it changes), answer with
    empty TwiML at once; replies go out later through the REST API."""
    webhook = await read_webhook(request, to_inbound)
    if isinstance(webhook, Response):
        return webhook
    keyword = carrier_keyword(webhook.form)
    if keyword is None:
        await webhook.caseloop.receive(webhook.payload)
    else:
        await _record(webhook.caseloop.database, webhook.payload, keyword)
    return empty_twiml()


async def _record(database: Database, message: InboundMessage, keyword: Keyword) -> None:
    """Record the STOP (or START) for the number and the customer it is linked to."""
    customer_id = await Links(database).customer_for(message.channel, message.sender)
    await Consent(database).choose(message.channel, message.sender, customer_id,
                                   opted_out=keyword == "opt_out")
    log.info("An SMS number %s (Twilio answered it)",
             "opted out" if keyword == "opt_out" else "opted back in")
