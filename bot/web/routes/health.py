"""Health checks for the platform: `/healthz` (alive) and `/readyz` (able to take messages)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.storage.database import Database

router = APIRouter()

DATABASE_TIMEOUT = 2.0
"""Seconds the database has to answer before `/readyz` counts it as unreachable."""


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """Liveness: 200 while the process serves requests (restart it when this fails)."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: 200 when every configured channel is loaded, the database answers and the
    workers take messages, else 503 (route no traffic here: still starting, shutting down, or
    the database is unreachable).

    The server listens before the channels' libraries are loaded (`bot/startup.py`): until they
    are, `channels` is false. Webhooks that arrive meanwhile are still taken.
    """
    caseloop = getattr(request.app.state, "caseloop", None)
    channels_ok = caseloop is not None
    database_ok = channels_ok and await _database_answers(caseloop.database)
    workers_ok = channels_ok and caseloop.dispatcher.running
    ready = database_ok and workers_ok
    body = {"status": "ready" if ready else "not ready", "channels": channels_ok,
            "database": database_ok, "workers": workers_ok}
    return JSONResponse(body, status_code=200 if ready else 503)


async def _database_answers(database: Database) -> bool:
    try:
        return await asyncio.wait_for(database.ping(), DATABASE_TIMEOUT)
    except Exception:  # noqa: BLE001 - any failure to answer means not ready
        return False
