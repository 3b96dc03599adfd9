"""The operator console at /console: sign in, see cases, approve or deny, take over, reply.

People sign in with a form (a session cookie); scripts send `Authorization: Bearer <token>` and
get JSON when they ask for it (`Accept: application/json`). Every operation goes through the desk,
which checks it and writes it to the audit trail as `console:<name>`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from bot.console.auth import (
    API_NAME,
    FLASH_COOKIE,
    NAME_RULE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    Operator,
    bearer_token,
    clean_name,
    form_token,
    form_token_matches,
    issue_session,
    read_flash,
    read_session,
    sign_flash,
    token_matches,
)
from bot.console.case_page import REPLY_MAX_CHARS, case_page
from bot.console.pages import cases_page, error_page, login_page
from bot.escalations import CaseView

MAX_ID = 2**62
MAX_BODY_BYTES = 64 * 1024
REASON_MAX_CHARS = 500
CLOSED_SHOWN = 20
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
WRONG_TOKEN = "That token is not right."
SIGN_IN_NEEDED = "Sign in with the console token."
STALE_FORM = "This form is out of date or was not sent from the console: reload and try again."
TAKEN_OVER = "You have the case: the bot stays silent until you hand it back."
HANDED_BACK = "Handed back: the bot answers the customer again."
NOT_TAKEN_OVER = "The case is not taken over: take it over first."

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class Problem(Exception):
    """A request the console cannot carry out: shown as a page, or as JSON to scripts."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


class SignInNeeded(Exception):
    """No valid token or session came with the request."""

    def __init__(self, detail: str = SIGN_IN_NEEDED) -> None:
        super().__init__(detail)
        self.detail = detail


class ConsoleRoute(APIRoute):
    """Turns sign-in demands and bad input into console pages (or JSON), never into a 500."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except SignInNeeded as needed:
                response = _sign_in(request, needed.detail)
            except Problem as problem:
                response = _problem(request, problem)
            except RequestValidationError as invalid:
                response = _problem(request, Problem(422, "Not understood", _explain(invalid)))
            except HTTPException as failed:
                response = _problem(request, Problem(failed.status_code, "Not understood",
                                                     str(failed.detail)))
            response.headers.update(SECURITY_HEADERS)
            return response

        return handle


router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@dataclass(frozen=True)
class Posted:
    """A signed-in operator's form (or JSON) post."""

    operator: Operator
    fields: dict[str, str]
    wants_json: bool


async def signed_in(request: Request) -> Operator:
    """The operator behind the request: a Bearer token or a session cookie."""
    token = request.app.state.caseloop.admin_token
    if "authorization" in request.headers:
        given = bearer_token(request.headers["authorization"])
        if given is None or not token_matches(given, token):
            raise SignInNeeded(WRONG_TOKEN)
        name = clean_name(request.headers.get("x-caseloop-operator", API_NAME))
        if name is None:
            raise Problem(400, "Bad operator name", f"X-Caseloop-Operator must be {NAME_RULE}.")
        return Operator(name=name, via="bearer")
    session = request.cookies.get(SESSION_COOKIE, "")
    name = read_session(session, token, time.time()) if session else None
    if name is None:
        raise SignInNeeded()
    return Operator(name=name, via="cookie", session=session)


async def posted(request: Request, operator: Annotated[Operator, Depends(signed_in)]) -> Posted:
    """A post's fields, checked to come from a console page when a person sent it."""
    fields = await _fields(request)
    if operator.via == "cookie":
        assert operator.session is not None
        token = request.app.state.caseloop.admin_token
        if not form_token_matches(fields.get("csrf", ""), operator.session, token):
            raise Problem(403, "Form out of date", STALE_FORM)
    return Posted(operator, fields, _wants_json(request, operator))


Operating = Annotated[Operator, Depends(signed_in)]
Posting = Annotated[Posted, Depends(posted)]


