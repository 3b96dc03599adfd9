"""Correlation ids: which request, or which customer thread, a log line belongs to.

An HTTP request or WebSocket carries a request id (the platform's `X-Request-ID` when it sent a
usable one, else a new one, echoed back in the response); work on a conversation carries its
thread id (`customer:<id>`, or `visitor:<channel>:<address>` before verification). Log records
pick up the current one (`bot/logs/json_logs.py`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_USABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
"""The request id or customer thread the current code works for, when known."""


@contextmanager
def correlate(value: str | None) -> Iterator[None]:
    """Tag what is logged inside the block with `value` (None: with nothing)."""
    token = correlation_id.set(value)
    try:
        yield
    finally:
        correlation_id.reset(token)


class RequestIds:
    """ASGI middleware: each HTTP request and WebSocket gets a request id as correlation id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = _header(scope, REQUEST_ID_HEADER)
        request_id = given if given and _USABLE_ID.fullmatch(given) else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        with correlate(request_id):
            await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)


def _header(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key.decode("latin-1").lower() == name:
            return str(value.decode("latin-1"))
    return None
