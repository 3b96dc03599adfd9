"""Signing in to the console in process: operators' one-time links, the admin token, throttling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from bot.assembly import Caseloop
from bot.desk.operators import Operators
from bot.storage.database import utcnow
from bot.web.console.auth import SESSION_COOKIE, issue_session, read_session
from bot.web.console.throttle import SignInThrottle
from bot.web.routes import console
from tests.bot.web.test_console_routes import Console, Page, console_client, over_limit_refund
from tests.fakes.capture import CaptureChannel

NOT_VALID = "This sign-in link does not work"
OWN_LINK = "Operators sign in with a link of their own"


@pytest.fixture
async def operator(caseloop: tuple[Caseloop, CaptureChannel]) -> AsyncIterator[Console]:
    async with console_client(caseloop[0]) as client:
        yield client


async def test_without_a_session_nothing_about_customers_is_shown(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    for path in ("/console", f"/console/cases/{case_id}"):
        response = await operator.client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/console/login?next={path}"
        assert "Noor" not in response.text
    as_json = await operator.client.get("/console", headers={"Accept": "application/json"})
    assert as_json.status_code == 401 and as_json.json() == {"error": "Sign in to the console."}
    posted = await operator.client.post(f"/console/cases/{case_id}/take-over")
    assert posted.status_code == 303 and posted.headers["location"].startswith("/console/login")
    assert (await operator.app.desk.case(case_id)).mode == "bot"


async def test_a_link_signs_its_holder_in_once_and_never_shows_a_secret(operator, caseloop, smtp):
    await over_limit_refund(caseloop, smtp)
    token = await operator.add("Ana Ruiz", approver=True)
    for _ in range(2):  # a link previewer opening the page does not use the link up
        shown = await operator.page(f"/console/sign-in?token={token}")
        assert shown.status == 200 and "Sign in as Ana Ruiz" in shown.text
    response = await operator.client.post("/console/sign-in", data={"token": token})
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "Max-Age=2592000" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert operator.app.admin_token not in cookie and token not in cookie
    page = await operator.page("/console/cases/1")
    assert "Signed in as Ana Ruiz" in page.text and "Case #1: Noor Haddad" in page.text

    async with console_client(operator.app) as stranger:
        used = Page(await stranger.client.get(f"/console/sign-in?token={token}"))
        assert used.status == 401 and NOT_VALID in used.text
        again = Page(await stranger.client.post("/console/sign-in", data={"token": token}))
        assert again.status == 401 and NOT_VALID in again.text
        assert (await stranger.client.get("/console")).status_code == 303


async def test_an_expired_link_and_one_sent_from_elsewhere_do_not_sign_in(operator):
    past = Operators(operator.app.database, clock=lambda: utcnow() - timedelta(hours=73))
    _, stale = await past.add("Old", approver=True)
    page = Page(await operator.client.post("/console/sign-in", data={"token": stale}))
    assert page.status == 401 and NOT_VALID in page.text
    token = await operator.add("Ana")
    forged = await operator.client.post("/console/sign-in", data={"token": token},
                                        headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403 and SESSION_COOKIE not in forged.headers.get("set-cookie", "")
    assert (await operator.follow(token)).status_code == 303


async def test_revoking_ends_the_session_at_once_and_the_link_stops_working(operator):
    await operator.sign_in("Ana")
    assert (await operator.client.get("/console")).status_code == 200
    accounts = operator.app.desk.approvers.accounts
    _, spare = await accounts.add("Bo", approver=False)
    await accounts.revoke("ana")
    await accounts.revoke("Bo")
    gone = await operator.client.get("/console")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/console/login")
    async with console_client(operator.app) as bo:
        page = Page(await bo.client.post("/console/sign-in", data={"token": spare}))
        assert page.status == 401 and NOT_VALID in page.text


async def test_a_new_link_ends_the_previous_session(operator):
    await operator.sign_in("Ana")
    _, fresh = await operator.app.desk.approvers.accounts.issue_link("Ana")
    assert (await operator.client.get("/console")).status_code == 303
    async with console_client(operator.app) as laptop:
        await laptop.follow(fresh)
        assert "Signed in as Ana" in (await laptop.page("/console")).text


async def test_forged_stale_or_garbled_cookies_are_refused(operator, caseloop, smtp):
    await over_limit_refund(caseloop, smtp)
    await operator.sign_in("Ana")
    token, now = operator.app.admin_token, time.time()
    genuine = operator.client.cookies[SESSION_COOKIE]
    subject = read_session(genuine, token, now).subject
    for cookie in (issue_session(subject, "a-different-token-altogether", now),
                   issue_session(subject, token, now - 31 * 24 * 3600),
                   issue_session("account:guessed", token, now),
                   issue_session("admin", token, now),  # the admin, once accounts exist
                   "Ana", "...", token):
        operator.client.cookies.set(SESSION_COOKIE, cookie)
        response = await operator.client.get("/console")
        assert response.status_code == 303, cookie
        assert "Noor" not in response.text
    operator.client.cookies.clear()
    garbled = await operator.client.get("/console", headers=[
        (b"cookie", f"{SESSION_COOKIE}=\u00e9.1.\u00e9".encode("latin-1"))])
    assert garbled.status_code == 303
    operator.client.cookies.set(SESSION_COOKIE, genuine)
    ok = await operator.client.get("/console")
    assert ok.status_code == 200 and "Noor Haddad" in ok.text


async def test_a_form_not_posted_from_a_console_page_changes_nothing(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    await operator.sign_in()
    for fields in ({}, {"csrf": "guessed"}):
        page = Page(await operator.client.post(f"/console/cases/{case_id}/take-over",
                                               data=fields))
        assert page.status == 403 and "This form is out of date" in page.text
    assert (await operator.app.desk.case(case_id)).mode == "bot"


async def test_signing_out_forgets_the_session(operator):
    await operator.sign_in()
    page = await operator.submit("/console", "/console/logout")
    assert "You are signed out." in page.text and OWN_LINK in page.text
    assert (await operator.client.get("/console")).status_code == 303


async def test_the_admin_token_signs_in_only_until_someone_has_an_account(operator):
    link = await operator.page(f"/console?token={operator.app.admin_token}")
    assert "Console token" not in link.text and "/console/login" in link.forms
    signed = await operator.client.post("/console/login", data=link.forms["/console/login"])
    assert signed.headers["location"] == "/console"
    assert "Signed in as admin" in (await operator.page("/console")).text
    wrong = Page(await operator.client.post("/console/login", data={"token": "nope"}))
    assert wrong.status == 401 and "That token is not right." in wrong.text

    await operator.add("Ana")
    assert (await operator.client.get("/console")).status_code == 303
    for page in (await operator.page("/console/login"),
                 await operator.page(f"/console?token={operator.app.admin_token}"),
                 Page(await operator.sign_in_as_admin())):
        assert OWN_LINK in page.text and "Console token" not in page.text
    assert (await operator.client.get("/console", headers=operator.bearer)).status_code == 200


async def test_guesses_sent_all_at_once_meet_the_same_limit(caseloop):
    app, _ = caseloop
    web = FastAPI()
    web.state.caseloop = app
    web.include_router(console.router)
    transport = httpx.ASGITransport(app=web, client=("203.0.113.9", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = await asyncio.gather(*(client.post("/console/login", data={"token": f"g{n}"})
                                         for n in range(40)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 5 + [429] * 35


async def test_failed_sign_ins_are_throttled_per_address(caseloop):
    app, _ = caseloop
    now = [1000.0]
    web = FastAPI()
    web.state.caseloop = app
    web.state.console_sign_ins = SignInThrottle(clock=lambda: now[0])
    web.include_router(console.router)
    transport = httpx.ASGITransport(app=web, client=("203.0.113.7", 4000))
    neighbour = httpx.ASGITransport(app=web, client=("203.0.113.8", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client, \
            httpx.AsyncClient(transport=neighbour, base_url="http://testserver") as other:
        guesser = Console(app, client)
        for guess in ("a", "b", "c"):
            page = Page(await client.post("/console/login", data={"token": guess}))
            assert page.status == 401
        assert (await client.get("/console/sign-in?token=d")).status_code == 401
        assert (await client.get("/console", headers={"Authorization": "Bearer e"})).status_code \
            == 401
        for attempt in (guesser.sign_in_as_admin(), client.get("/console/sign-in?token=x"),
                        client.get(f"/console?token={app.admin_token}")):
            page = Page(await attempt)
            assert page.status == 429
            assert "Too many failed sign-ins from your address. Try again in 60 seconds." in (
                page.text)
        scripted = await client.get("/console", headers=guesser.bearer)
        assert scripted.status_code == 429 and scripted.headers["retry-after"] == "60"
        assert scripted.json() == {
            "error": "Too many failed sign-ins from your address. Try again in 60 seconds."}
        assert (await other.get("/console", headers=guesser.bearer)).status_code == 200
        now[0] += 61
        assert (await guesser.sign_in_as_admin()).status_code == 303
