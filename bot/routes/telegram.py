"""Telegram webhook: check the secret, store the update in the inbox, answer at once."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request, Response

from bot.assembly import Caseloop
from channels import json_bodies
from channels.telegram.channel import TelegramChannel, UpdateError

log = logging.getLogger("caseloop.telegram")
router = APIRouter()

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@router.post("/telegram/webhook", include_in_schema=False)
async def webhook(request: Request) -> Response:
    """Take one update: 401 without the right secret, 400 if it is not an update, else 200.

    The update is stored (deduplicated on its `update_id`) before the 200; the reply goes out
    later through the Bot API.
    """
    caseloop: Caseloop = request.app.state.caseloop
    expected = caseloop.settings.telegram_webhook_secret or ""
    given = request.headers.get(SECRET_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return Response(status_code=401)
    try:
        update = json_bodies.loads(await request.body())
    except json_bodies.JSONBodyError as problem:
        return Response(str(problem), status_code=400)

    channel = caseloop.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    try:
        await channel.feed(update, caseloop.receive)
    except UpdateError as problem:
        log.info("Telegram webhook body refused: %s", problem)
        return Response("not a Telegram update", status_code=400)
    return Response(status_code=200)
