"""The outbox: replies are stored with the turn that wrote them, then delivered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from bot.storage.database import Connection, Database, isoformat, utcnow
from channels.base import Channel, DeliveryError, OutboundMessage

log = logging.getLogger("caseloop.outbox")

MAX_ATTEMPTS = 5
RETRY_DELAYS = (1.0, 5.0, 30.0, 120.0)


async def enqueue(connection: Connection, message: OutboundMessage) -> int:
    """Store a message for delivery inside the caller's transaction; returns its id."""
    cursor = await connection.execute(
        "INSERT INTO outbox (channel, recipient, message, created_at) VALUES (?, ?, ?, ?)",
        (message.channel, message.recipient, message.model_dump_json(), isoformat(utcnow())),
    )
    return int(cursor.lastrowid or 0)


class Courier:
    """Delivers stored messages through their channels, in order per recipient.

    A recipient who cannot be reached now (an offline web chat visitor) keeps their messages
    until `flush` is called for them; a transient failure is retried with backoff; a permanent
    one is recorded as `failed` with its reason.
    """

    def __init__(self, database: Database, channels: Mapping[str, Channel]) -> None:
        self._db = database
        self._channels = channels
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._retries: set[asyncio.Task[None]] = set()

    async def flush(self, channel: str, recipient: str) -> None:
        """Deliver everything waiting for one recipient, oldest first."""
        lock = self._locks.setdefault((channel, recipient), asyncio.Lock())
        async with lock:
            rows = await self._db.fetchall(
                "SELECT id, message, attempts FROM outbox WHERE channel = ? AND recipient = ? "
                "AND status = 'pending' ORDER BY id",
                (channel, recipient),
            )
            for row in rows:
                if not await self._deliver(row["id"], row["message"], row["attempts"]):
                    break
        if not lock.locked():
            self._locks.pop((channel, recipient), None)

    async def flush_all(self) -> None:
        """Try every waiting message (at start, after a restart)."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT channel, recipient FROM outbox WHERE status = 'pending'")
        for row in rows:
            await self.flush(row["channel"], row["recipient"])

    async def close(self) -> None:
        """Stop scheduled retries (their messages stay stored as pending)."""
        for task in self._retries:
            task.cancel()
        await asyncio.gather(*self._retries, return_exceptions=True)

    async def _deliver(self, outbox_id: int, payload: str, attempts: int) -> bool:
        message = OutboundMessage.model_validate_json(payload).model_copy(
            update={"id": f"out-{outbox_id}"})
        channel = self._channels.get(message.channel)
        if channel is None:
            await self._set(outbox_id, "failed", attempts, f"no channel {message.channel!r}")
            return True
        try:
            delivered = await channel.send(message)
        except DeliveryError as problem:
            attempts += 1
            if problem.permanent or attempts >= MAX_ATTEMPTS:
                log.error("Delivery of outbox %s failed for good: %s", outbox_id, problem)
                await self._set(outbox_id, "failed", attempts, str(problem))
                return True
            await self._set(outbox_id, "pending", attempts, str(problem))
            self._retry_later(message.channel, message.recipient, attempts)
            return False
        if delivered:
            await self._set(outbox_id, "sent", attempts, None)
        return delivered

    def _retry_later(self, channel: str, recipient: str, attempts: int) -> None:
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]

        async def retry() -> None:
            await asyncio.sleep(delay)
            await self.flush(channel, recipient)

        task = asyncio.create_task(retry())
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _set(self, outbox_id: int, status: str, attempts: int, error: str | None) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = ?, attempts = ?, error = ?, sent_at = ? WHERE id = ?",
            (status, attempts, error, isoformat(utcnow()) if status == "sent" else None,
             outbox_id),
        )
