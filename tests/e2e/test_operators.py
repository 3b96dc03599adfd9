"""Operator accounts against the real server: made with `caseloop operators`, used by people.

Each person is an HTTP client of their own (cookies kept); the customer writes on the web chat.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.bot.web.test_console_routes import Page
from tests.e2e.test_console import TOKEN, operators_command, sign_in_link
from tests.e2e.test_slack import ask_for_big_refund, query, until, verified_chat
from tests.factories import env_for, make_settings
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

NOT_VALID = "This sign-in link does not work"


@pytest.fixture
def server_env(server_env: dict[str, str]) -> dict[str, str]:
    return {**server_env, "CASELOOP_ADMIN_TOKEN": TOKEN, "CASELOOP_TWO_APPROVERS_ABOVE": "100"}


class Person:
    """Someone at the console in a browser of their own."""

    def __init__(self, server: CaseloopServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)

    def follow(self, link: str) -> httpx.Response:
        """Open a sign-in link and press its button."""
        shown = Page(self.http.get(link))
        return self.http.post("/console/sign-in", data=shown.forms.get("/console/sign-in", {}))

    def page(self, path: str) -> Page:
        return Page(self.http.get(path))

    def submit(self, path: str, action: str, **fields: str) -> Page:
        """Post a form of the page at `path` (plus `fields`), and read where it leads."""
        response = self.http.post(action, data={**self.page(path).forms[action], **fields})
        return self.page(response.headers["location"]) if response.is_redirect else Page(response)


@pytest.fixture
def people(server: CaseloopServer) -> Iterator[dict[str, Person]]:
    made: dict[str, Person] = {}
    yield made
    for person in made.values():
        person.http.close()


def join(server: CaseloopServer, people: dict[str, Person], name: str, *options: str) -> Person:
    person = people[name] = Person(server)
    signed = person.follow(sign_in_link(server, "add", name, *options))
    assert signed.status_code == 303 and signed.headers["location"] == "/console"
    return person


def refunded(server: CaseloopServer) -> Decimal:
    [(amount,)] = query(server, "SELECT refunded FROM store_orders WHERE id = ?", "Q5560")
    return Decimal(amount)


def refund_decisions(server: CaseloopServer) -> list[tuple[str, str]]:
    return query(server, "SELECT actor, outcome FROM audit WHERE action = 'refund' ORDER BY id")


async def pending_case(server: CaseloopServer, smtp: SmtpSink) -> tuple[str, str, object]:
    """Noor asks for a refund of 120.00 that needs two approvers; her case's page and approve."""
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    [case] = until(lambda: httpx.get(f"{server.url}/console", headers={
        "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    ).json()["pending_approvals"])
    return (f"/console/cases/{case['id']}", f"/console/approvals/{case['approval']['id']}/approve",
            chat)


async def test_two_approvals_take_two_accounts_and_the_refund_happens_once(
    server: CaseloopServer, smtp: SmtpSink, people: dict[str, Person]
) -> None:
    case, approve, chat = await pending_case(server, smtp)
    cy = join(server, people, "Cy")
    shown = cy.page(case)
    assert "Signed in as Cy" in shown.text and "0 of 2 approvals" in shown.text
    assert "Only approvers can approve or deny this request." in shown.text
    assert approve not in shown.forms
    refused = cy.http.post(approve, data={**shown.forms[f"{case}/take-over"], "digest": "x"})
    assert refused.status_code == 403 and "Only approvers can approve or deny" in refused.text

    ana = join(server, people, "Ana", "--approver")
    assert "This amount needs a second approver" in ana.submit(case, approve).text
    again = people["Ana, elsewhere"] = Person(server)
    again.follow(sign_in_link(server, "link", "Ana"))
    assert "Signed in as Ana" in again.page("/console").text
    assert "You already approved this one" in again.submit(case, approve).text
    assert refunded(server) == Decimal("0.00")

    bo = join(server, people, "Bo", "--approver")
    page = bo.submit(case, approve)
    assert "Request approved" in page.text and "Approved by console:Ana, console:Bo" in page.text
    assert "refunded 120.00 EUR on order Q5560" in (await chat.receive())["text"]
    assert refunded(server) == Decimal("120.00")
    assert refund_decisions(server) == [
        ("agent", "pending_approval"), ("console:Ana", "approval_given"),
        ("console:Bo", "approved"), ("console:Ana,console:Bo", "done")]
    await chat.close()


async def test_revoking_ends_the_session_and_the_link_and_the_list_shows_no_secret(
    server: CaseloopServer, people: dict[str, Person]
) -> None:
    ana = join(server, people, "Ana", "--approver")
    assert ana.http.get("/console").status_code == 200
    bo_link = sign_in_link(server, "add", "Bo")
    listed = operators_command(server, "list")
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["NAME", "APPROVER", "CREATED", "LAST", "SIGN-IN", "REVOKED",
                                "UNUSED", "LINK", "UNTIL"]
    assert [line.split()[:2] for line in lines[1:]] == [["Ana", "yes"], ["Bo", "no"]]
    assert bo_link.split("token=")[1] not in listed.stdout and "token" not in listed.stdout

    for name in ("Ana", "Bo"):
        done = operators_command(server, "revoke", name)
        assert done.returncode == 0 and f"Revoked {name}" in done.stdout
    gone = ana.http.get("/console")
    assert gone.status_code == 303 and gone.headers["location"] == "/console/login?next=/console"
    assert "Operators sign in with a link of their own" in ana.page("/console/login").text
    bo = people["Bo"] = Person(server)
    dead = bo.http.get(bo_link)
    assert dead.status_code == 401 and NOT_VALID in Page(dead).text
    assert bo.http.post("/console/sign-in", data={"token": bo_link.split("token=")[1]}
                        ).status_code == 401
    rows = [json.loads(line) for line in operators_command(server, "list", "--json")
            .stdout.splitlines()]
    assert [(row["name"], row["revoked_at"] is not None) for row in rows] == [
        ("Ana", True), ("Bo", True)]
    refused = operators_command(server, "link", "Ana")
    assert refused.returncode == 1 and "was revoked" in refused.stderr
    assert operators_command(server, "add", "admin").returncode == 1


def test_failed_sign_ins_are_throttled(server: CaseloopServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as guesser:
        for guess in range(5):
            assert guesser.post("/console/login", data={"token": f"guess-{guess}"}
                                ).status_code == 401
        page = guesser.post("/console/login", data={"token": TOKEN})
        assert page.status_code == 429 and 0 < int(page.headers["retry-after"]) <= 60
        assert "Too many failed sign-ins from your address. Try again in" in Page(page).text
        scripted = guesser.get("/console", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scripted.status_code == 429
        assert scripted.json()["error"].startswith("Too many failed sign-ins")


def test_oversized_or_deeply_nested_bodies_are_refused(server: CaseloopServer) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json",
              "Content-Type": "application/json"}

    def twenty_mib() -> Iterator[bytes]:
        for _ in range(1280):
            yield b" " * 16_384

    with httpx.Client(base_url=server.url, timeout=30) as script:
        answers = []
        for path in ("/console/login", "/console/cases/1/reply"):
            try:
                answers.append(script.post(path, content=twenty_mib(), headers=bearer).status_code)
            except httpx.WriteError:  # the server answered and closed before the end
                answers.append("closed")
        assert set(answers) <= {413, "closed"} and 413 in answers
        for path in ("/console/login", "/console/cases/1/reply"):
            nested = script.post(path, content=b'{"a":' * 5000 + b"1" + b"}" * 5000,
                                 headers=bearer)
            assert nested.status_code == 400, path
            assert "nested deeper than 32 levels" in nested.text
        assert script.get("/readyz").status_code == 200


async def test_the_console_link_in_the_log_signs_in_only_before_accounts(
    smtp: SmtpSink, tmp_path: Path
) -> None:
    server = CaseloopServer(env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)),
                            tmp_path)
    server.start()
    try:
        sign_in_link(server, "add", "Ana")
        [link] = re.findall(r'Operator console: ([^\s"]+/console\?token=[^\s"]+)', server.log())
        page = httpx.get(link.replace("http://localhost", "http://127.0.0.1"))
        assert page.status_code == 403
        assert "Operators sign in with a link of their own" in Page(page).text
    finally:
        server.stop()
