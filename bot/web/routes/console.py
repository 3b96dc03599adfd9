"""The operator console at /console: see cases, approve or deny, take over, reply; send, edit
or reject shadow drafts (`draft_decisions`), and set each case type's autonomy (`autonomy`).

People sign in with their account's one-time link (`bot/web/console/sign_in.py`: a session cookie);
scripts send `Authorization: Bearer <admin token>` and get JSON when they ask for it (`Accept:
application/json`). Every operation goes through the desk, which checks it and writes it to the
audit trail as `console:<account name>` (`console:admin` for the admin token).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from bot.cases.kpis import kpi_report
from bot.desk.escalations import Escalation
from bot.web.console import autonomy, draft_decisions, sign_in
from bot.web.console.case_page import REPLY_MAX_CHARS, case_page
from bot.web.console.kpi_page import kpi_page
from bot.web.console.pages import cases_page
from bot.web.console.problems import Problem
from bot.web.console.routing import (
    MAX_ID,
    Id,
    Operating,
    Posting,
    answer,
    case_json,
    case_target,
    find_case,
    stopped_case_types,
)
from bot.web.console.web import (
    ConsoleRoute,
    Posted,
    csrf_for,
    html_response,
    wants_json,
    with_flash,
)

REASON_MAX_CHARS = 500
CLOSED_SHOWN = 20
TAKEN_OVER = "You have the case: the bot stays silent until you hand it back."
HANDED_BACK = "Handed back: the bot answers the customer again."
NOT_TAKEN_OVER = "The case is not taken over: take it over first."
HELD_BY_OTHER = "{who} has taken this case over: only they write to the customer."
NOT_AN_APPROVER = ("Only approvers can approve or deny requests; you may take the case over, "
                   "reply and hand it back.")

Editing = Annotated[int | None, Query(ge=1, le=MAX_ID)]

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
router.include_router(sign_in.router)
router.include_router(draft_decisions.router)
router.include_router(autonomy.router)


@router.get("")
async def cases(request: Request, operator: Operating) -> Response:
    """Pending approvals, open cases and the latest closed ones."""
    desk = request.app.state.caseloop.desk
    open_cases, pending = await desk.open_cases(), await desk.pending_approvals()
    closed = await desk.closed_cases(limit=CLOSED_SHOWN)
    if wants_json(request, operator):
        return JSONResponse({"pending_approvals": [case_json(c) for c in pending],
                             "open_cases": [case_json(c) for c in open_cases],
                             "closed_cases": [case_json(c) for c in closed]})
    stopped = await stopped_case_types(request)
    return with_flash(request, lambda notice: cases_page(
        open_cases=open_cases, pending=pending, closed=closed, operator=operator.name,
        csrf=csrf_for(request, operator), now=datetime.now(UTC), flash=notice, stopped=stopped))


@router.get("/kpis")
async def kpis(request: Request, operator: Operating) -> Response:
    """The KPIs, computed from stored cases and audit records, with charts (JSON for scripts)."""
    caseloop = request.app.state.caseloop
    report = await kpi_report(caseloop.cases, caseloop.audit)
    if wants_json(request, operator):
        return JSONResponse(report.as_json())
    return html_response(kpi_page(report, operator=operator.name, csrf=csrf_for(request, operator),
                                  stopped=await stopped_case_types(request)))


@router.get("/cases/{case_id}")
async def case(request: Request, case_id: Id, operator: Operating,
               edit: Editing = None) -> Response:
    """One case: summary, approval, drafts, transcript across channels and audit trail.

    `edit` names the draft whose Edit button was pressed: its text opens in a form.
    """
    desk = request.app.state.caseloop.desk
    found = await find_case(request, case_id)
    transcript, audit = await desk.transcript(case_id), await desk.audit_trail(case_id)
    if wants_json(request, operator):
        return JSONResponse({"case": case_json(found),
                             "transcript": [asdict(line) for line in transcript],
                             "audit": [record.as_json() for record in audit]})
    stopped = await stopped_case_types(request)
    return with_flash(request, lambda notice: case_page(
        found, transcript=transcript, audit=audit, operator=operator.name,
        csrf=csrf_for(request, operator), now=datetime.now(UTC), flash=notice,
        may_decide=operator.approver, editing=edit, stopped=stopped))


@router.post("/approvals/{approval_id}/approve")
async def approve(request: Request, approval_id: Id, post: Posting) -> Response:
    """Approve the exact action the page showed (its digest comes back with the form)."""
    return await _decide(request, approval_id, post, approve=True)


@router.post("/approvals/{approval_id}/deny")
async def deny(request: Request, approval_id: Id, post: Posting) -> Response:
    """Deny the action, with a reason."""
    return await _decide(request, approval_id, post, approve=False)


@router.post("/cases/{case_id}/take-over")
async def take_over(request: Request, case_id: Id, post: Posting) -> Response:
    """Put the case in human mode: the bot stays silent, the operator writes."""
    await find_case(request, case_id)
    taken = await request.app.state.caseloop.desk.take_over(case_id, post.operator.actor)
    if taken is None or taken.taken_by != post.operator.actor:
        now = taken or await find_case(request, case_id)
        return _outcome(request, post, case_id, _why_not_taken(now), 409, {"case": case_json(now)})
    return _outcome(request, post, case_id, TAKEN_OVER, 200, {"case": case_json(taken)})


@router.post("/cases/{case_id}/reply")
async def reply(request: Request, case_id: Id, post: Posting) -> Response:
    """Send the operator's message to the customer on their channel."""
    found = await find_case(request, case_id)
    text = post.fields.get("text", "").strip()
    if not text:
        raise Problem(400, "Nothing to send", "Write something to send to the customer.")
    if len(text) > REPLY_MAX_CHARS:
        raise Problem(400, "Too long", f"A reply is at most {REPLY_MAX_CHARS} characters.")
    if not await request.app.state.caseloop.desk.reply(case_id, post.operator.actor, text):
        now = await find_case(request, case_id)
        holder = now.taken_by if now.mode == "human" else None
        why = (HELD_BY_OTHER.format(who=holder.partition(":")[2] or holder)
               if holder and holder != post.operator.actor else NOT_TAKEN_OVER)
        return _outcome(request, post, case_id, why, 409, {"sent": False})
    sent = f"Sent to the customer on {found.channel or 'their channel'}."
    return _outcome(request, post, case_id, sent, 200, {"sent": True})


