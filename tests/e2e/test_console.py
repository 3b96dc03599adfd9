"""The operator console in headless Chromium against the real server, beside a customer's chat."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_slack import (
    ask_for_big_refund,
    buttons,
    click,
    parent,
    until,
    updated,
    verified_chat,
)
from tests.factories import env_for, make_settings
from tests.fakes.server import CaseloopServer
from tests.fakes.slack import CHANNEL, SIGNING_SECRET, FakeSlack
from tests.fakes.slack import TOKEN as SLACK_TOKEN
from tests.fakes.smtp import SmtpSink

TOKEN = "console-token-for-the-e2e-tests"
EMAIL = "noor.haddad@example.org"
WAIT_MS = 10_000
ONLINE = "Online — we usually reply in seconds"


@pytest.fixture
def server_env(server_env: dict[str, str]) -> dict[str, str]:
    return {**server_env, "CASELOOP_ADMIN_TOKEN": TOKEN}



async def say(chat: Page, text: str, replies: int = 1) -> list[str]:
    """The customer types a message and waits for the next `replies` bubbles from support."""
    bubbles = chat.locator(".log li.bot")
    before = await bubbles.count()
    await chat.fill("#text", text)
    await chat.press("#text", "Enter")
    await expect(bubbles).to_have_count(before + replies, timeout=WAIT_MS)
    return (await bubbles.all_inner_texts())[before:]


async def verified_customer(browser: Browser, server: CaseloopServer, smtp: SmtpSink) -> Page:
    """Noor on the web chat, verified with the code mailed to her."""
    chat = await (await browser.new_context()).new_page()
    await chat.goto(server.url)
    await expect(chat.locator("#status")).to_have_text(ONLINE, timeout=WAIT_MS)
    assert "6-digit code" in (await say(chat, EMAIL))[0]
    assert await say(chat, await smtp.code_for(EMAIL)) == ["Thank you, Noor, you're verified."]
    return chat


def operators_command(server: CaseloopServer, *args: str) -> subprocess.CompletedProcess[str]:
    """`caseloop operators ...` run beside the server, on its database, as its admin would."""
    env = {**os.environ, **server.env, "PORT": str(server.port)}
    return subprocess.run([sys.executable, "-m", "bot", "operators", *args], env=env,
                          cwd=server.workdir, capture_output=True, text=True, timeout=60)


def sign_in_link(server: CaseloopServer, command: str, name: str, *options: str) -> str:
    """The one-time link `caseloop operators add|link NAME` prints, to open on this machine."""
    done = operators_command(server, command, name, *options)
    assert done.returncode == 0, done.stderr
    [link] = re.findall(r"^http://localhost:\d+/console/sign-in\?token=\S+$", done.stdout,
                        re.MULTILINE)
    assert link.startswith(f"http://localhost:{server.port}/")
    return link.replace("http://localhost", "http://127.0.0.1")


async def signed_in_operator(browser: Browser, server: CaseloopServer, name: str,
                             approver: bool = True) -> Page:
    """An operator with an account of their own, signed in by its link in their own browser."""
    link = sign_in_link(server, "add", name, *(["--approver"] if approver else []))
    console = await (await browser.new_context()).new_page()
    await console.goto(link)
    await console.get_by_role("button", name=f"Sign in as {name}").click()
    await expect(console).to_have_url(f"{server.url}/console")
    await expect(console.locator(".who")).to_have_text(f"Signed in as {name}")
    return console


async def open_case(console: Page, row_text: str, customer: str = "Noor Haddad") -> None:
    """Click through from the list to the case whose row mentions `row_text`.

    The case is handed to people right after the customer's turn, so the list is reloaded
    until it shows (as an operator would).
    """
    row = console.locator("table.cases tbody tr", has_text=row_text)
    for _ in range(WAIT_MS // 250):
        if await row.count() == 1:
            break
        await console.wait_for_timeout(250)
        await console.reload()
    await expect(row).to_have_count(1, timeout=WAIT_MS)
    await row.get_by_role("link").click()
    await expect(console.locator("h1")).to_contain_text(customer)


async def test_the_console_needs_the_token_and_loads_nothing_from_elsewhere(
    server: CaseloopServer, browser: Browser
) -> None:
    answer = httpx.get(f"{server.url}/console", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")
    refused = httpx.get(f"{server.url}/console", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    listing = httpx.get(f"{server.url}/console", headers={"Authorization": f"Bearer {TOKEN}",
                                                          "Accept": "application/json"})
    assert listing.json() == {"pending_approvals": [], "open_cases": [], "closed_cases": []}

    console = await (await browser.new_context()).new_page()
    requested: list[str] = []
    console.on("request", lambda request: requested.append(request.url))
    await console.goto(f"{server.url}/console")
    await console.fill("#token", "not the token")
    await console.click("text=Sign in >> nth=-1")
    await expect(console.get_by_role("alert")).to_have_text("That token is not right.")
    assert all(url.startswith(server.url) for url in requested)
    assert "text/css" in httpx.get(f"{server.url}/static/console.css").headers["content-type"]


async def test_with_no_token_configured_the_link_in_the_log_opens_the_console(
    browser: Browser, smtp: SmtpSink, tmp_path: Path
) -> None:
    generated = CaseloopServer(env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)),
                               tmp_path)
    generated.start()
    try:
        [link] = re.findall(r'Operator console: ([^\s"]+/console\?token=[^\s"]+)',
                             generated.log())
        console = await (await browser.new_context()).new_page()
        await console.goto(link.replace("http://localhost", "http://127.0.0.1"))
        await expect(console.get_by_label("Console token")).to_have_count(0)
        await console.click("text=Sign in >> nth=-1")
        await expect(console).to_have_url(f"{generated.url}/console")
        await expect(console.locator(".who")).to_have_text("Signed in as admin")
        await expect(console.get_by_text("Nothing is waiting for a decision.")).to_be_visible()
        link = sign_in_link(generated, "add", "Ana", "--approver")
        await console.reload()  # the admin token signed in only until someone has an account
        await expect(console.get_by_text("Operators sign in with a link of their own")
                     ).to_be_visible()
        await console.goto(link)
        await console.get_by_role("button", name="Sign in as Ana").click()
        await expect(console.locator(".who")).to_have_text("Signed in as Ana")
    finally:
        generated.stop()


async def test_an_operator_approves_the_exact_refund_and_the_customer_is_told_once(
    server: CaseloopServer, browser: Browser, smtp: SmtpSink
) -> None:
    chat = await verified_customer(browser, server, smtp)
    [confirm] = await say(chat, "I'd like a refund for my armchair, order Q5560")
    assert "refund 120.00 EUR on order Q5560" in confirm
    [parked] = await say(chat, "yes")
    assert "approval" in parked

    ana = await signed_in_operator(browser, server, "Ana")
    pending = ana.locator("table.approvals tbody tr")
    await expect(pending).to_have_count(1)
    row = await pending.inner_text()
    for shown in ("Noor Haddad", "refund 120.00 EUR on order Q5560", "order_id", "Q5560",
                  "amount", "120.00", "refund-over-50-needs-approval", "0 of 1 approval"):
        assert shown in row
    await open_case(ana, "Needs approval")
    case_url = ana.url
    transcript = ana.locator("ol.transcript li")
    await expect(transcript.filter(has_text="I'd like a refund for my armchair")).to_contain_text(
        "webchat")

    bo = await signed_in_operator(browser, server, "Bo")  # a colleague with the page open too
    await bo.goto(case_url)
    await expect(bo.get_by_role("button", name="Approve")).to_be_visible()

    told_before = await chat.locator(".log li.bot").count()
    await ana.get_by_role("button", name="Approve").click()
    await expect(ana.get_by_role("status")).to_contain_text("Request approved")
    await expect(ana.locator("#approval")).to_contain_text("Approved by console:Ana")
    await expect(ana.get_by_role("button", name="Approve")).to_have_count(0)
    await expect(chat.locator(".log li.bot")).to_have_count(told_before + 1, timeout=WAIT_MS)
    await expect(chat.locator(".log li.bot").last).to_contain_text(
        "refunded 120.00 EUR on order Q5560")

    await bo.get_by_role("button", name="Approve").click()
    await expect(bo.get_by_role("status")).to_have_text(
        "This request was already approved (by console:Ana); nothing changed.")

    await ana.reload()
    refund_rows = []
    for row in await ana.locator("table.audit tbody tr").all():
        _, who, action, _, outcome, _ = await row.locator("td").all_inner_texts()
        if action.split()[0] == "refund":
            refund_rows.append((who, outcome))
    assert refund_rows == [("agent", "pending_approval"), ("console:Ana", "approved"),
                           ("console:Ana", "done")]
    await chat.wait_for_timeout(500)
    refunds = chat.locator(".log li.bot", has_text="refunded 120.00 EUR on order Q5560")
    await expect(refunds).to_have_count(1)


async def test_an_operator_takes_over_talks_to_the_customer_and_hands_back(
    server: CaseloopServer, browser: Browser, smtp: SmtpSink
) -> None:
    chat = await verified_customer(browser, server, smtp)
    [handing] = await say(chat, "can I talk to a human please")
    assert "colleague" in handing

    ana = await signed_in_operator(browser, server, "Ana")
    await open_case(ana, "Asked for a person")
    await ana.get_by_role("button", name="Take over").click()
    await expect(ana.get_by_role("status")).to_contain_text("You have the case")
    await expect(ana.locator("dd.mode")).to_have_text("Taken over by console:Ana")
    await expect(chat.locator(".log li.bot").last).to_contain_text(
        "joined this conversation", timeout=WAIT_MS)

    await ana.fill("#reply-text", "Hi Noor, Ana here. What happened to the armchair?")
    await ana.get_by_role("button", name="Send").click()
    await expect(ana.get_by_role("status")).to_have_text("Sent to the customer on webchat.")
    await expect(chat.locator(".log li.bot").last).to_have_text(
        "Hi Noor, Ana here. What happened to the armchair?", timeout=WAIT_MS)

    quiet_from = await chat.locator(".log li.bot").count()
    await chat.fill("#text", "one leg snapped off on the first day")
    await chat.press("#text", "Enter")
    customer_line = ana.locator("ol.transcript li.customer",
                                has_text="one leg snapped off on the first day")
    await expect(customer_line).to_contain_text("webchat", timeout=WAIT_MS)  # no reload
    await chat.wait_for_timeout(1500)
    await expect(chat.locator(".log li.bot")).to_have_count(quiet_from)  # the bot stayed silent

    await ana.get_by_role("button", name="Hand back to the bot").click()
    await expect(ana.get_by_role("status")).to_have_text(
        "Handed back: the bot answers the customer again.")
    [answer] = await say(chat, "where is my order Q5544?")
    assert "DPD-998877" in answer


async def test_with_slack_configured_a_decision_in_either_shows_in_the_other(
    browser: Browser, smtp: SmtpSink, tmp_path: Path
) -> None:
    slack = FakeSlack()
    slack.start()
    server = CaseloopServer({
        **env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url)),
        "CASELOOP_ADMIN_TOKEN": TOKEN, "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_ESCALATION_CHANNEL": CHANNEL,
        "SLACK_APPROVERS": "U0ALICE", "SLACK_API_URL": slack.api_url}, tmp_path)
    server.start()
    try:
        noor, _ = await verified_chat(server, smtp)
        await ask_for_big_refund(noor)
        noor_thread = parent(slack)
        ana = await signed_in_operator(browser, server, "Ana")
        await open_case(ana, "Noor Haddad")
        await ana.get_by_role("button", name="Approve").click()
        await expect(ana.get_by_role("status")).to_contain_text("Request approved")
        assert buttons(updated(slack, noor_thread, "*Approved* by Ana (console)")) == {}

        bart = await server.connect(server.new_session())
        await bart.ask("bart@okafor.example")
        await bart.ask(await smtp.code_for("bart@okafor.example"))
        assert "refund 20.00" in (await bart.ask("please refund my candle, order V9001"))[0]
        assert "approval" in (await bart.ask("yes"))[0]
        await ana.goto(f"{server.url}/console")
        await open_case(ana, "Bartholomew Okafor", "Bartholomew Okafor")
        await expect(ana.get_by_role("button", name="Approve")).to_be_visible()
        bart_thread = until(lambda: [m for m in slack.parents() if m.ts != noor_thread.ts])[0]
        assert click(server, "U0ALICE", "Approve", bart_thread).status_code == 200
        assert "refunded 20.00" in (await bart.receive())["text"]
        await ana.reload()
        await expect(ana.locator("#approval")).to_contain_text("Approved by slack:U0ALICE")
        await expect(ana.get_by_role("button", name="Approve")).to_have_count(0)
        await noor.close()
        await bart.close()
    finally:
        server.stop()
        slack.stop()
