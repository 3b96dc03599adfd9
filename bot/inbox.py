"""The durable inbox: every customer message is stored here before its channel is answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.database import Database, isoformat, utcnow
from channels.base import InboundMessage


@dataclass(frozen=True)
class InboxItem:
    """A stored inbound message and how far its processing got."""

    id: int
    status: str
    """`pending`, `processing` (a turn started; a crash may have cut it short), `done`, `failed`."""
    message: InboundMessage


class Inbox:
    """Stores inbound messages once per (channel, provider message id)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def store(self, message: InboundMessage) -> int | None:
        """Store a message; returns its id, or None when it was stored before (a redelivery)."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO inbox (channel, provider_id, sender, message, received_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (message.channel, message.provider_message_id, message.sender,
                 message.model_dump_json(), isoformat(message.received_at)),
            )
            return cursor.lastrowid if cursor.rowcount == 1 else None

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

    async def mark_processing(self, item_id: int) -> None:
        """Note that a turn started on this message."""
        await self._db.execute("UPDATE inbox SET status = 'processing' WHERE id = ?", (item_id,))

    async def mark_failed(self, item_id: int, error: str) -> None:
        """Note that processing failed for good (the customer was told)."""
        await self._db.execute(
            "UPDATE inbox SET status = 'failed', error = ?, processed_at = ? WHERE id = ?",
            (error[:2000], isoformat(utcnow()), item_id),
        )


async def mark_done(connection: aiosqlite.Connection, item_id: int) -> None:
    """Note, inside the caller's transaction, that a message was answered."""
    await connection.execute(
        "UPDATE inbox SET status = 'done', processed_at = ? WHERE id = ?",
        (isoformat(utcnow()), item_id),
    )


def _item(row: aiosqlite.Row) -> InboxItem:
    return InboxItem(id=row["id"], status=row["status"],
                     message=InboundMessage.model_validate_json(row["message"]))
