"""The console's routes in process, against a real Caseloop: sign-in, decisions, takeovers."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from html.parser import HTMLParser

import httpx
import pytest
from fastapi import FastAPI

from bot.assembly import Caseloop, assemble
from bot.console.auth import SESSION_COOKIE, SESSION_SECONDS, issue_session
from bot.routes import console
from tests.conftest import Customer, verify
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink


class Page(HTMLParser):
    """A console page as a person reads it: its text, its notice, its forms."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__()
        self.status = response.status_code
        self.parts: list[str] = []
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self.feed(response.text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(fields.get("action") or "", {})
        elif tag in ("input", "textarea") and self._form is not None and fields.get("name"):
            self._form[fields["name"] or ""] = fields.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.parts)


class Console:
    """An operator's browser (cookies kept, redirects followed by hand) and a script's client."""

    def __init__(self, app: Caseloop, client: httpx.AsyncClient) -> None:
        self.app, self.client = app, client

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.app.admin_token}", "Accept": "application/json"}

    async def sign_in(self, name: str = "Ana") -> httpx.Response:
        return await self.client.post("/console/login", data={
            "token": self.app.admin_token, "name": name, "next": "/console"})

    async def page(self, path: str) -> Page:
        return Page(await self.client.get(path))

    async def submit(self, page_path: str, action: str, **fields: str) -> Page:
        """Post a form of the page at `page_path` (as shown, plus `fields`); follow the redirect."""
        form = (await self.page(page_path)).forms[action]
        response = await self.client.post(action, data={**form, **fields})
        if response.status_code == 303:
            return await self.page(response.headers["location"])
        return Page(response)


@asynccontextmanager
async def console_client(app: Caseloop) -> AsyncIterator[Console]:
    """A browser of its own on the console routes of a running Caseloop."""
    web = FastAPI()
    web.state.caseloop = app
    web.include_router(console.router)
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Console(app, client)


@pytest.fixture
async def operator(caseloop: tuple[Caseloop, CaptureChannel]) -> AsyncIterator[Console]:
    async with console_client(caseloop[0]) as client:
        yield client


async def over_limit_refund(caseloop: tuple[Caseloop, CaptureChannel], smtp: SmtpSink) -> int:
    """Noor asks for a refund of 120.00 that the policy sends to a person; the case's id."""
    app, channel = caseloop
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    await noor.say("I'd like a refund for my armchair, order Q5560")
    assert "approval" in (await noor.say("yes"))[0]
    [case] = await app.desk.pending_approvals()
    return case.id


async def refunded(app: Caseloop) -> Decimal:
    return (await app.store.get_order("Q5560")).refunded


# Signing in


