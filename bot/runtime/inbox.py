"""The durable inbox: every customer message is stored here before its channel is answered."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import Connection, Database, Row, isoformat, utcnow
from channels.base import InboundMessage

log = logging.getLogger("caseloop.inbox")


@dataclass(frozen=True)
class InboxItem:
    """A stored inbound message and how far its processing got."""

    id: int
    status: str
    """`pending`, `processing` (a turn started; a crash may have cut it short), `done`, `failed`."""
    message: InboundMessage


MAX_BATCH = 500
"""The most messages one group commit writes (5 parameters each, far below SQLite's limit)."""
RECENT = 1.0
"""Seconds for which the last batch's delay still describes how stores are going."""
_COLUMNS = "(channel, provider_id, sender, message, received_at)"
_ROW = "(?, ?, ?, ?, ?)"


@dataclass(frozen=True)
class _Pending:
    """A message waiting for its group commit."""

    message: InboundMessage
    stored: asyncio.Future[int | None]
    """Resolved with the new row's id (None for a redelivery) once committed."""
    arrived: float
    """When `store` was called, on the event loop's clock."""


class Inbox:
    """Stores inbound messages once per (channel, provider message id).

    Stores are group-committed: messages arriving while a batch is being written go together
    into the next transaction, so a burst of webhooks costs a few commits rather than one each.
    Each `store` still returns only once its own row is committed.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._queued: list[_Pending] = []
        self._writing: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        self._last_delay = (0.0, float("-inf"))

    def delay(self) -> float:
        """Seconds a store is taking now: how long the oldest one unanswered has waited, else
        how long the last batch took if it committed within `RECENT` seconds, else 0."""
        now = asyncio.get_running_loop().time()
        oldest = (self._writing or self._queued or [None])[0]
        if oldest is not None:
            return now - oldest.arrived
        took, at = self._last_delay
        return took if now - at <= RECENT else 0.0

    async def store(self, message: InboundMessage) -> int | None:
        """Store a message; returns its id, or None when it was stored before (a redelivery).

        Returns only after the transaction holding the row has committed; raises what the
        database raised if it did not.
        """
        loop = asyncio.get_running_loop()
        pending = _Pending(message, loop.create_future(), loop.time())
        self._queued.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued(), name="inbox writer")
        return await pending.stored

    async def _write_queued(self) -> None:
        """Group commit: everything queued while the last batch was written goes in the next."""
        loop = asyncio.get_running_loop()
        while self._queued:
            batch = self._writing = self._queued[:MAX_BATCH]
            self._queued = self._queued[MAX_BATCH:]
            try:
                await self._write_batch(batch)
            finally:
                self._writing = []
                self._last_delay = (loop.time() - batch[0].arrived, loop.time())

    async def _write_batch(self, batch: list[_Pending]) -> None:
        """Write a batch in one transaction; if it fails, write each message on its own, so one
        bad row fails only its own store and every other message of the batch is kept."""
        try:
            ids = await self._insert([pending.message for pending in batch])
        except BaseException as problem:
            if not isinstance(problem, Exception):
                for pending in batch:
                    if not pending.stored.done():
                        pending.stored.set_exception(problem)
                raise
            if len(batch) > 1:
                log.warning("A batch of %d inbound messages failed (%s); storing them one by one",
                            len(batch), problem)
                try:
                    for pending in batch:
                        await self._write_batch([pending])
                except BaseException as stopped:  # cancelled meanwhile: nobody waits forever
                    for pending in batch:
                        if not pending.stored.done():
                            pending.stored.set_exception(stopped)
                    raise
                return
            log.error("An inbound message could not be stored: %s", problem)
            if not batch[0].stored.done():
                batch[0].stored.set_exception(problem)
            return
        for pending in batch:
            # A message repeated within the batch gets its id once: the others are redeliveries.
            message = pending.message
            item_id = ids.pop((message.channel, message.provider_message_id), None)
            if not pending.stored.done():
                pending.stored.set_result(item_id)

    async def _insert(self, messages: list[InboundMessage]) -> dict[tuple[str, str], int]:
        """Insert the messages not stored before, in one transaction; their ids by key."""
        rows = [(m.channel, m.provider_message_id, m.sender, m.model_dump_json(),
                 isoformat(m.received_at)) for m in messages]
        sql = (f"INSERT OR IGNORE INTO inbox {_COLUMNS} VALUES {', '.join([_ROW] * len(rows))} "
               "RETURNING id, channel, provider_id")
        async with self._db.transaction() as connection:
            inserted = await connection.execute_fetchall(
                sql, [value for row in rows for value in row])
        return {(row["channel"], row["provider_id"]): row["id"] for row in inserted}

    async def get(self, item_id: int) -> InboxItem:
        """One stored message."""
        row = await self._db.fetchone("SELECT id, status, message FROM inbox WHERE id = ?",
                                      (item_id,))
        if row is None:
            raise KeyError(item_id)
        return _item(row)

    async def unfinished(self) -> list[InboxItem]:
        """Messages not yet answered (after a restart: the ones a crash interrupted), in order."""
        rows = await self._db.fetchall(
            "SELECT id, status, message FROM inbox WHERE status IN ('pending', 'processing') "
            "ORDER BY id"
        )
        return [_item(row) for row in rows]

    async def last_received(self, channel: str, sender: str) -> datetime | None:
        """When the sender last wrote on this channel (for messaging windows such as WhatsApp's)."""
        row = await self._db.fetchone(
            "SELECT MAX(received_at) AS at FROM inbox WHERE channel = ? AND sender = ?",
            (channel, sender),
        )
        return datetime.fromisoformat(row["at"]) if row and row["at"] else None

    async def mark_processing(self, item_id: int) -> bool:
        """Note that a turn started on this message; False when it was answered meanwhile."""
        row = await self._db.fetchone(
            "UPDATE inbox SET status = 'processing' WHERE id = ? "
            "AND status IN ('pending', 'processing') RETURNING id", (item_id,))
        return row is not None

    async def mark_failed(self, item_id: int, error: str) -> None:
        """Note that processing failed for good (the customer was told)."""
        await self._db.execute(
            "UPDATE inbox SET status = 'failed', error = ?, processed_at = ? WHERE id = ?",
            (error[:2000], isoformat(utcnow()), item_id),
        )


class AlreadyAnswered(Exception):
    """The message was answered meanwhile (by another process that took it over)."""


async def mark_done(connection: Connection, item_id: int) -> None:
    """Note, inside the caller's transaction, that a message was answered.

    Raises:
        AlreadyAnswered: It was answered meanwhile: the transaction must not commit, so that
            the customer does not get a second answer.
    """
    cursor = await connection.execute(
        "UPDATE inbox SET status = 'done', processed_at = ? WHERE id = ? "
        "AND status IN ('pending', 'processing')",
        (isoformat(utcnow()), item_id),
    )
    if cursor.rowcount == 0:
        raise AlreadyAnswered(item_id)


def _item(row: Row) -> InboxItem:
    return InboxItem(id=row["id"], status=row["status"],
                     message=InboundMessage.model_validate_json(row["message"]))
