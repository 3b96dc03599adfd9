"""Twilio's webhook for WhatsApp messages: checked, read, stored in the inbox."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from bot.startup import WAIT_SECONDS, running_caseloop
from bot.web.routes.twilio import empty_twiml, forbidden, malformed, signed_form, starting
from channels.twilio.forms import PayloadError
from channels.whatsapp.translate import to_inbound

router = APIRouter()


@router.post("/twilio/whatsapp")
async def inbound_message(request: Request) -> Response:
    """Check Twilio's signature, store the message, answer with empty TwiML at once.

    The reply goes out later through the REST API, not in this response.
    """
    form = await signed_form(request, request.app.state.settings)
    if form is None:
        return forbidden()
    try:
        message = to_inbound(form)
    except PayloadError as problem:
        return malformed(problem)
    caseloop = await running_caseloop(request.app.state, WAIT_SECONDS)
    if caseloop is None:
        return starting()
    await caseloop.receive(message)
    return empty_twiml()
