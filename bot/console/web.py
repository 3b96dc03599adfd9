"""How console requests are checked and answered: who is asking, what they posted, and in what form.

People get pages, redirects and one-line notices; scripts (Bearer token, `Accept:
application/json`) get JSON. Sign-in demands and bad input never become a 500.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
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
from bot.console.pages import error_page, login_page

MAX_BODY_BYTES = 64 * 1024
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
    fields = await read_fields(request)
    if operator.via == "cookie":
        assert operator.session is not None
        token = request.app.state.caseloop.admin_token
        if not form_token_matches(fields.get("csrf", ""), operator.session, token):
            raise Problem(403, "Form out of date", STALE_FORM)
    return Posted(operator, fields, wants_json(request, operator))


async def read_fields(request: Request) -> dict[str, str]:
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


def start_session(request: Request, name: str, target: str) -> Response:
    """On to `target` with a fresh session cookie for `name`."""
    token = request.app.state.caseloop.admin_token
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, issue_session(name, token, time.time()),
                        max_age=SESSION_SECONDS, path="/console", httponly=True,
                        samesite="strict", secure=_secure(request))
    return response


def end_session(request: Request) -> Response:
    """Back to the sign-in page, the session cookie gone."""
    response = flash_redirect(request, "/console/login", "You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/console", httponly=True, samesite="strict")
    return response


def signed_in_already(request: Request) -> bool:
    """True when the request carries a valid session cookie."""
    session = request.cookies.get(SESSION_COOKIE, "")
    token = request.app.state.caseloop.admin_token
    return bool(session) and read_session(session, token, time.time()) is not None


def with_flash(request: Request, render: Callable[[str | None], str]) -> Response:
    """A page rendered with the notice left by the previous post (which is then forgotten)."""
    value = request.cookies.get(FLASH_COOKIE)
    notice = read_flash(value, request.app.state.caseloop.admin_token) if value else None
    response = html_response(render(notice))
    if value:
        response.delete_cookie(FLASH_COOKIE, path="/console")
    return response


def flash_redirect(request: Request, target: str, message: str) -> Response:
    """See other `target`, which will show `message` once."""
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(FLASH_COOKIE, sign_flash(message, request.app.state.caseloop.admin_token),
                        max_age=60, path="/console", httponly=True, samesite="strict",
                        secure=_secure(request))
    return response


def html_response(content: str, status: int = 200) -> HTMLResponse:
    """A console page."""
    return HTMLResponse(content, status_code=status)


def csrf_for(request: Request, operator: Operator) -> str:
    """The anti-forgery value for the forms of a page shown to `operator`."""
    if operator.session is None:
        return ""
    return form_token(operator.session, request.app.state.caseloop.admin_token)


def wants_json(request: Request, operator: Operator) -> bool:
    """True for a script (Bearer token) that asked for JSON."""
    return operator.via == "bearer" and _accepts_json(request)


def local_path(target: str) -> str:
    """A sign-in's destination, kept inside the console."""
    fine = (target.startswith("/console") and "\\" not in target
            and all(ch.isprintable() and not ch.isspace() for ch in target))
    return target if fine else "/console"


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
        return html_response(login_page(next_path=target, problem=WRONG_TOKEN), 401)
    return html_response(login_page(next_path=target, token=offered))


def _problem(request: Request, problem: Problem) -> Response:
    if _accepts_json(request):
        return JSONResponse({"error": problem.detail}, status_code=problem.status)
    return html_response(error_page(problem.title, problem.detail), problem.status)


def _explain(invalid: RequestValidationError) -> str:
    parts = []
    for error in invalid.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {error.get('msg', 'not valid')}")
    return "; ".join(parts) or "The request is not valid."


def _accepts_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _secure(request: Request) -> bool:
    return (request.url.scheme == "https"
            or request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https")
