"""`/metrics`: the KPIs in Prometheus' text format, for a scraper that sends a bearer token.

The figures describe the business (refunds, escalations, satisfaction), so the endpoint is not
open: it takes `Authorization: Bearer <CASELOOP_METRICS_TOKEN>`, a read-only token to give a
scraper, or the admin token. Anything else is 401.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from bot.cases.kpi_export import prometheus_text
from bot.cases.kpis import kpi_report
from bot.web.console.auth import bearer_token, token_matches

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Every KPI, overall and by reason and channel, computed from stored records now."""
    caseloop = request.app.state.caseloop
    given = bearer_token(request.headers.get("authorization"))
    accepted = [token for token in (caseloop.settings.metrics_token, caseloop.admin_token)
                if token]
    if given is None or not any(token_matches(given, token) for token in accepted):
        return PlainTextResponse("A bearer token is needed.\n", status_code=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    report = await kpi_report(caseloop.cases, caseloop.audit)
    return Response(prometheus_text(report), media_type=CONTENT_TYPE)
