"""What a platform's health checks see: liveness, readiness, request ids, and a JSON log."""

from __future__ import annotations

import json
import re

import httpx

from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink


def test_liveness_answers_while_the_process_serves(server: CaseloopServer) -> None:
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_checks_the_database_and_the_workers(server: CaseloopServer) -> None:
    response = httpx.get(f"{server.url}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "channels": True, "database": True,
                               "workers": True}


def test_every_response_names_its_request(server: CaseloopServer) -> None:
    mine = httpx.get(f"{server.url}/healthz", headers={"X-Request-ID": "edge-7f3a9c"})
    theirs = httpx.get(f"{server.url}/healthz")
    assert mine.headers["x-request-id"] == "edge-7f3a9c"
    assert re.fullmatch(r"[0-9a-f]{32}", theirs.headers["x-request-id"])


async def test_the_log_is_json_lines_without_codes_tokens_or_addresses(
    server: CaseloopServer, smtp: SmtpSink
) -> None:
    token = server.new_session()
    chat = await server.connect(token)
    await chat.ask("noor.haddad@example.org")
    code = await smtp.code_for("noor.haddad@example.org")
    await chat.ask(code)
    await chat.ask("where is Q5544?")
    await chat.close()
    httpx.get(f"{server.url}/healthz", headers={"X-Request-ID": "edge-7f3a9c"})

    log = server.log()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message", "correlation_id"} <= set(line)
               for line in lines)
    for secret in (token, code, "noor.haddad"):
        assert secret not in log
    correlations = {line["correlation_id"] for line in lines}
    assert "edge-7f3a9c" in correlations
    assert any(line["logger"] == "uvicorn.access" and "/healthz" in line["message"]
               and line["correlation_id"] == "edge-7f3a9c" for line in lines)
