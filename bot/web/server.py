"""uvicorn, with one shutdown deadline for the requests in flight and the turns behind them.

On SIGTERM (or SIGINT) uvicorn stops accepting connections, closes WebSockets (code 1012),
lets requests in flight finish, then runs the app's lifespan shutdown. The grace period counts
from the signal: whatever the requests did not use is left for the turns, and the app reads
the deadline from `app.state.shutdown_deadline`.
"""

from __future__ import annotations

import socket
import time

import uvicorn
from starlette.applications import Starlette


class GracefulServer(uvicorn.Server):
    """A uvicorn server that gives its app `grace` seconds from the start of shutdown.

    Args:
        config: uvicorn's configuration; its `timeout_graceful_shutdown` should be `grace`.
        app: The application whose `state.shutdown_deadline` is set.
        grace: Seconds from the signal until the process should be done.
    """

    def __init__(self, config: uvicorn.Config, app: Starlette, grace: float) -> None:
        super().__init__(config)
        self._app = app
        self._grace = grace

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.state.shutdown_deadline = time.monotonic() + self._grace
        await super().shutdown(sockets)
