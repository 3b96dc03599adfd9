"""Twilio voice calls: the call's webhook, the relay's WebSocket, and the hand-off at its end.

Every request is checked against Twilio's signature for the public URL before anything is read
or stored: a webhook's form, the WebSocket's handshake (refused before it is accepted).

Like the other Twilio routes, this module imports no graph code: the relay reaches the graph
through the running Caseloop, so the server listens before the heavy modules load.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response, WebSocket

from bot.config import Settings
from bot.startup import WAIT_SECONDS, running_caseloop
from bot.web.routes.twilio import forbidden, signed_form
from channels.twilio.signature import SIGNATURE_HEADER, SignatureChecker
from channels.voice.channel import VoiceChannel
from channels.voice.speech import spoken
from channels.voice.translate import (
    ATTESTATION,
    CHOICES,
    MAX_FIELD_CHARS,
    NAME,
    OUTREACH,
    UNANSWERED,
    caller_number,
    read_handoff,
)
from channels.voice.twiml import (
    CALL_BACK,
    GOODBYE,
    connect_relay,
    farewell,
    relay_url,
    transfer,
)

log = logging.getLogger("caseloop.voice")
router = APIRouter()

GREETING = "Hello, thanks for calling. How can I help you today?"
LANGUAGE = "en-US"
DESK_WAIT_SECONDS = 5.0
"""How long a transfer waits for the case to reach the people's desk (the Slack thread)."""
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


@router.post("/twilio/voice")
async def incoming_call(request: Request) -> Response:
    """Answer a signed call with `<Connect><ConversationRelay>`, the caller's identity passed
    on to the relay session."""
    form = await signed_form(request, request.app.state.settings)
    if form is None:
        return forbidden()
    parameters = {"caller": caller_number(form.get("From")) or ""}
    if form.get(ATTESTATION):
        parameters[ATTESTATION] = form[ATTESTATION][:60]
    twiml = connect_relay(request.app.state.settings.public_url, GREETING, LANGUAGE, parameters)
    return Response(twiml, media_type="text/xml")


@router.post("/twilio/voice/outreach")
async def outreach_call(request: Request) -> Response:
    """A customer answered a call outreach placed: open the relay with the event and its
    options as the greeting, the keys that answer them passed on to the relay session."""
    form = await signed_form(request, request.app.state.settings)
    if form is None:
        return forbidden()
    query = request.query_params
    greeting = spoken(query.get("greeting", "")[:MAX_FIELD_CHARS]) or GREETING
    choices = query.get("choices", "")
    parameters = {"caller": caller_number(form.get("To")) or "",
                  CHOICES: choices if choices.isdigit() else "0",
                  OUTREACH: query.get("event", "")[:200]}
    twiml = connect_relay(request.app.state.settings.public_url, greeting, LANGUAGE, parameters)
    return Response(twiml, media_type="text/xml")


@router.post("/twilio/voice/outreach/status")
async def outreach_call_status(request: Request) -> Response:
    """How a call outreach placed ended: one nobody answered is followed by the text."""
    form = await signed_form(request, request.app.state.settings)
    if form is None:
        return forbidden()
    status = (form.get("CallStatus") or "").strip().lower()
    if status in UNANSWERED:
        caseloop = await running_caseloop(request.app.state, WAIT_SECONDS)
        if caseloop is None or caseloop.outreach is None:
            return Response(status_code=503)  # shown as failed in Twilio's call log
        await caseloop.outreach.call_unanswered(request.query_params.get("event", "")[:200],
                                                (form.get("CallSid") or "")[:64], status)
    return Response(status_code=204)


@router.post("/twilio/voice/handoff")
async def handoff(request: Request) -> Response:
    """The relay session ended: transfer the call to a person, or tell the caller one will
    call back (the case waits on the desk either way)."""
    form = await signed_form(request, request.app.state.settings)
    if form is None:
        return forbidden()
    if read_handoff(form.get("HandoffData")).get("reason") != "person":
        return Response(farewell(GOODBYE), media_type="text/xml")
    caseloop = await running_caseloop(request.app.state, WAIT_SECONDS)
    channel = caseloop.channels.get(NAME) if caseloop is not None else None
    if caseloop is None or not isinstance(channel, VoiceChannel) or not channel.transfer_to:
        return Response(farewell(CALL_BACK), media_type="text/xml")
    try:  # the case summary reaches the Slack thread before the person picks up
        await asyncio.wait_for(caseloop.desk.notifier.drain(), DESK_WAIT_SECONDS)
    except TimeoutError:
        log.warning("The desk was slow to hear of a transferred call's case")
    log.info("Transferring call %s to a person", (form.get("CallSid") or "")[:40])
    return Response(transfer(channel.transfer_to, channel.caller_id), media_type="text/xml")


@router.websocket("/twilio/relay")
async def relay(websocket: WebSocket) -> None:
    """ConversationRelay's session: what the caller says in, Caseloop's replies out."""
    settings: Settings = websocket.app.state.settings
    assert settings.public_url and settings.twilio_auth_token
    checker = SignatureChecker(settings.twilio_auth_token)
    if not checker.handshake_is_valid(relay_url(settings.public_url),
                                      websocket.headers.get(SIGNATURE_HEADER)):
        log.warning("Refused a relay handshake with a missing or wrong signature")
        await websocket.close(code=POLICY_VIOLATION)
        return
    caseloop = await running_caseloop(websocket.app.state, WAIT_SECONDS)
    channel = caseloop.channels.get(NAME) if caseloop is not None else None
    if caseloop is None or not isinstance(channel, VoiceChannel):
        await websocket.close(code=TRY_AGAIN_LATER)
        return
    await websocket.accept()
    from bot.runtime.interruptions import Interruptions  # graph code: loaded by now with the app

    interruptions = Interruptions(caseloop.database, caseloop.graph)
    await channel.serve(websocket, caseloop.receive, interruptions.heard)

