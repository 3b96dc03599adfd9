"""The process log: one JSON object per line with a correlation id, or text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI

from bot.logs.correlation import RequestIds, correlate, correlation_id
from bot.logs.json_logs import SERVER_LOGGERS, install_logging
from bot.runtime.thread_locks import ThreadLocks


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put back the root logger and the web server's loggers as they were."""
    loggers = [logging.getLogger(name) for name in ("", *SERVER_LOGGERS)]
    saved = [(list(logger.handlers), logger.level, logger.propagate) for logger in loggers]
    yield
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def test_a_json_line_has_time_level_logger_message_and_correlation_id(restore_logging) -> None:
    stream = io.StringIO()
    install_logging("json", logging.INFO, stream)
    log = logging.getLogger("caseloop.test")
    log.info("plain")
    with correlate("customer:K-77"):
        log.warning("about %s", "noor.haddad@example.org")
    log.debug("below the level")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(first) == {"time", "level", "logger", "message", "correlation_id"}
    assert first["level"] == "INFO" and first["logger"] == "caseloop.test"
    assert first["message"] == "plain" and first["correlation_id"] is None
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["message"] == "about n***@example.org"
    assert second["correlation_id"] == "customer:K-77"


def test_a_failure_carries_its_traceback(restore_logging) -> None:
    stream = io.StringIO()
    install_logging("json", logging.INFO, stream)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        logging.getLogger("caseloop.test").exception("Turn failed")
    line = json.loads(stream.getvalue())
    assert line["level"] == "ERROR" and "ZeroDivisionError" in line["exception"]


def test_text_lines_show_the_correlation_id_when_there_is_one(restore_logging) -> None:
    stream = io.StringIO()
    install_logging("text", logging.INFO, stream)
    log = logging.getLogger("caseloop.test")
    log.info("plain")
    with correlate("visitor:whatsapp:+33612345678"):
        log.info("token=abc")
    first, second = stream.getvalue().splitlines()
    assert first.endswith(" INFO caseloop.test: plain")
    assert second.endswith(" INFO caseloop.test [visitor:whatsapp:+*******5678]: "
                           "token=[redacted]")


def test_the_web_servers_loggers_go_through_the_same_handler(restore_logging) -> None:
    for name in SERVER_LOGGERS:  # as an earlier server in this process may have left them
        logging.getLogger(name).setLevel(logging.WARNING)
        logging.getLogger(name).propagate = False
    stream = io.StringIO()
    install_logging("json", logging.INFO, stream)
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000",
                                             "GET", "/webchat/ws?session=abc", "1.1", 101)
    line = json.loads(stream.getvalue())
    assert line["logger"] == "uvicorn.access"
    assert line["message"] == '127.0.0.1:5000 - "GET /webchat/ws?session=[redacted] HTTP/1.1" 101'


async def test_work_on_a_thread_is_correlated_with_the_thread() -> None:
    locks = ThreadLocks()
    seen = []
    async with locks.hold("customer:K-77"):
        seen.append(correlation_id.get())
        async with locks.hold("visitor:webchat:ws_1"):
            seen.append(correlation_id.get())
        seen.append(correlation_id.get())
    seen.append(correlation_id.get())
    assert seen == ["customer:K-77", "visitor:webchat:ws_1", "customer:K-77", None]


async def test_requests_get_an_id_of_their_own_or_the_platforms() -> None:
    app = FastAPI()
    app.add_middleware(RequestIds)

    @app.get("/who")
    async def who() -> dict[str, str | None]:
        return {"correlation_id": correlation_id.get()}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        own = await client.get("/who")
        given = await client.get("/who", headers={"X-Request-ID": "3f1c2a7e-route-42"})
        unusable = await client.get("/who", headers={"X-Request-ID": "no spaces <allowed>"})
    assert own.json()["correlation_id"] == own.headers["x-request-id"]
    assert len(own.headers["x-request-id"]) == 32
    assert given.json()["correlation_id"] == "3f1c2a7e-route-42"
    assert given.headers["x-request-id"] == "3f1c2a7e-route-42"
    assert unusable.headers["x-request-id"] != "no spaces <allowed>"
    assert unusable.json()["correlation_id"] == unusable.headers["x-request-id"]
