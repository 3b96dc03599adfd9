"""How console requests are checked and answered: who is asking, what they posted, and in what form.

People get pages, redirects and one-line notices; scripts (Bearer token, `Accept:
application/json`) get JSON. Sign-in demands, throttling and bad input never become a 500.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from bot.desk.operators import ADMIN_NAME, Operators
from bot.web.console.auth import (
    FLASH_COOKIE,
    SESSION_COOKIE,
    Operator,
    bearer_token,
    form_token,
    form_token_matches,
    issue_session,
    read_flash,
    read_session,
    sign_flash,
    token_matches,
)
from bot.web.console.bodies import read_fields
from bot.web.console.pages import error_page, login_page
from bot.web.console.problems import Problem, SignInNeeded, TooManySignIns
from bot.web.console.throttle import SignInThrottle

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
STALE_FORM = "This form is out of date or was not sent from the console: reload and try again."
NAMED_BY_ACCOUNT = ("X-Caseloop-Operator is no longer read: the admin token acts as admin, and "
                    "people sign in with their own accounts.")
THROTTLED = "Too many failed sign-ins from your address. Try again in {seconds} seconds."


class ConsoleRoute(APIRoute):
    """Turns sign-in demands and bad input into console pages (or JSON), never into a 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except SignInNeeded as needed:
                response = await _sign_in(request, needed.detail)
            except TooManySignIns as throttled:
                response = _throttled(request, throttled.retry_after)
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
    """The operator behind the request: the admin token (Bearer) or a session cookie."""
    token = request.app.state.caseloop.admin_token
    if "authorization" in request.headers:
        may_try_to_sign_in(request)
        given = bearer_token(request.headers["authorization"])
        if given is None or not token_matches(given, token):
            raise SignInNeeded(WRONG_TOKEN)
        sign_in_succeeded(request)
        if "x-caseloop-operator" in request.headers:
            raise Problem(400, "Who is this?", NAMED_BY_ACCOUNT)
        return Operator(name=ADMIN_NAME, via="bearer", approver=True)
    operator = await current_operator(request)
    if operator is None:
        raise SignInNeeded()
    return operator


async def current_operator(request: Request) -> Operator | None:
    """Who the session cookie signs in: an active account, or the admin before accounts exist."""
    value = request.cookies.get(SESSION_COOKIE, "")
    session = read_session(value, request.app.state.caseloop.admin_token, time.time())
    if session is None:
        return None
    operators = accounts(request)
    secret = session.account_secret
    if secret is None:
        if await operators.any_accounts():
            return None  # the admin token signs a browser in only until accounts exist
        return Operator(name=ADMIN_NAME, via="cookie", approver=True, session=value)
    account = await operators.signed_in(secret)
    if account is None:
        return None
    return Operator(name=account.name, via="cookie", approver=account.approver, session=value)


async def posted(request: Request, operator: Annotated[Operator, Depends(signed_in)]) -> Posted:
    """A post's fields, checked to come from a console page when a person sent it."""
    fields = await read_fields(request)
    if operator.via == "cookie":
        assert operator.session is not None
        token = request.app.state.caseloop.admin_token
        if not form_token_matches(fields.get("csrf", ""), operator.session, token):
            raise Problem(403, "Form out of date", STALE_FORM)
    return Posted(operator, fields, wants_json(request, operator))


def accounts(request: Request) -> Operators:
    """The operator accounts (the desk's approvers read the same)."""
    return request.app.state.caseloop.desk.approvers.accounts


def may_try_to_sign_in(request: Request) -> None:
    """Refuse (`TooManySignIns`) an address that failed to sign in too often lately; otherwise
    count this attempt as failed until `sign_in_succeeded` says otherwise.

    Counting before any `await` means a burst of attempts sent at once meets the limit too.
    """
    throttle, address = _throttle(request), _address(request)
    wait = throttle.wait_for(address)
    if wait:
        raise TooManySignIns(wait)
    throttle.failed(address)


def sign_in_succeeded(request: Request) -> None:
    """The attempt counted by `may_try_to_sign_in` succeeded: it does not count."""
    _throttle(request).forgive(_address(request))


def start_session(request: Request, subject: str, target: str, max_age: int) -> Response:
    """On to `target` with a fresh session cookie for `subject`."""
    token = request.app.state.caseloop.admin_token
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, issue_session(subject, token, time.time()),
                        max_age=max_age, path="/console", httponly=True,
                        samesite="strict", secure=_secure(request))
    return response


def end_session(request: Request) -> Response:
    """Back to the sign-in page, the session cookie gone."""
    response = flash_redirect(request, "/console/login", "You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/console", httponly=True, samesite="strict")
    return response


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


async def _sign_in(request: Request, detail: str) -> Response:
    if "authorization" in request.headers or _accepts_json(request):
        return JSONResponse({"error": detail}, status_code=401,
                            headers={"WWW-Authenticate": 'Bearer realm="console"'})
    target = request.url.path if request.method == "GET" else "/console"
    offered = request.query_params.get("token") if request.method == "GET" else None
    if offered is not None:
        return await _token_link(request, offered, target)
    response = RedirectResponse(f"/console/login?next={quote(target, safe='/')}", status_code=303)
    if SESSION_COOKIE in request.cookies:
        response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


async def _token_link(request: Request, offered: str, target: str) -> Response:
    """The console link printed in the log (`/console?token=...`): one click signs in."""
    try:
        may_try_to_sign_in(request)
    except TooManySignIns as throttled:
        return _throttled(request, throttled.retry_after)
    if not token_matches(offered, request.app.state.caseloop.admin_token):
        return html_response(login_page(next_path=target, problem=WRONG_TOKEN), 401)
    sign_in_succeeded(request)
    if await accounts(request).any_accounts():
        return html_response(login_page(next_path=target, accounts_exist=True), 403)
    return html_response(login_page(next_path=target, token=offered))


def _throttle(request: Request) -> SignInThrottle:
    """The application's count of failed sign-ins, made at its first sign-in attempt."""
    state = request.app.state
    if not hasattr(state, "console_sign_ins"):
        state.console_sign_ins = SignInThrottle()
    throttle: SignInThrottle = state.console_sign_ins
    return throttle


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _throttled(request: Request, seconds: int) -> Response:
    detail, headers = THROTTLED.format(seconds=seconds), {"Retry-After": str(seconds)}
    if "authorization" in request.headers or _accepts_json(request):
        return JSONResponse({"error": detail}, status_code=429, headers=headers)
    response = html_response(error_page("Too many sign-ins", detail), 429)
    response.headers.update(headers)
    return response


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
