"""Leases: a named lock that several processes sharing one database respect, and that a crash
cannot keep: it lapses unless its holder keeps renewing it."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from bot.storage.database import Database, isoformat, utcnow

log = logging.getLogger("caseloop.leases")

LEASE = timedelta(seconds=30)
"""How long a lease outlives its holder's last renewal (a crashed process's, say)."""
RENEW_EVERY = LEASE / 3
FIRST_WAIT, LONGEST_WAIT = 0.005, 0.25
"""Seconds between two attempts on a lease someone else holds: doubling, up to the longest."""


def process_name() -> str:
    """A name for this process, different at every start, that says where it runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


async def release_leases(database: Database, holder: str) -> None:
    """Give back every lease `holder` holds (it stopped, or is gone), for others to take at once."""
    await database.execute("DELETE FROM leases WHERE holder = ?", (holder,))


class Leases:
    """Named leases held by this process, renewed while held.

    Args:
        holder: This process's name, written on every lease it holds (and every inbox message
            it claims), so that its renewals, and no one else's, extend them.
    """

    def __init__(self, database: Database, holder: str | None = None) -> None:
        self._db = database
        self.holder = holder or process_name()
        self._held: Counter[str] = Counter()
        self._renewer: asyncio.Task[None] | None = None
        self._renewals: list[str] = []
        """More statements run at each renewal (see `renew_also`)."""

    def renew_also(self, sql: str) -> None:
        """Run `sql` (parameters: the new expiry, then the holder) at each renewal."""
        self._renewals.append(sql)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for the lease on `key` and hold it for the block."""
        wait = FIRST_WAIT
        while not await self._take(key):
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)
        self._held[key] += 1
        try:
            yield
        finally:
            self._held[key] -= 1
            if not self._held[key]:
                del self._held[key]
                await self._db.execute("DELETE FROM leases WHERE key = ? AND holder = ?",
                                       (key, self.holder))

    def start(self) -> None:
        """Start renewing what this process holds."""
        if self._renewer is None:
            self._renewer = asyncio.create_task(self._renew_forever(), name="lease renewals")

    async def stop(self) -> None:
        """Stop renewing and give back every lease still held, for others to take at once."""
        if self._renewer is not None:
            self._renewer.cancel()
            with suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None
        await release_leases(self._db, self.holder)

    async def renew(self) -> None:
        """Extend everything this process holds by a full lease."""
        until = isoformat(utcnow() + LEASE)
        await self._db.execute("UPDATE leases SET until = ? WHERE holder = ?",
                               (until, self.holder))
        for sql in self._renewals:
            await self._db.execute(sql, (until, self.holder))

    async def _take(self, key: str) -> bool:
        now = utcnow()
        taken = await self._db.fetchone(
            "INSERT INTO leases (key, holder, until) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until "
            "WHERE leases.until < ? OR leases.holder = excluded.holder RETURNING holder",
            (key, self.holder, isoformat(now + LEASE), isoformat(now)))
        return taken is not None

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY.total_seconds())
            try:
                await self.renew()
            except Exception:  # noqa: BLE001 - a missed renewal is retried; the lease is long
                log.exception("Could not renew this process's leases")
