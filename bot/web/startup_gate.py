"""Requests that need the running Caseloop wait for the start to finish, within a bound.

The server listens before Caseloop is assembled (`bot/startup.py`). Health checks, the chat page
and its static files need nothing more and pass at once, and so do the webhooks, which
authenticate their request first and then wait themselves (`running_caseloop`). Every other
request (web chat sessions and sockets, the console, `/events`, `/metrics`) is held here until the
start is done: past `WAIT_SECONDS` an HTTP request gets 503 with `Retry-After`, a WebSocket is
closed with 1013 (try again later), and nothing of the request has been read.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.startup import WAIT_SECONDS, Startup

PASS_AT_ONCE = ("/healthz", "/readyz", "/static/", "/telegram/", "/twilio/", "/slack/")
"""Paths that never wait here (exactly, or as a prefix when they end with `/`)."""
TRY_AGAIN_LATER = 1013


class StartupGate:
    """ASGI middleware holding requests until `startup` is done.

    Args:
        app: The application behind the gate.
        startup: The start under way.
        wait: Seconds a request may wait.
    """

    def __init__(self, app: ASGIApp, startup: Startup, wait: float = WAIT_SECONDS) -> None:
        self.app = app
        self.startup = startup
        self.wait = wait

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] not in ("http", "websocket") or self.startup.done
                or _passes(scope["path"])):
            await self.app(scope, receive, send)
            return
        if await self.startup.wait(self.wait):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
        else:
            response = PlainTextResponse("starting, try again shortly", status_code=503,
                                         headers={"Retry-After": "2"})
            await response(scope, receive, send)


def _passes(path: str) -> bool:
    if path == "/":
        return True
    return any(path == prefix or (prefix.endswith("/") and path.startswith(prefix))
               for prefix in PASS_AT_ONCE)
