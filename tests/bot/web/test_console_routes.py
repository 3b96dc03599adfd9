"""The console's routes in process, against a real Caseloop: sign-in, decisions, takeovers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from html.parser import HTMLParser

import httpx
import pytest
from fastapi import FastAPI

from bot.assembly import Caseloop, assemble
from bot.web.routes import console
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
        self._textarea: str | None = None
        self.feed(response.text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(fields.get("action") or "", {})
        elif tag in ("input", "textarea", "select") and self._form is not None and (
                fields.get("name")):
            self._form[fields["name"] or ""] = fields.get("value") or ""
            self._textarea = fields["name"] if tag == "textarea" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            self._form[self._textarea] += data
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

    async def add(self, name: str, approver: bool = True) -> str:
        """An account made as `caseloop operators add` makes it; its sign-in link's token."""
        _, token = await self.app.desk.approvers.accounts.add(name, approver=approver)
        return token

    async def follow(self, token: str) -> httpx.Response:
        """Open a sign-in link and press its button."""
        page = await self.page(f"/console/sign-in?token={token}")
        return await self.client.post("/console/sign-in",
                                      data=page.forms.get("/console/sign-in", {"token": token}))

    async def sign_in(self, name: str = "Ana", approver: bool = True) -> httpx.Response:
        """A new account for `name`, signed in to this browser with its link."""
        return await self.follow(await self.add(name, approver))

    async def sign_in_as_admin(self) -> httpx.Response:
        """The admin token in the sign-in form (only before anyone has an account)."""
        return await self.client.post("/console/login", data={
            "token": self.app.admin_token, "next": "/console"})

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


# Scripts


