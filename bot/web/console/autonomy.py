"""The console's autonomy page and its button: each case type's level and readiness, and the
deliberate act of promoting a case type (or putting it back in shadow).

Only approvers change levels; each change goes through `AutonomyLevels.set`, which writes it to
the audit log (`autonomy_changed`) with the person as `console:<account name>`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from bot.autonomy.readiness import readiness
from bot.web.console.autonomy_page import APPROVERS_ONLY, REASON_MAX_CHARS, autonomy_page
from bot.web.console.html import case_type_label
from bot.web.console.problems import Problem
from bot.web.console.routing import Operating, Posting, answer, stopped_case_types
from bot.web.console.web import ConsoleRoute, csrf_for, wants_json, with_flash
from graph.autonomy import LEVELS

PAGE = "/console/autonomy"
PROMOTED = ("{case_type} is now autonomous: the bot answers and acts on its own, under its "
            "guardrails.")
SHADOWED = "{case_type} is back in shadow mode: its replies and actions wait for a person."
UNCHANGED = "{case_type} already was {level}; nothing changed."

Days = Annotated[float, Query(gt=0, le=365)]
MinDrafts = Annotated[int, Query(ge=1, le=100_000)]
MinRate = Annotated[float, Query(ge=0, le=1)]

router = APIRouter(prefix="/autonomy", route_class=ConsoleRoute)


@router.get("")
async def levels(request: Request, operator: Operating, days: Days = 30,
                 min_drafts: MinDrafts = 50, min_rate: MinRate = 0.95) -> Response:
    """Each case type's level and readiness over the last `days` (JSON for scripts)."""
    caseloop = request.app.state.caseloop
    states = await caseloop.autonomy.states()
    figures = await readiness(caseloop.database, caseloop.autonomy, days=days,
                              min_drafts=min_drafts, min_rate=min_rate)
    if wants_json(request, operator):
        by_type = {f.case_type: asdict(f) for f in figures}
        return JSONResponse({"days": days, "case_types": [
            {**asdict(state), "readiness": by_type.get(state.case_type)} for state in states]})
    stopped = await stopped_case_types(request)
    return with_flash(request, lambda notice: autonomy_page(
        states, figures, days=days, operator=operator.name, csrf=csrf_for(request, operator),
        may_change=operator.approver, flash=notice, stopped=stopped))


@router.post("/{case_type}")
async def change(request: Request, case_type: str, post: Posting) -> Response:
    """Set a case type's level (`level`: `autonomous` or `shadow`), with an optional reason."""
    if not post.operator.approver:
        raise Problem(403, "Approvers only", APPROVERS_ONLY)
    autonomy = request.app.state.caseloop.autonomy
    if case_type not in autonomy.case_types:
        raise Problem(404, "No such case type", "There is no case type by that name; it is one "
                      f"of {', '.join(autonomy.case_types)}.")
    level = post.fields.get("level", "")
    if level not in LEVELS:
        raise Problem(400, "Which level?", f"The level is one of {', '.join(LEVELS)}.")
    reason = post.fields.get("reason", "").strip() or None
    if reason is not None and len(reason) > REASON_MAX_CHARS:
        raise Problem(400, "Too long", f"A reason is at most {REASON_MAX_CHARS} characters.")
    changed = await autonomy.set(case_type, level, post.operator.actor, reason)
    words = case_type_label(case_type)
    message = (UNCHANGED.format(case_type=words, level=level) if not changed
               else PROMOTED.format(case_type=words) if level == "autonomous"
               else SHADOWED.format(case_type=words))
    body = {"changed": changed, "state": asdict(await autonomy.state(case_type))}
    return answer(request, post, PAGE, message, 200 if changed else 409, body)
