"""Shadow mode in headless Chromium against the real server: a customer's request becomes a
draft, people send, edit or reject it on the case page, and the Autonomy page promotes a case
type (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_console import (
    WAIT_MS,
    open_case,
    say,
    signed_in_operator,
    verified_customer,
)
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

LAMP = "The desk lamp from order Q5521 arrived cracked, I'd like a refund please"
HOLDING = "A colleague is checking my answer"


@pytest.fixture
def server_env(server_env: dict[str, str]) -> dict[str, str]:
    return {**server_env, "CASELOOP_AUTONOMY": "shadow"}


def audit_log(server: CaseloopServer) -> list[dict]:
    """`caseloop audit --json`, run beside the server on its database."""
    env = {**os.environ, **server.env, "PORT": str(server.port)}
    done = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"], env=env,
                          cwd=server.workdir, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


async def asks_and_waits(chat: Page, text: str) -> None:
    """The customer writes; the bot answers only with the holding message."""
    [holding] = await say(chat, text)
    assert HOLDING in holding


async def open_waiting_draft(console: Page) -> None:
    """Open the open case that waits on a draft (the list reloads until it shows)."""
    row = console.locator("table.cases").first.locator("tbody tr", has_text="Draft to release")
    for _ in range(WAIT_MS // 250):
        if await row.count() == 1:
            break
        await console.wait_for_timeout(250)
        await console.reload()
    await row.get_by_role("link").click()
    await expect(draft_card(console)).to_have_count(1)


def draft_card(console: Page):  # type: ignore[no-untyped-def]
    return console.locator("article.draft.pending")


async def test_an_approver_sends_a_drafted_refund_once_and_a_colleague_cannot(
    server: CaseloopServer, browser: Browser, smtp: SmtpSink
) -> None:
    chat = await verified_customer(browser, server, smtp)
    await asks_and_waits(chat, LAMP)

    jon = await signed_in_operator(browser, server, "Jon", approver=False)
    await open_case(jon, "Draft to release")
    card = draft_card(jon)
    for shown in ("Customer wrote", LAMP, "Draft reply", "refunded 38.40 EUR on order Q5521",
                  "Action refund", "order_id", "Q5521", "amount", "38.40",
                  "Rule refund-up-to-50-auto"):
        await expect(card).to_contain_text(shown)
    await expect(card).to_contain_text("only approvers can send or edit it")
    await expect(card.get_by_role("button", name="Send", exact=True)).to_have_count(0)
    await expect(card.get_by_role("button", name="Reject")).to_be_visible()

    ana = await signed_in_operator(browser, server, "Ana")
    await ana.goto(jon.url)
    told_before = await chat.locator(".log li.bot").count()
    await draft_card(ana).get_by_role("button", name="Send", exact=True).click()
    await expect(ana.get_by_role("status")).to_have_text("Draft sent; outcome: done.")
    await expect(ana.locator("article.draft")).to_contain_text("Sent by console:Ana")
    await expect(ana.get_by_role("button", name="Send", exact=True)).to_have_count(0)
    await expect(chat.locator(".log li.bot")).to_have_count(told_before + 1, timeout=WAIT_MS)
    await expect(chat.locator(".log li.bot").last).to_contain_text("refunded 38.40")

    await jon.reload()  # the colleague's page now says who sent it, and offers nothing
    await expect(jon.locator("article.draft")).to_contain_text("Sent by console:Ana")
    await expect(jon.get_by_role("button", name="Reject")).to_have_count(0)
    await chat.wait_for_timeout(500)
    await expect(chat.locator(".log li.bot", has_text="refunded 38.40")).to_have_count(1)
    refunds = [(r["actor"], r["outcome"]) for r in audit_log(server) if r["action"] == "refund"]
    assert refunds == [("console:Ana", "done")]


async def test_edit_reject_and_promoting_refund_from_the_autonomy_page(
    server: CaseloopServer, browser: Browser, smtp: SmtpSink
) -> None:
    chat = await verified_customer(browser, server, smtp)
    ana = await signed_in_operator(browser, server, "Ana")

    await asks_and_waits(chat, "where is my order Q5544?")
    await open_case(ana, "Draft to release")
    await draft_card(ana).get_by_role("button", name="Edit").click()
    editor = ana.get_by_label("The text the customer gets instead")
    await expect(editor).to_have_value(await ana.locator("dd.draft-reply").inner_text())
    await editor.fill("Your rug left us with DPD on Monday, Noor: expect it by Friday.")
    await ana.get_by_role("button", name="Send edited reply").click()
    await expect(ana.get_by_role("status")).to_have_text("Draft edited; outcome: sent.")
    await expect(chat.locator(".log li.bot").last).to_have_text(
        "Your rug left us with DPD on Monday, Noor: expect it by Friday.", timeout=WAIT_MS)

    await asks_and_waits(chat, LAMP)
    await ana.goto(f"{server.url}/console")
    await open_waiting_draft(ana)
    await ana.get_by_label("Why", exact=True).select_option("wrong policy")
    await ana.get_by_label("Note", exact=True).fill("lamps are final sale")
    await ana.get_by_role("button", name="Reject").click()
    await expect(ana.get_by_role("status")).to_contain_text("Draft rejected (wrong policy)")
    await expect(ana.locator("article.draft")).to_contain_text(
        "Rejected by console:Ana on")
    await expect(ana.locator("dd.mode")).to_have_text("Taken over by console:Ana")
    await chat.wait_for_timeout(500)
    await expect(chat.locator(".log li.bot", has_text="refunded")).to_have_count(0)
    await ana.get_by_role("button", name="Hand back to the bot").click()

    await ana.get_by_role("link", name="Autonomy", exact=True).click()
    refund = ana.locator("tr[data-case-type=refund]")
    await expect(refund).to_contain_text("shadow")
    await expect(refund).to_contain_text("wrong policy: 1")
    await expect(refund).to_contain_text("not ready: 1 rejected as wrong policy")
    await expect(ana.locator("tr[data-case-type=order_status]")).to_contain_text("not ready")
    chart = ana.get_by_role("img", name="Drafts decided, last 30 days")
    await expect(chart).to_be_visible()
    await expect(chart.locator("g[data-key=order_status]")).to_have_attribute("data-edited", "1")
    await expect(chart.locator("g[data-key=refund]")).to_have_attribute("data-rejected", "1")

    await refund.get_by_label("Why (for the audit log)").fill("policy fixed for lamps")
    await refund.get_by_role("button", name="Promote to autonomous").click()
    await expect(ana.get_by_role("status")).to_contain_text("Refund is now autonomous")
    await expect(refund).to_contain_text("Promoted by console:Ana")
    [change] = [r for r in audit_log(server) if r["action"] == "autonomy_changed"]
    assert (change["actor"], change["args"], change["outcome"]) == (
        "console:Ana", {"case_type": "refund", "level": "autonomous"}, "autonomous")

    [offer] = await say(chat, "please refund the lamp from order Q5521")
    assert "refund 38.40" in offer and HOLDING not in offer
    [done] = await say(chat, "yes")
    assert "refunded 38.40" in done
