"""Slack's requests: Events API callbacks and interactivity payloads on one URL."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from bot.startup import WAIT_SECONDS, running_caseloop
from channels.slack import intake

router = APIRouter()


@router.post("/slack/events", include_in_schema=False)
async def events(request: Request) -> Response:
    """Hand the request to the Slack connector, which checks Slack's signature on the raw body
    before anything parses it and answers at once (401 when unsigned, forged or stale; 413 when
    too large; 400 when unreadable); the work follows the answer.

    While the process is still starting (bolt loads in the background), the request is admitted
    here first with slack_sdk's signature check alone, then waits for the start, bounded: a
    request that is not Slack's is refused at once and never waits.
    """
    caseloop = getattr(request.app.state, "caseloop", None)
    if caseloop is not None:
        return await caseloop.slack.handle(request)
    admitted = await intake.admit(request,
                                  intake.verifier(request.app.state.settings.slack_signing_secret))
    if isinstance(admitted, Response):
        return admitted
    caseloop = await running_caseloop(request.app.state, WAIT_SECONDS)
    if caseloop is None:
        return Response("starting, try again shortly", status_code=503, media_type="text/plain",
                        headers={"Retry-After": "2"})
    return await caseloop.slack.dispatch(request, admitted)