@router.get("/login")
async def login_form(request: Request, next: str = "/console") -> Response:
    """The sign-in form (straight on to the console for someone already signed in)."""
    target = _local(next)
    token = request.app.state.caseloop.admin_token
    session = request.cookies.get(SESSION_COOKIE, "")
    if session and read_session(session, token, time.time()):
        return RedirectResponse(target, status_code=303)
    return _with_flash(request, lambda notice: login_page(next_path=target, notice=notice))


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token and the name; on success, a session cookie and on to the console."""
    fields = await _fields(request)
    target, name = _local(fields.get("next", "/console")), fields.get("name", "")
    token = request.app.state.caseloop.admin_token
    if not token_matches(fields.get("token", ""), token):
        return _html(login_page(next_path=target, name=name, problem=WRONG_TOKEN), 401)
    clean = clean_name(name)
    if clean is None:
        problem = f"Your name must be {NAME_RULE}."
        return _html(login_page(next_path=target, name=name, problem=problem), 400)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, issue_session(clean, token, time.time()),
                        max_age=SESSION_SECONDS, path="/console", httponly=True,
                        samesite="strict", secure=_secure(request))
    return response


@router.post("/logout")
async def logout(request: Request, post: Posting) -> Response:
    """Forget the session."""
    response = _flash_redirect(request, "/console/login", "You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/console", httponly=True, samesite="strict")
    return response


@router.get("")
async def cases(request: Request, operator: Operating) -> Response:
    """Pending approvals, open cases and the latest closed ones."""
    desk = request.app.state.caseloop.desk
    open_cases, pending = await desk.open_cases(), await desk.pending_approvals()
    closed = await desk.closed_cases(limit=CLOSED_SHOWN)
    if _wants_json(request, operator):
        return JSONResponse({"pending_approvals": [_case_json(c) for c in pending],
                             "open_cases": [_case_json(c) for c in open_cases],
                             "closed_cases": [_case_json(c) for c in closed]})
    return _with_flash(request, lambda notice: cases_page(
        open_cases=open_cases, pending=pending, closed=closed, operator=operator.name,
        csrf=_csrf(request, operator), now=datetime.now(UTC), flash=notice))


@router.get("/cases/{case_id}")
async def case(request: Request, case_id: Id, operator: Operating) -> Response:
    """One case: summary, approval, transcript across channels and audit trail."""
    desk = request.app.state.caseloop.desk
    found = await _case_or_404(request, case_id)
    transcript, audit = await desk.transcript(case_id), await desk.audit_trail(case_id)
    if _wants_json(request, operator):
        return JSONResponse({"case": _case_json(found),
                             "transcript": [asdict(line) for line in transcript],
                             "audit": [record.as_json() for record in audit]})
    return _with_flash(request, lambda notice: case_page(
        found, transcript=transcript, audit=audit, operator=operator.name,
        csrf=_csrf(request, operator), now=datetime.now(UTC), flash=notice))


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
        return _outcome(request, post, case_id, NOT_TAKEN_OVER, 409, {"sent": False})
    sent = f"Sent to the customer on {found.channel or 'their channel'}."
    return _outcome(request, post, case_id, sent, 200, {"sent": True})


@router.post("/cases/{case_id}/hand-back")
async def hand_back(request: Request, case_id: Id, post: Posting) -> Response:
    """Return the case to the bot, which remembers what was said meanwhile."""
    await _case_or_404(request, case_id)
    back = await request.app.state.caseloop.desk.hand_back(case_id, post.operator.actor)
    if back is None:
        return _outcome(request, post, case_id, NOT_TAKEN_OVER, 409, {"case": None})
    return _outcome(request, post, case_id, HANDED_BACK, 200, {"case": _case_json(back)})


async def _decide(request: Request, approval_id: int, post: Posting, *, approve: bool) -> Response:
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
    case_id = result.case.id if result.case is not None else None
    body = {"status": result.status, "changed": result.changed,
            "case": _case_json(result.case) if result.case is not None else None}
    return _outcome(request, post, case_id, result.message, 200 if result.changed else 409, body)


def _outcome(request: Request, post: Posted, case_id: int | None, message: str, status: int,
             body: dict[str, Any]) -> Response:
    if post.wants_json:
        return JSONResponse({**body, "message": message}, status_code=status)
    target = f"/console/cases/{case_id}" if case_id is not None else "/console"
    return _flash_redirect(request, target, message)


async def _case_or_404(request: Request, case_id: int) -> CaseView:
    found = await request.app.state.caseloop.desk.case(case_id)
    if found is None:
        raise Problem(404, "No such case", f"There is no case #{case_id}.")
    return found


def _why_not_taken(case: CaseView) -> str:
    if case.status != "open":
        return "This case is closed."
    if case.mode == "human":
        return f"{case.taken_by or 'Someone'} has already taken this case over."
    return "The case could not be taken over."


async def _fields(request: Request) -> dict[str, str]:
    """A post's fields, from a form or a JSON object; text values only."""
    length = request.headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise Problem(413, "Too large", "That request is too large.")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = await request.json()
        except ValueError:
            raise Problem(400, "Not understood", "The body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise Problem(400, "Not understood", "The body must be a JSON object.")
    else:
        form = await request.form(max_files=0, max_fields=20)
        data = dict(form.items())
    bad = sorted(name for name, value in data.items() if not isinstance(value, str))
    if bad:
        raise Problem(422, "Not understood", f"These fields must be text: {', '.join(bad)}.")
    return data


def _sign_in(request: Request, detail: str) -> Response:
    if "authorization" in request.headers or _accepts_json(request):
        return JSONResponse({"error": detail}, status_code=401,
                            headers={"WWW-Authenticate": 'Bearer realm="console"'})
    target = request.url.path if request.method == "GET" else "/console"
    offered = request.query_params.get("token") if request.method == "GET" else None
    if offered is not None:
        return _token_link(request, offered, target)
    response = RedirectResponse(f"/console/login?next={quote(target, safe='/')}", status_code=303)
    if SESSION_COOKIE in request.cookies:
        response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


def _token_link(request: Request, offered: str, target: str) -> Response:
    """The console link printed in the log (`/console?token=...`): only a name is left to give."""
    if not token_matches(offered, request.app.state.caseloop.admin_token):
        return _html(login_page(next_path=target, problem=WRONG_TOKEN), 401)
    return _html(login_page(next_path=target, token=offered))


def _problem(request: Request, problem: Problem) -> Response:
    if _accepts_json(request):
        return JSONResponse({"error": problem.detail}, status_code=problem.status)
    return _html(error_page(problem.title, problem.detail), problem.status)


def _explain(invalid: RequestValidationError) -> str:
    parts = []
    for error in invalid.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {error.get('msg', 'not valid')}")
    return "; ".join(parts) or "The request is not valid."


def _with_flash(request: Request, render: Callable[[str | None], str]) -> Response:
    value = request.cookies.get(FLASH_COOKIE)
    notice = read_flash(value, request.app.state.caseloop.admin_token) if value else None
    response = _html(render(notice))
    if value:
        response.delete_cookie(FLASH_COOKIE, path="/console")
    return response


def _flash_redirect(request: Request, target: str, message: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(FLASH_COOKIE, sign_flash(message, request.app.state.caseloop.admin_token),
                        max_age=60, path="/console", httponly=True, samesite="strict",
                        secure=_secure(request))
    return response


def _html(content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status)


def _csrf(request: Request, operator: Operator) -> str:
    if operator.session is None:
        return ""
    return form_token(operator.session, request.app.state.caseloop.admin_token)


def _case_json(case: CaseView) -> dict[str, Any]:
    return asdict(case)


def _wants_json(request: Request, operator: Operator) -> bool:
    return operator.via == "bearer" and _accepts_json(request)


def _accepts_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _secure(request: Request) -> bool:
    return (request.url.scheme == "https"
            or request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https")


def _local(target: str) -> str:
    """A sign-in's destination, kept inside the console."""
    fine = (target.startswith("/console") and "\\" not in target
            and all(ch.isprintable() and not ch.isspace() for ch in target))
    return target if fine else "/console"