async def test_scripts_get_json_and_act_as_the_admin(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    listing = (await operator.client.get("/console", headers=operator.bearer)).json()
    [pending] = listing["pending_approvals"]
    assert (pending["id"], pending["approval"]["action"], pending["approval"]["args"]) == (
        case_id, "refund", {"order_id": "Q5560", "amount": "120.00"})
    taken = await operator.client.post(f"/console/cases/{case_id}/take-over",
                                       headers=operator.bearer)
    assert taken.status_code == 200 and taken.json()["case"]["taken_by"] == "console:admin"
    named = await operator.client.post(
        f"/console/cases/{case_id}/reply", json={"text": "Checking the photos now."},
        headers={**operator.bearer, "X-Caseloop-Operator": "Night shift"})
    assert named.status_code == 400 and "X-Caseloop-Operator is no longer read" in (
        named.json()["error"])
    sent = await operator.client.post(f"/console/cases/{case_id}/reply",
                                      json={"text": "Checking the photos now."},
                                      headers=operator.bearer)
    assert sent.json() == {"sent": True, "message": "Sent to the customer on test."}
    detail = (await operator.client.get(f"/console/cases/{case_id}",
                                        headers=operator.bearer)).json()
    assert ("agent:console:admin", "Checking the photos now.") in [
        (line["role"], line["text"]) for line in detail["transcript"]]
    assert [(r["actor"], r["action"]) for r in detail["audit"]][-2:] == [
        ("console:admin", "take_over"), ("console:admin", "human_message")]


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


async def test_above_the_two_approver_amount_a_second_different_account_is_needed(
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
        async with console_client(app) as ana, console_client(app) as again, \
                console_client(app) as bo:
            await ana.sign_in("Ana")
            assert "0 of 2 approvals" in (await ana.page("/console")).text
            page = await ana.submit(path, approve)
            assert "This amount needs a second approver" in page.text
            assert "1 of 2 approvals (console:Ana)" in page.text
            assert "You already approved this one" in (await ana.submit(path, approve)).text
            await again.follow((await app.desk.approvers.accounts.issue_link("ana"))[1])
            assert "You already approved this one" in (await again.submit(path, approve)).text
            assert await refunded(app) == Decimal("0.00")
            await bo.sign_in("Bo")
            page = await bo.submit(path, approve)
            assert "Request approved" in page.text
            assert "Approved by console:Ana, console:Bo" in page.text
        assert await refunded(app) == Decimal("120.00")
        assert [(r.actor, r.outcome) for r in await app.desk.audit_trail(case_id)] == [
            ("agent", "pending_approval"), ("console:Ana", "approval_given"),
            ("console:Bo", "approved"), ("console:Ana,console:Bo", "done")]
    finally:
        await app.close()


async def test_an_account_that_is_not_an_approver_views_but_does_not_decide(
    operator, caseloop, smtp
):
    case_id = await over_limit_refund(caseloop, smtp)
    await operator.sign_in("Cy", approver=False)
    path = f"/console/cases/{case_id}"
    shown = await operator.page(path)
    assert "Signed in as Cy" in shown.text and "refund 120.00 EUR on order Q5560" in shown.text
    assert "Only approvers can approve or deny this request." in shown.text
    approval = (await operator.app.desk.case(case_id)).approval
    assert f"/console/approvals/{approval.id}/approve" not in shown.forms
    csrf = shown.forms[f"{path}/take-over"]["csrf"]
    for decision in ("approve", "deny"):
        page = Page(await operator.client.post(
            f"/console/approvals/{approval.id}/{decision}",
            data={"csrf": csrf, "digest": approval.digest, "reason": "no"}))
        assert page.status == 403 and "Only approvers can approve or deny requests" in page.text
    assert (await operator.app.desk.case(case_id)).approval.status == "pending"
    assert await refunded(operator.app) == Decimal("0.00")
    page = await operator.submit(path, f"{path}/take-over")
    assert "Taken over by console:Cy" in page.text


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


async def test_bodies_too_large_or_too_deep_are_refused_while_read(operator, caseloop, smtp):
    case_id = await over_limit_refund(caseloop, smtp)
    reply = f"/console/cases/{case_id}/reply"
    read: list[int] = []

    async def chunks(count: int):
        for _ in range(count):
            read.append(1)
            yield b"x" * 16_384

    chunked = await operator.client.post(reply, content=chunks(1280), headers={
        **operator.bearer, "Content-Type": "application/json"})  # 20 MiB, no Content-Length
    assert chunked.status_code == 413 and chunked.json() == {"error": "That request is too large."}
    assert len(read) <= 6  # given up on past 64 KiB, not read to the end
    deep = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    nested = await operator.client.post(reply, content=deep, headers={
        **operator.bearer, "Content-Type": "application/json"})
    assert nested.status_code == 413
    deep = b'{"text": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    for headers in (operator.bearer, {"Authorization": operator.bearer["Authorization"]}):
        nested = await operator.client.post(reply, content=deep, headers={
            **headers, "Content-Type": "application/json"})
        assert nested.status_code == 400, nested.text
        assert "nested deeper than 32 levels" in nested.text
    login = await operator.client.post("/console/login", content=deep,
                                       headers={"Content-Type": "application/json"})
    assert login.status_code == 400 and "nested deeper than 32 levels" in login.text
    other = await operator.client.post(reply, content=b"text=hi",
                                       headers={**operator.bearer, "Content-Type": "text/plain"})
    assert other.status_code == 415
    assert [r.action for r in await operator.app.desk.audit_trail(case_id)] == ["refund"]


async def test_only_the_person_who_took_the_case_over_writes_to_the_customer(
    operator, caseloop, smtp
):
    case_id = await over_limit_refund(caseloop, smtp)
    app, channel = caseloop
    await operator.sign_in()
    path = f"/console/cases/{case_id}"
    await operator.submit(path, f"{path}/take-over")
    before = channel.texts_for("noor")
    refused = await operator.client.post(f"{path}/reply", json={"text": "Send your card number"},
                                         headers=operator.bearer)
    assert refused.status_code == 409 and refused.json() == {
        "sent": False, "message": "Ana has taken this case over: only they write to the customer."}
    assert channel.texts_for("noor") == before
    assert "human_message" not in [r.action for r in await app.desk.audit_trail(case_id)]