@router.post("/cases/{case_id}/hand-back")
async def hand_back(request: Request, case_id: Id, post: Posting) -> Response:
    """Return the case to the bot, which remembers what was said meanwhile.

    Only a case a person holds is handed back: a page left open after someone else handed it
    back changes nothing (the desk itself would close a case the bot still answers).
    """
    found = await find_case(request, case_id)
    if found.mode != "human":
        return _outcome(request, post, case_id, NOT_TAKEN_OVER, 409, {"case": case_json(found)})
    back = await request.app.state.caseloop.desk.hand_back(case_id, post.operator.actor)
    if back is None:
        return _outcome(request, post, case_id, NOT_TAKEN_OVER, 409, {"case": None})
    return _outcome(request, post, case_id, HANDED_BACK, 200, {"case": case_json(back)})


async def _decide(request: Request, approval_id: int, post: Posting, *, approve: bool) -> Response:
    if not post.operator.approver:
        raise Problem(403, "Approvers only", NOT_AN_APPROVER)
    digest = post.fields.get("digest", "").strip() or None
    if digest is None and post.operator.via == "cookie":
        raise Problem(400, "Which action?", "The form did not say which action it decides on; "
                      "reload the case and try again.")
    reason = post.fields.get("reason", "").strip() or None
    if reason is not None and len(reason) > REASON_MAX_CHARS:
        raise Problem(400, "Too long", f"A reason is at most {REASON_MAX_CHARS} characters.")
    result = await request.app.state.caseloop.desk.decide(
        approval_id, post.operator.actor, approve=approve, digest=digest,
        reason=None if approve else reason)
    if result.status == "unknown":
        raise Problem(404, "No such approval", f"There is no approval #{approval_id}.")
    if result.status == "not_allowed":
        raise Problem(403, "Approvers only", NOT_AN_APPROVER)
    case_id = result.case.id if result.case is not None else None
    body = {"status": result.status, "changed": result.changed, "case": case_json(result.case)}
    return _outcome(request, post, case_id, result.message, 200 if result.changed else 409, body)


def _why_not_taken(case: Escalation) -> str:
    if case.status != "open":
        return "This case is closed."
    if case.mode == "human":
        return f"{case.taken_by or 'Someone'} has already taken this case over."
    return "The case could not be taken over."


def _outcome(request: Request, post: Posted, case_id: int | None, message: str, status: int,
             body: dict[str, Any]) -> Response:
    return answer(request, post, case_target(case_id), message, status, body)
