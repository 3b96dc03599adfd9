"""Inbox claims: which process answers which stored message, when several share one database.

A process claims a message by writing its name and a lease expiry on the row. Only the oldest
unanswered message of each sender can be claimed, so one sender's messages are answered in
order, one at a time, whichever processes take them; `FOR UPDATE SKIP LOCKED` lets processes
claim side by side without waiting on each other. A claim lapses with its lease: the messages a
crashed process held are claimed again by another once their lease has run out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.runtime.leases import LEASE, release_leases
from bot.storage.database import isoformat, utcnow

if TYPE_CHECKING:  # the PostgreSQL driver is imported only when the database is PostgreSQL
    from bot.storage.postgres import PostgresDatabase

log = logging.getLogger("caseloop.claims")

_CLAIM = (
    "UPDATE inbox SET claimed_by = ?, lease_until = ? WHERE id IN ("
    "SELECT i.id FROM inbox i WHERE i.status IN ('pending', 'processing') "
    "AND (i.lease_until IS NULL OR i.lease_until < ?) "
    "AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.channel = i.channel AND e.sender = i.sender "
    "AND e.status IN ('pending', 'processing') AND e.id < i.id) "
    "ORDER BY i.id LIMIT ? FOR UPDATE SKIP LOCKED) "
    "RETURNING id, channel, sender"
)
RENEW = ("UPDATE inbox SET lease_until = ? WHERE claimed_by = ? "
         "AND status IN ('pending', 'processing')")
"""Extends every claim a process holds (parameters: the new expiry, the process)."""


@dataclass(frozen=True)
class Claim:
    """A message this process may now answer."""

    id: int
    channel: str
    sender: str


class InboxClaims:
    """Claims stored messages for this process (PostgreSQL only: it relies on row locks)."""

    def __init__(self, database: PostgresDatabase, holder: str) -> None:
        self._db = database
        self.holder = holder

    async def claim(self, limit: int) -> list[Claim]:
        """Claim up to `limit` messages, oldest first, at most one per sender."""
        if limit <= 0:
            return []
        now = utcnow()
        rows = await self._db.fetchall(
            _CLAIM, (self.holder, isoformat(now + LEASE), isoformat(now), limit))
        return sorted((Claim(row["id"], row["channel"], row["sender"]) for row in rows),
                      key=lambda claim: claim.id)

    async def take_over_from_the_dead(self) -> list[str]:
        """Free what processes that are gone still hold, without waiting for their leases.

        Returns:
            The processes found gone.
        """
        now = isoformat(utcnow())
        rows = await self._db.fetchall(
            "SELECT DISTINCT claimed_by FROM inbox WHERE claimed_by != ? AND lease_until >= ? "
            "AND status IN ('pending', 'processing') "
            "UNION SELECT DISTINCT holder FROM leases WHERE holder != ? AND until >= ?",
            (self.holder, now, self.holder, now))
        holders = {row[0] for row in rows}
        dead = sorted(holders - await self._db.alive(holders)) if holders else []
        for holder in dead:
            log.warning("Process %s is gone: its unanswered messages are claimed again", holder)
            await self._db.execute(
                "UPDATE inbox SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = ? "
                "AND status IN ('pending', 'processing')", (holder,))
            await release_leases(self._db, holder)
        return dead

    async def release(self, item_id: int) -> None:
        """Give a message back unanswered, for any process to claim at once."""
        await self._db.execute(
            "UPDATE inbox SET claimed_by = NULL, lease_until = NULL WHERE id = ? "
            "AND claimed_by = ?", (item_id, self.holder))

    async def release_all(self) -> None:
        """Give back every unanswered message this process holds (when it stops)."""
        await self._db.execute(
            "UPDATE inbox SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = ? "
            "AND status IN ('pending', 'processing')", (self.holder,))
