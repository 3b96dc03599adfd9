"""The operator console at /console: see cases, approve or deny, take over, reply.

People sign in with their account's one-time link (`bot/web/console/sign_in.py`: a session cookie);
scripts send `Authorization: Bearer <admin token>` and get JSON when they ask for it (`Accept:
application/json`). Every operation goes through the desk, which checks it and writes it to the
audit trail as `console:<account name>` (`console:admin` for the admin token).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from bot.cases.kpis import kpi_report
from bot.desk.escalations import Escalation
from bot.web.console import sign_in
from bot.web.console.auth import Operator
from bot.web.console.case_page import REPLY_MAX_CHARS, case_page
from bot.web.console.kpi_page import kpi_page
from bot.web.console.pages import cases_page
from bot.web.console.problems import Problem
from bot.web.console.web import (
    ConsoleRoute,
    Posted,
    csrf_for,
    flash_redirect,
    html_response,
    posted,
    signed_in,
    wants_json,
    with_flash,
)

MAX_ID = 2**62
REASON_MAX_CHARS = 500
CLOSED_SHOWN = 20
TAKEN_OVER = "You have the case: the bot stays silent until you hand it back."
HANDED_BACK = "Handed back: the bot answers the customer again."
NOT_TAKEN_OVER = "The case is not taken over: take it over first."
HELD_BY_OTHER = "{who} has taken this case over: only they write to the customer."
NOT_AN_APPROVER = ("Only approvers can approve or deny requests; you may take the case over, "
                   "reply and hand it back.")

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Operating = Annotated[Operator, Depends(signed_in)]
Posting = Annotated[Posted, Depends(posted)]

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
router.include_router(sign_in.router)


@router.get("")
async def cases(request: Request, operator: Operating) -> Response:
    """Pending approvals, open cases and the latest closed ones."""
    desk = request.app.state.caseloop.desk
    open_cases, pending = await desk.open_cases(), await desk.pending_approvals()
    closed = await desk.closed_cases(limit=CLOSED_SHOWN)
    if wants_json(request, operator):
        return JSONResponse({"pending_approvals": [_case_json(c) for c in pending],
                             "open_cases": [_case_json(c) for c in open_cases],
                             "closed_cases": [_case_json(c) for c in closed]})
    return with_flash(request, lambda notice: cases_page(
        open_cases=open_cases, pending=pending, closed=closed, operator=operator.name,
        csrf=csrf_for(request, operator), now=datetime.now(UTC), flash=notice))


@router.get("/kpis")
async def kpis(request: Request, operator: Operating) -> Response:
    """The KPIs, computed from stored cases and audit records, with charts (JSON for scripts)."""
    caseloop = request.app.state.caseloop
    report = await kpi_report(caseloop.cases, caseloop.audit)
    if wants_json(request, operator):
        return JSONResponse(report.as_json())
    return html_response(kpi_page(report, operator=operator.name,
                                  csrf=csrf_for(request, operator)))


@router.get("/cases/{case_id}")
async def case(request: Request, case_id: Id, operator: Operating) -> Response:
    """One case: summary, approval, transcript across channels and audit trail."""
    desk = request.app.state.caseloop.desk
    found = await _case_or_404(request, case_id)
    transcript, audit = await desk.transcript(case_id), await desk.audit_trail(case_id)
    if wants_json(request, operator):
        return JSONResponse({"case": _case_json(found),
                             "transcript": [asdict(line) for line in transcript],
                             "audit": [record.as_json() for record in audit]})
    return with_flash(request, lambda notice: case_page(
        found, transcript=transcript, audit=audit, operator=operator.name,
        csrf=csrf_for(request, operator), now=datetime.now(UTC), flash=notice,
        may_decide=operator.approver))


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
    await _case_or_404(request, case_id)
    taken = await request.app.state.caseloop.desk.take_over(case_id, post.operator.actor)
    if taken is None or taken.taken_by != post.operator.actor:
        now = taken or await _case_or_404(request, case_id)
        return _outcome(request, post, case_id, _why_not_taken(now), 409, {"case": _case_json(now)})
    return _outcome(request, post, case_id, TAKEN_OVER, 200, {"case": _case_json(taken)})


@router.post("/cases/{case_id}/reply")
async def reply(request: Request, case_id: Id, post: Posting) -> Response:
    """Send the operator's message to the customer on their channel."""
    found = await _case_or_404(request, case_id)
    text = post.fields.get("text", "").strip()
    if not text:
        raise Problem(400, "Nothing to send", "Write something to send to the customer.")
    if len(text) > REPLY_MAX_CHARS:
        raise Problem(400, "Too long", f"A reply is at most {REPLY_MAX_CHARS} characters.")
    if not await request.app.state.caseloop.desk.reply(case_id, post.operator.actor, text):
        now = await _case_or_404(request, case_id)
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
    found = await _case_or_404(request, case_id)
    if found.mode != "human":
        return _outcome(request, post, case_id, NOT_TAKEN_OVER, 409, {"case": _case_json(found)})
    back = await request.app.state.caseloop.desk.hand_back(case_id, post.operator.actor)
    if back is None:
        return _outcome(request, post, case_id, NOT_TAKEN_OVER, 409, {"case": None})
    return _outcome(request, post, case_id, HANDED_BACK, 200, {"case": _case_json(back)})


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
    body = {"status": result.status, "changed": result.changed,
            "case": _case_json(result.case) if result.case is not None else None}
    return _outcome(request, post, case_id, result.message, 200 if result.changed else 409, body)


def _outcome(request: Request, post: Posted, case_id: int | None, message: str, status: int,
             body: dict[str, Any]) -> Response:
    if post.wants_json:
        return JSONResponse({**body, "message": message}, status_code=status)
    target = f"/console/cases/{case_id}" if case_id is not None else "/console"
    return flash_redirect(request, target, message)


async def _case_or_404(request: Request, case_id: int) -> Escalation:
    found = await request.app.state.caseloop.desk.case(case_id)
    if found is None:
        raise Problem(404, "No such case", f"There is no case #{case_id}.")
    return found


def _why_not_taken(case: Escalation) -> str:
    if case.status != "open":
        return "This case is closed."
    if case.mode == "human":
        return f"{case.taken_by or 'Someone'} has already taken this case over."
    return "The case could not be taken over."


def _case_json(case: Escalation) -> dict[str, Any]:
    return asdict(case)