async def test_without_the_token_nothing_about_customers_is_shown(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    for path in ("/console", f"/console/cases/{case_id}"):
        response = await operator.client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/console/login?next={path}"
        assert "Noor" not in response.text
    login = await operator.page(f"/console/login?next=/console/cases/{case_id}")
    assert "Sign in" in login.text and "Noor" not in login.text
    as_json = await operator.client.get("/console", headers={"Accept": "application/json"})
    assert as_json.status_code == 401 and as_json.json() == {
        "error": "Sign in with the console token."}
    posted = await operator.client.post(f"/console/cases/{case_id}/take-over")
    assert posted.status_code == 303 and posted.headers["location"].startswith("/console/login")
    assert (await operator.app.desk.case(case_id)).mode == "bot"


async def test_a_wrong_token_is_refused_by_the_form_and_for_scripts(operator):
    page = Page(await operator.client.post("/console/login", data={
        "token": "not-the-token", "name": "Ana", "next": "/console"}))
    assert page.status == 401 and "That token is not right." in page.text
    assert SESSION_COOKIE not in operator.client.cookies
    for header in ("Bearer not-the-token", f"Basic {operator.app.admin_token}", "Bearer"):
        response = await operator.client.get("/console", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json() == {"error": "That token is not right."}
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_signing_in_sets_a_cookie_that_never_holds_the_token(operator, caseloop, smtp):
    await over_limit_refund(caseloop, smtp)
    response = await operator.client.post("/console/login", data={
        "token": operator.app.admin_token, "name": "  Ana  Ruiz ", "next": "/console/cases/1"})
    assert response.status_code == 303 and response.headers["location"] == "/console/cases/1"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert operator.app.admin_token not in cookie
    page = await operator.page("/console/cases/1")
    assert "Signed in as Ana Ruiz" in page.text and "Case #1: Noor Haddad" in page.text


async def test_forged_stale_or_garbled_cookies_are_refused(operator, caseloop, smtp):
    await over_limit_refund(caseloop, smtp)
    token, now = operator.app.admin_token, time.time()
    genuine = issue_session("Ana", token, now)
    renamed = issue_session("Mallory", token, now).split(".")[0] + "." + \
        ".".join(genuine.split(".")[1:])
    for cookie in (issue_session("Ana", "a-different-token-altogether", now),
                   renamed,
                   issue_session("Ana", token, now - SESSION_SECONDS - 60),
                   "Ana", "...", token):
        operator.client.cookies.set(SESSION_COOKIE, cookie)
        response = await operator.client.get("/console")
        assert response.status_code == 303, cookie
        assert "Noor" not in response.text
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
    assert "You are signed out." in page.text and "Console token" in page.text
    assert (await operator.client.get("/console")).status_code == 303


async def test_the_link_in_the_log_only_asks_for_a_name(operator):
    page = await operator.page(f"/console?token={operator.app.admin_token}")
    assert "Your name" in page.text and "Console token" not in page.text
    signed = await operator.client.post("/console/login",
                                        data={**page.forms["/console/login"], "name": "Bo"})
    assert signed.headers["location"] == "/console"
    assert "Signed in as Bo" in (await operator.page("/console")).text
    operator.client.cookies.clear()
    wrong = await operator.client.get("/console?token=nope")
    assert wrong.status_code == 401 and "That token is not right." in wrong.text


async def test_scripts_get_json_and_act_as_console_api_or_the_named_operator(
    operator, caseloop, smtp
):
    case_id = await over_limit_refund(caseloop, smtp)
    listing = (await operator.client.get("/console", headers=operator.bearer)).json()
    [pending] = listing["pending_approvals"]
    assert (pending["id"], pending["approval"]["action"], pending["approval"]["args"]) == (
        case_id, "refund", {"order_id": "Q5560", "amount": "120.00"})
    taken = await operator.client.post(f"/console/cases/{case_id}/take-over",
                                       headers=operator.bearer)
    assert taken.status_code == 200 and taken.json()["case"]["taken_by"] == "console:api"
    sent = await operator.client.post(
        f"/console/cases/{case_id}/reply", json={"text": "Checking the photos now."},
        headers={**operator.bearer, "X-Caseloop-Operator": "Night shift"})
    assert sent.json() == {"sent": True, "message": "Sent to the customer on test."}
    detail = (await operator.client.get(f"/console/cases/{case_id}",
                                        headers=operator.bearer)).json()
    assert ("agent:console:Night shift", "Checking the photos now.") in [
        (line["role"], line["text"]) for line in detail["transcript"]]
    assert [(r["actor"], r["action"]) for r in detail["audit"]][-2:] == [
        ("console:api", "take_over"), ("console:Night shift", "human_message")]


# Deciding and talking


async def test_approving_from_the_page_refunds_once_and_tells_the_customer(
    operator, caseloop, smtp
):
    case_id = await over_limit_refund(caseloop, smtp)
    _, channel = caseloop
    await operator.sign_in()
    listing = await operator.page("/console")
    assert "refund 120.00 EUR on order Q5560" in listing.text
    assert "refund-over-50-needs-approval 0 of 1 approval" in listing.text

    path = f"/console/cases/{case_id}"
    approval_id = (await operator.app.desk.case(case_id)).approval.id
    page = await operator.submit(path, f"/console/approvals/{approval_id}/approve")
    assert "Request approved; outcome:" in page.text and "Approved by console:Ana" in page.text
    assert "refunded 120.00 EUR on order Q5560" in channel.texts_for("noor")[-1]
    assert await refunded(operator.app) == Decimal("120.00")

    stale = await operator.client.post(f"/console/approvals/{approval_id}/approve", data={
        **page.forms.get("/console/logout", {}),
        "digest": (await operator.app.desk.case(case_id)).approval.digest})
    again = await operator.page(stale.headers["location"])
    assert "This request was already approved (by console:Ana); nothing changed." in again.text
    assert await refunded(operator.app) == Decimal("120.00")


async def test_a_decision_on_an_action_other_than_the_one_shown_changes_nothing(
    operator, caseloop, smtp
):
    case_id = await over_limit_refund(caseloop, smtp)
    await operator.sign_in()
    approval_id = (await operator.app.desk.case(case_id)).approval.id
    page = await operator.submit(f"/console/cases/{case_id}",
                                 f"/console/approvals/{approval_id}/approve",
                                 digest="0123456789abcdef")
    assert "This request changed since it was shown to you; nothing was done." in page.text
    assert await refunded(operator.app) == Decimal("0.00")
    assert (await operator.app.desk.case(case_id)).approval.status == "pending"


async def test_denying_with_a_reason_tells_the_customer_and_refunds_nothing(
    operator, caseloop, smtp
):
    case_id = await over_limit_refund(caseloop, smtp)
    _, channel = caseloop
    await operator.sign_in("Bo")
    approval_id = (await operator.app.desk.case(case_id)).approval.id
    page = await operator.submit(f"/console/cases/{case_id}",
                                 f"/console/approvals/{approval_id}/deny",
                                 reason="Photos show no damage")
    assert "Request denied" in page.text
    assert "Denied by console:Bo" in page.text and "Reason: Photos show no damage" in page.text
    assert "refund" in channel.texts_for("noor")[-1]
    assert await refunded(operator.app) == Decimal("0.00")


async def test_above_the_two_approver_amount_a_second_different_operator_is_needed(
    tmp_path, smtp
):
    channel = CaptureChannel()
    app = await assemble(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url,
                                       CASELOOP_TWO_APPROVERS_ABOVE="100"),
                         extra_channels=[channel])
    try:
        case_id = await over_limit_refund((app, channel), smtp)
        approval_id = (await app.desk.case(case_id)).approval.id
        path, approve = f"/console/cases/{case_id}", f"/console/approvals/{approval_id}/approve"
        async with console_client(app) as ana, console_client(app) as bo:
            await ana.sign_in("Ana")
            await bo.sign_in("Bo")
            assert "0 of 2 approvals" in (await ana.page("/console")).text
            page = await ana.submit(path, approve)
            assert "This amount needs a second approver" in page.text
            assert "1 of 2 approvals (console:Ana)" in page.text
            assert "You already approved this one" in (await ana.submit(path, approve)).text
            assert await refunded(app) == Decimal("0.00")
            page = await bo.submit(path, approve)
            assert "Request approved" in page.text
            assert "Approved by console:Ana, console:Bo" in page.text
        assert await refunded(app) == Decimal("120.00")
    finally:
        await app.close()


async def test_take_over_reply_and_hand_back(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    app, channel = caseloop
    noor = Customer(app, channel, "noor")
    await operator.sign_in()
    path = f"/console/cases/{case_id}"
    assert f"{path}/reply" not in (await operator.page(path)).forms
    csrf = (await operator.page(path)).forms[f"{path}/take-over"]["csrf"]
    for action, fields in (("reply", {"text": "hi"}), ("hand-back", {})):
        refused = await operator.client.post(f"{path}/{action}", data={"csrf": csrf, **fields})
        page = await operator.page(refused.headers["location"])
        assert "The case is not taken over" in page.text and "Mode Bot" in page.text
    assert [r.action for r in await app.desk.audit_trail(case_id)] == ["refund"]

    page = await operator.submit(path, f"{path}/take-over")
    assert "You have the case" in page.text and "Taken over by console:Ana" in page.text
    assert "joined this conversation" in channel.texts_for("noor")[-1]
    page = await operator.submit(path, f"{path}/reply", text="Hi Noor, I'm Ana. Photos?")
    assert "Sent to the customer on test." in page.text
    assert channel.texts_for("noor")[-1] == "Hi Noor, I'm Ana. Photos?"
    assert await noor.say("sure, sending them now") == []
    assert re.search(r"Customer test \S+ \S+ UTC sure, sending them now",
                     (await operator.page(path)).text)

    page = await operator.submit(path, f"{path}/hand-back")
    assert "Handed back: the bot answers the customer again." in page.text
    assert "Mode Bot" in page.text  # still open: the refund waits for a decision
    assert f"{path}/reply" not in page.forms and f"{path}/take-over" in page.forms
    assert await noor.say("where is my order Q5544?") != []


async def test_malformed_requests_get_a_page_never_a_crash(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    await operator.sign_in()
    for path, status in (("/console/cases/abc", 422), ("/console/cases/0", 422),
                         ("/console/cases/99999999999999999999999", 422),
                         ("/console/cases/4242", 404)):
        page = await operator.page(path)
        assert page.status == status, path
        assert "Back to the cases" in page.text
    assert "There is no case #4242." in (await operator.page("/console/cases/4242")).text

    form = (await operator.page(f"/console/cases/{case_id}")).forms
    csrf = form[f"/console/cases/{case_id}/take-over"]["csrf"]
    approval_id = (await operator.app.desk.case(case_id)).approval.id
    for action, fields, status, says in (
        (f"/console/approvals/{approval_id}/approve", {"csrf": csrf}, 400,
         "did not say which action"),
        ("/console/approvals/9999/approve", {"csrf": csrf, "digest": "ab"}, 404,
         "There is no approval #9999."),
        (f"/console/cases/{case_id}/reply", {"csrf": csrf, "text": "   "}, 400,
         "Write something"),
        (f"/console/cases/{case_id}/reply", {"csrf": csrf, "text": "x" * 4001}, 400,
         "at most 4000 characters"),
    ):
        page = Page(await operator.client.post(action, data=fields))
        assert (page.status, says in page.text) == (status, True), action
    as_json = await operator.client.post(
        f"/console/cases/{case_id}/reply", content=b"[1, 2]",
        headers={**operator.bearer, "Content-Type": "application/json"})
    assert as_json.status_code == 400 and as_json.json() == {
        "error": "The body must be a JSON object."}
    not_text = await operator.client.post(f"/console/cases/{case_id}/reply",
                                          json={"text": 5}, headers=operator.bearer)
    assert not_text.status_code == 422
    assert await refunded(operator.app) == Decimal("0.00")
