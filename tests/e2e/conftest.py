"""Fixtures that run the real server in its own process."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.factories import env_for, make_settings
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink


@pytest.fixture
def server_env(tmp_path: Path, smtp: SmtpSink) -> dict[str, str]:
    return env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url))


@pytest.fixture
def server(server_env: dict[str, str], tmp_path: Path) -> Iterator[CaseloopServer]:
    running = CaseloopServer(server_env, tmp_path)
    running.start()
    yield running
    running.stop()


CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium, offline (Playwright's own browser download is not used)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()
