"""`POST /events`: business events, signed by the sender, stored before they are acknowledged."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.outreach.event_signature import SIGNATURE_HEADER, is_signed
from bot.outreach.events import MAX_EVENT_BYTES, EventError, parse_event

if TYPE_CHECKING:
    from bot.assembly import Caseloop

log = logging.getLogger("caseloop.events")
router = APIRouter()


@router.post("/events", status_code=202)
async def receive_event(request: Request) -> JSONResponse:
    """Check the signature over the raw body, check the event, store it, answer 202.

    Unsigned or wrongly signed: 401 and nothing stored. Not JSON: 400. Not an event, or missing
    the data its playbook needs: 422. An id stored before: 202 again, marked as a duplicate.
    """
    caseloop: Caseloop = request.app.state.caseloop
    assert caseloop.settings.events_secret and caseloop.outreach
    body = await request.body()
    if len(body) > MAX_EVENT_BYTES:
        return _error(413, f"an event is at most {MAX_EVENT_BYTES} bytes")
    if not is_signed(caseloop.settings.events_secret, body, request.headers.get(SIGNATURE_HEADER)):
        log.warning("Refused an event with a missing or wrong signature")
        return _error(401, f"missing or wrong {SIGNATURE_HEADER}")
    try:
        event = parse_event(body)
    except EventError as problem:
        return _error(problem.status, str(problem))
    playbook = caseloop.outreach.playbooks.get(event.type)
    missing = playbook.missing(event.data) if playbook else []
    if missing:
        return _error(422, f"a {event.type} event needs data fields: {', '.join(missing)}")
    stored = await caseloop.outreach.receive(event)
    return JSONResponse({"id": event.id, "duplicate": not stored}, status_code=202)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
