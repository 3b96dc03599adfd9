"""Telegram webhook: check the secret, store the update in the inbox, answer at once.

While the process is still starting (python-telegram-bot loads in the background), an update
whose secret is right waits for the start, bounded, and is then taken like any other.
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request, Response

from bot.startup import WAIT_SECONDS, running_caseloop
from channels import json_bodies

log = logging.getLogger("caseloop.telegram")
router = APIRouter()

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@router.post("/telegram/webhook", include_in_schema=False)
async def webhook(request: Request) -> Response:
    """Take one update: 401 without the right secret, 400 if it is not an update, else 200.

    The update is stored (deduplicated on its `update_id`) before the 200; the reply goes out
    later through the Bot API.
    """
    expected = request.app.state.settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return Response(status_code=401)
    try:
        update = json_bodies.loads(await request.body())
    except json_bodies.JSONBodyError as problem:
        return Response(str(problem), status_code=400)

    caseloop = await running_caseloop(request.app.state, WAIT_SECONDS)
    if caseloop is None:
        return _starting()
    from channels.telegram.channel import UpdateError  # loaded by now

    channel = caseloop.channels["telegram"]
    try:
        await channel.feed(update, caseloop.receive)  # type: ignore[attr-defined]
    except UpdateError as problem:
        log.info("Telegram webhook body refused: %s", problem)
        return Response("not a Telegram update", status_code=400)
    return Response(status_code=200)


def _starting() -> Response:
    """Still starting past the wait: Telegram sends the update again later."""
    return Response("starting, try again shortly", status_code=503, headers={"Retry-After": "2"})
