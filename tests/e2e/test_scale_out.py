"""Two real servers on one PostgreSQL database, as two dynos or WEB_CONCURRENCY workers run."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.databases import ON_POSTGRES, query
from tests.factories import env_for, make_settings
from tests.fakes.openai import FakeOpenAI, text
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="needs CASELOOP_TEST_DATABASE")


def two_servers(env: dict[str, str], tmp_path: Path) -> tuple[CaseloopServer, CaseloopServer]:
    first, second = CaseloopServer(env, tmp_path), CaseloopServer(env, tmp_path)
    first.start()
    second.start()
    return first, second


async def test_web_chat_customers_on_either_server_are_answered_in_order(
    tmp_path: Path, smtp: SmtpSink
) -> None:
    env = env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url))
    first, second = two_servers(env, tmp_path)
    try:
        tabs = []
        for n in range(6):
            server = (first, second)[n % 2]
            tabs.append(await server.connect(server.new_session()))
        questions = ["what is your return policy?", "how long does shipping take?",
                     "do you ship to Norway?"]
        for question in questions:
            await asyncio.gather(*(tab.send(question) for tab in tabs))
        for tab in tabs:
            answers = [(await tab.receive())["text"] for _ in questions]
            assert "return" in answers[0].lower() and "ship" in answers[1].lower()
            await tab.close()
        statuses = query(env["DATABASE_URL"], "SELECT status, COUNT(*) FROM inbox GROUP BY status")
        assert statuses == [("done", len(tabs) * len(questions))]
    finally:
        second.stop()
        first.stop()


async def test_what_a_killed_server_was_answering_is_answered_by_the_other(
    tmp_path: Path, smtp: SmtpSink
) -> None:
    model = FakeOpenAI(delay=60)
    model.start()
    settings = make_settings(tmp_path, CASELOOP_MODEL="openai:gpt-test", OPENAI_API_KEY="sk-t",
                             OPENAI_BASE_URL=model.base_url, CASELOOP_SMTP_URL=smtp.url)
    first = CaseloopServer(env_for(settings), tmp_path)
    second = CaseloopServer(env_for(settings), tmp_path)
    first.start()
    try:
        token = first.new_session()
        chat = await first.connect(token)
        await chat.send("Hi there, do you ship to Norway?")
        deadline = time.monotonic() + 10
        while not model.requests and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert model.requests, "the turn never reached the model"
        model.delay = 0
        model.answers.append(text("Yes, we ship to Norway in 5-10 working days."))
        second.start()
        first.kill()  # mid-turn, its claim on the message still fresh

        again = await second.connect(token, tab=chat)
        frame = await again.receive(timeout=20)
        assert frame["text"] == "Yes, we ship to Norway in 5-10 working days."
        assert query(settings.database_url, "SELECT status FROM inbox") == [("done",)]
        assert query(settings.database_url, "SELECT COUNT(*) FROM transcript "
                     "WHERE role = 'customer'") == [(1,)]
        await again.close()
    finally:
        second.stop()
        first.stop()
        model.stop()
