"""Twilio's webhook for WhatsApp messages: checked, read, stored in the inbox."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from bot.web.routes.twilio import empty_twiml, read_webhook
from channels.whatsapp.translate import to_inbound

router = APIRouter()


@router.post("/twilio/whatsapp")
async def inbound_message(request: Request) -> Response:
    """Check Twilio's signature, store the message, answer with empty TwiML at once.

    The reply goes out later through the REST API, not in this response.
    """
    webhook = await read_webhook(request, to_inbound)
    if isinstance(webhook, Response):
        return webhook
    await webhook.caseloop.receive(webhook.payload)
    return empty_twiml()
