"""Fixtures that run the real server in its own process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
