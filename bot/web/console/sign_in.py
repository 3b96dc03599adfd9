"""Signing in to the console: an operator's one-time link, or the admin token before accounts.

Every failed attempt (a wrong token, a link used, expired or revoked) counts against the
client's address; past a few a minute the address gets a 429 until the minute is over.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from bot.desk.operators import ADMIN_NAME
from bot.web.console.auth import (
    ACCOUNT_SESSION_SECONDS,
    SESSION_SECONDS,
    account_subject,
    token_matches,
)
from bot.web.console.bodies import read_fields
from bot.web.console.pages import error_page, link_page, login_page
from bot.web.console.web import (
    WRONG_TOKEN,
    ConsoleRoute,
    Posted,
    accounts,
    current_operator,
    end_session,
    html_response,
    local_path,
    may_try_to_sign_in,
    posted,
    sign_in_succeeded,
    start_session,
    with_flash,
)

LINK_NOT_VALID = ("This sign-in link does not work: it was used already, it expired, or the "
                  "account was revoked. Ask for a new one (caseloop operators link NAME).")
ELSEWHERE = "This sign-in was not sent from the console's own page."

router = APIRouter(route_class=ConsoleRoute)


@router.get("/login")
async def login_form(request: Request, next: str = "/console") -> Response:
    """How to sign in (straight on to the console for someone already signed in)."""
    target = local_path(next)
    if await current_operator(request) is not None:
        return RedirectResponse(target, status_code=303)
    accounts_exist = await accounts(request).any_accounts()
    return with_flash(request, lambda notice: login_page(
        next_path=target, notice=notice, accounts_exist=accounts_exist))


@router.post("/login")
async def login(request: Request) -> Response:
    """The admin token, as long as nobody has an account: a session as `admin`."""
    may_try_to_sign_in(request)
    fields = await read_fields(request)
    target = local_path(fields.get("next", "/console"))
    if await accounts(request).any_accounts():
        return html_response(login_page(next_path=target, accounts_exist=True), 403)
    given = fields.get("token", "")
    if not given or not token_matches(given, request.app.state.caseloop.admin_token):
        return html_response(login_page(next_path=target, problem=WRONG_TOKEN), 401)
    sign_in_succeeded(request)
    return start_session(request, ADMIN_NAME, target, SESSION_SECONDS)


@router.get("/sign-in")
async def link(request: Request, token: str = "") -> Response:
    """An operator's link opened: whose it is, and a button that uses it."""
    may_try_to_sign_in(request)
    account = await accounts(request).link_holder(token) if token else None
    if account is None:
        return html_response(error_page("Sign-in link", LINK_NOT_VALID), 401)
    sign_in_succeeded(request)
    return html_response(link_page(name=account.name, token=token, approver=account.approver))


@router.post("/sign-in")
async def use_link(request: Request) -> Response:
    """Use up an operator's link: a session bound to their account, and on to the console."""
    may_try_to_sign_in(request)
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return html_response(error_page("Sign-in link", ELSEWHERE), 403)
    fields = await read_fields(request)
    used = await accounts(request).redeem(fields.get("token", ""))
    if used is None:
        return html_response(error_page("Sign-in link", LINK_NOT_VALID), 401)
    sign_in_succeeded(request)
    _, secret = used
    return start_session(request, account_subject(secret), "/console", ACCOUNT_SESSION_SECONDS)


@router.post("/logout")
async def logout(request: Request, post: Annotated[Posted, Depends(posted)]) -> Response:
    """Forget the session."""
    return end_session(request)
