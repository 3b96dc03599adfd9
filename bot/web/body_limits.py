"""Request bodies capped while they stream in: past its route's limit a body is a 413."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_LIMIT = 1024 * 1024
"""Bytes any request body may have unless its route says otherwise (Slack's and Telegram's
payloads are far smaller)."""
ROUTE_LIMITS: Mapping[str, int] = {
    "/webchat/sessions": 1024,
    "/twilio/": 64 * 1024,
    "/telegram/": 256 * 1024,
    "/console": 64 * 1024,
    "/events": 64 * 1024,
}
"""Tighter limits by path prefix: the longest matching prefix wins."""


class BodyTooLarge(HTTPException):
    """The body grew past its limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class BodyLimits:
    """ASGI middleware that refuses bodies over a limit, counted as they arrive.

    A `Content-Length` over the limit is refused before anything is read; a chunked body (or one
    whose header lies) is cut off at the first chunk past the limit: the app's `receive` raises
    `BodyTooLarge`, which becomes a 413 if no response has started.

    Args:
        app: The application to guard.
        default: Bytes allowed where no route limit applies.
        limits: Path prefix → bytes allowed.
    """

    def __init__(self, app: ASGIApp, default: int = DEFAULT_LIMIT,
                 limits: Mapping[str, int] = ROUTE_LIMITS) -> None:
        self.app = app
        self._default = default
        self._limits = sorted(limits.items(), key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        """Bytes a body sent to `path` may have."""
        return next((limit for prefix, limit in self._limits if path.startswith(prefix)),
                    self._default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 19 else 1 << 62
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = f"request body over {limit} bytes".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
