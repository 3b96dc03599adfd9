"""Cases and KPIs against the real server: a refund followed up until it settles, the rating
given in the chat, then `caseloop report`, `/metrics` and the console's KPI page (in Chromium)
all reading the same stored records."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from playwright.async_api import expect
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_console import TOKEN as ADMIN
from tests.e2e.test_console import WAIT_MS, signed_in_operator
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

SCRAPER = "scraper-token-for-the-kpi-tests"
NOOR = "noor.haddad@example.org"
QUESTION = "how would you rate the help you got with order Q5521"


@pytest.fixture
def server_env(server_env: dict[str, str]) -> dict[str, str]:
    return {**server_env, "CASELOOP_ADMIN_TOKEN": ADMIN, "CASELOOP_METRICS_TOKEN": SCRAPER,
            "CASELOOP_REFUND_CHECK_HOURS": "0.0005", "CASELOOP_CASE_QUIET_MINUTES": "0.02"}


async def _rated_refund(server: CaseloopServer, smtp: SmtpSink) -> None:
    """A refund done, checked again in the backend once its timer fires, then rated 5."""
    chat = await server.connect(server.new_session())
    await chat.ask(NOOR)
    await chat.ask(await smtp.code_for(NOOR))
    assert "refund 12.50 EUR on order Q5521" in (await chat.ask("refund 12.50 on Q5521"))[0]
    assert (await chat.ask("yes"))[0].startswith("Done")
    question = await chat.receive(timeout=20)
    assert QUESTION in question["text"]
    assert await chat.ask("5") == ["Thank you for your rating, glad I could help!"]
    await chat.close()


def _report(server: CaseloopServer) -> dict:
    done = subprocess.run([sys.executable, "-m", "bot", "report", "--json"],
                          env={**os.environ, **server.env}, cwd=server.workdir,
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


async def test_a_settled_rated_refund_shows_in_report_and_metrics(server: CaseloopServer,
                                                                  smtp: SmtpSink) -> None:
    await _rated_refund(server, smtp)
    overall = _report(server)["overall"]
    assert (overall["cases"], overall["closed"], overall["resolved"]) == (1, 1, 1)
    assert overall["verified_closure_rate"] == 1.0 and overall["reopen_rate"] == 0.0
    assert overall["resolved_within"]["1h"] == 1.0
    assert overall["satisfaction"]["average"] == 5.0
    text = subprocess.run([sys.executable, "-m", "bot", "report"], env={**os.environ,
                          **server.env}, cwd=server.workdir, capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "verified closure       100%" in text and "refund" in text

    assert httpx.get(server.url + "/metrics").status_code == 401
    wrong = httpx.get(server.url + "/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    scraped = httpx.get(server.url + "/metrics", headers={"Authorization": f"Bearer {SCRAPER}"})
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(scraped.text)
               for s in family.samples}
    assert samples[("caseloop_cases", ())] == 1
    assert samples[("caseloop_verified_closure_ratio", (("reason", "refund"),))] == 1
    assert samples[("caseloop_satisfaction_average", (("channel", "webchat"),))] == 5
    admin = httpx.get(server.url + "/metrics", headers={"Authorization": f"Bearer {ADMIN}"})
    assert admin.status_code == 200
    page = httpx.get(server.url + "/console/kpis", headers={
        "Authorization": f"Bearer {ADMIN}", "Accept": "application/json"})
    assert page.json()["by_reason"]["refund"]["satisfaction"]["distribution"]["5"] == 1


async def test_the_kpi_page_draws_the_figures(server: CaseloopServer, smtp: SmtpSink,
                                             browser) -> None:
    await _rated_refund(server, smtp)
    page = await signed_in_operator(browser, server, "Lead")
    await page.click("text=KPIs")
    await expect(page.locator("h1")).to_have_text("KPIs", timeout=WAIT_MS)
    verified = page.locator('#rates-overall [data-metric="verified_closure_rate"]')
    assert await verified.get_attribute("data-value") == "1.0"
    assert "100%" in await verified.text_content()
    bar = verified.locator("rect.bar")
    assert float(await bar.get_attribute("width")) > 0
    assert (await page.locator('#satisfaction-overall [data-metric="satisfaction_5"]')
            .get_attribute("data-value")) == "1.0"
    row = page.locator('#by-reason tr[data-reason="refund"]')
    await expect(row).to_contain_text("100%")
    await expect(page.locator('#by-channel tr[data-channel="webchat"]')).to_be_visible()
    assert await page.locator("script[src^='http'], link[href^='http']").count() == 0
    await page.context.close()
