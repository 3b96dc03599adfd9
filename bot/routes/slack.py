"""Slack's requests: Events API callbacks and interactivity payloads on one URL."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

router = APIRouter()


@router.post("/slack/events", include_in_schema=False)
async def events(request: Request) -> Response:
    """Hand the request to the Slack connector, which checks Slack's signature on the raw body
    before anything parses it and answers at once (401 when unsigned, forged or stale; 413 when
    too large; 400 when unreadable); the work follows the answer.
    """
    return await request.app.state.caseloop.slack.handle(request)
