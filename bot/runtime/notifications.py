"""Signals between the processes sharing one PostgreSQL database, over LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

import psycopg

from bot.storage.database import Database
from bot.storage.postgres import postgres_url

log = logging.getLogger("caseloop.notifications")

INBOX = "caseloop_inbox"
"""A message was stored: processes with room for a turn try to claim it."""
OUTBOX = "caseloop_outbox"
"""A reply waits for a recipient another process may be holding (payload: channel, address)."""
RECONNECT_AFTER = 1.0

Handler = Callable[[str], Awaitable[None]]


class Notifications:
    """Publishes on, and listens to, PostgreSQL notification channels.

    Handlers run as tasks of their own, so a slow one never holds up the others; a handler
    must tolerate a repeated or lost signal (a process also hears its own, and a signal sent
    while the listening connection was being re-established is missed).
    """

    def __init__(self, url: str, database: Database) -> None:
        self._url = postgres_url(url)
        self._db = database
        self._handlers: dict[str, list[Handler]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._listening = asyncio.Event()

    def on(self, channel: str, handler: Handler) -> None:
        """Call `handler(payload)` for each notification on `channel` (before `start`)."""
        self._handlers.setdefault(channel, []).append(handler)

    async def start(self) -> None:
        """Start listening; returns once the listening connection is up."""
        self._listener = asyncio.create_task(self._listen_forever(), name="notifications")
        await self._listening.wait()

    async def publish(self, channel: str, payload: str = "") -> None:
        """Signal every process listening on `channel` (this one included)."""
        await self._db.execute("SELECT pg_notify(?, ?)", (channel, payload))

    async def close(self) -> None:
        """Stop listening and wait for the handlers still running."""
        if self._listener is not None:
            self._listener.cancel()
            with suppress(asyncio.CancelledError):
                await self._listener
        await asyncio.gather(*self._running, return_exceptions=True)

    async def _listen_forever(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self._url, autocommit=True) as connection:
                    for channel in self._handlers:
                        await connection.execute(f"LISTEN {channel}")
                    self._listening.set()
                    async for notice in connection.notifies():
                        self._dispatch(notice.channel, notice.payload)
            except psycopg.Error as problem:
                log.warning("Listening for notifications failed (%s); reconnecting", problem)
                self._listening.set()
                await asyncio.sleep(RECONNECT_AFTER)

    def _dispatch(self, channel: str, payload: str) -> None:
        for handler in self._handlers.get(channel, ()):
            task = asyncio.create_task(self._run(handler, payload))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    @staticmethod
    async def _run(handler: Handler, payload: str) -> None:
        try:
            await handler(payload)
        except Exception:  # noqa: BLE001 - one failed handler must not stop the listener
            log.exception("A notification handler failed")
