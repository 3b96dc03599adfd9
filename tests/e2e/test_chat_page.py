"""The web chat page in a real headless browser against the real server (offline model)."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

EMAIL = "noor.haddad@example.org"
WAIT_MS = 10_000
ONLINE = "Online — we usually reply in seconds"



async def say(page: Page, text: str, replies: int = 1) -> list[str]:
    """Type a message, press Enter, and wait for the next `replies` bot bubbles."""
    bubbles = page.locator(".log li.bot")
    before = await bubbles.count()
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    await expect(bubbles).to_have_count(before + replies, timeout=WAIT_MS)
    return (await bubbles.all_inner_texts())[before:]


async def test_chat_page_answers_verifies_and_survives_a_reload(
    server: CaseloopServer, browser: Browser, smtp: SmtpSink, tmp_path: Path
) -> None:
    page = await browser.new_page(viewport={"width": 420, "height": 780})
    await page.goto(server.url)
    await expect(page.locator("#status")).to_have_text(ONLINE, timeout=WAIT_MS)

    [answer] = await say(page, "what is your returns policy")
    assert "Returns" in answer and "within 30 days of delivery" in answer
    await expect(page.locator(".log li.me")).to_have_text(["what is your returns policy"])

    [code_sent] = await say(page, EMAIL)
    assert "6-digit code" in code_sent
    assert await say(page, await smtp.code_for(EMAIL)) == ["Thank you, Noor, you're verified."]
    [answer] = await say(page, "where is my order Q5544?")
    assert "DPD-998877" in answer
    shown = await page.locator(".log li").all_inner_texts()
    token = await page.evaluate("localStorage.getItem('caseloop.session')")

    await page.reload()
    await expect(page.locator("#status")).to_have_text(ONLINE, timeout=WAIT_MS)
    code = await smtp.code_for(EMAIL)
    assert await page.locator(".log li").all_inner_texts() == [
        "••••••" if text == code else text for text in shown]  # no code kept in the browser
    await expect(page.locator(".log li.bot").last).to_contain_text("DPD-998877")
    assert await page.evaluate("localStorage.getItem('caseloop.session')") == token

    [answer] = await say(page, "what about order Q5530?")
    assert "Q5530" in answer and "Bookshelf" in answer and "e-mail" not in answer
    await expect(page.locator(".log li.bot").last).to_be_in_viewport()
    screenshot = tmp_path / "chat-after-reload.png"
    await page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 0
