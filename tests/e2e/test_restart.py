"""Hard kills: nothing stored is lost, and a confirmation survives the restart."""

from __future__ import annotations

import time
from pathlib import Path

from tests.databases import query
from tests.factories import env_for, make_settings
from tests.fakes.openai import FakeOpenAI, text
from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink


async def test_message_in_flight_at_a_hard_kill_is_answered_after_restart(
    tmp_path: Path, smtp: SmtpSink
) -> None:
    model = FakeOpenAI(delay=60)
    model.start()
    settings = make_settings(tmp_path, CASELOOP_MODEL="openai:gpt-test", OPENAI_API_KEY="sk-t",
                             OPENAI_BASE_URL=model.base_url, CASELOOP_SMTP_URL=smtp.url)
    server = CaseloopServer(env_for(settings), tmp_path)
    server.start()
    try:
        token = server.new_session()
        chat = await server.connect(token)
        await chat.send("Hi there, do you ship to Norway?")
        deadline = time.monotonic() + 10
        while not model.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert model.requests, "the turn never reached the model"
        server.kill()
        assert _inbox_statuses(settings.database_url) == ["processing"]

        model.delay = 0
        model.answers.append(text("Yes, we ship to Norway in 5-10 working days."))
        server.start()
        again = await server.connect(token)
        assert (await again.receive())["text"] == "Yes, we ship to Norway in 5-10 working days."
        assert _inbox_statuses(settings.database_url) == ["done"]
        await again.close()
    finally:
        server.stop()
        model.stop()


async def test_confirmation_asked_before_a_hard_kill_is_answered_after_it(
    server: CaseloopServer, smtp: SmtpSink, tmp_path: Path
) -> None:
    token = server.new_session()
    chat = await server.connect(token)
    await chat.ask("noor.haddad@example.org")
    await chat.ask(await smtp.code_for("noor.haddad@example.org"))
    ask = await chat.ask("please cancel order Q5530, I ordered it twice")
    assert "cancel order Q5530" in ask[0]
    server.kill()

    server.start()
    again = await server.connect(token, tab=chat)
    done = await again.ask("yes")
    assert done[0].startswith("Done") and "Q5530" in done[0]
    database = server.env["DATABASE_URL"]
    status = query(database, "SELECT status FROM store_orders WHERE id = 'Q5530'")
    outcomes = query(database, "SELECT action, outcome FROM audit")
    assert status == [("cancelled",)]
    assert outcomes == [("cancel_order", "done")]
    await again.close()


def _inbox_statuses(database: str) -> list[str]:
    return [row[0] for row in query(database, "SELECT status FROM inbox ORDER BY id")]
