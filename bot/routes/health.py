"""Health check for the platform: ready once the database answers and workers run."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter()


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 when Caseloop can take messages, 503 otherwise."""
    caseloop = getattr(request.app.state, "caseloop", None)
    database_ok = caseloop is not None and await caseloop.database.ping()
    workers_ok = caseloop is not None and caseloop.dispatcher.running
    ready = database_ok and workers_ok
    body = {"status": "ok" if ready else "starting", "database": database_ok,
            "workers": workers_ok}
    return JSONResponse(body, status_code=200 if ready else 503)
