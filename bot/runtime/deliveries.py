"""Delivery records: how far each message a provider accepted got: sent, delivered, read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.database import Database, isoformat, utcnow

STATUS_RANK: dict[str, int] = {
    "accepted": 0, "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "failed": 4, "undelivered": 4, "canceled": 4,
    "delivered": 5,
    "read": 6,
}
"""How far a status is along the way; a record only ever moves to a higher rank.

Callbacks arrive out of order, so a late `sent` must not undo `delivered`. A failure
(`failed`, `undelivered`, `canceled`) outranks every step before delivery and is final
against them; the first failure reported is kept. `delivered` and `read` outrank a failure:
they come from the customer's phone, the strongest evidence there is that the message
arrived. A status Caseloop does not know ranks lowest, so it never hides a known one.
"""


@dataclass(frozen=True)
class Delivery:
    """What is known about one message a provider accepted."""

    provider_id: str
    channel: str
    outbox_id: int | None
    """The outbox row the message came from (several parts of a long message share it)."""
    recipient: str
    status: str
    error_code: str | None


def rank(status: str) -> int:
    """How far along `status` is (unknown statuses: -1)."""
    return STATUS_RANK.get(status, -1)


class Deliveries:
    """Delivery records kept at their furthest status, whatever order updates arrive in."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def sent(self, provider_id: str, channel: str, outbox_id: int | None, recipient: str,
                   status: str = "queued") -> None:
        """Record a message the provider accepted, with the status it answered.

        A status callback may have arrived first: its (further) status is kept.
        """
        await self._upsert(provider_id, status, None, channel=channel, recipient=recipient,
                           outbox_id=outbox_id)

    async def update(self, provider_id: str, status: str, error_code: str | None = None, *,
                     channel: str = "", recipient: str = "") -> bool:
        """Apply a status report; True when it moved the record further.

        Args:
            channel, recipient: Filled in when the report comes before `sent` was recorded.
        """
        return await self._upsert(provider_id, status.lower(), error_code, channel=channel,
                                  recipient=recipient, outbox_id=None)

    async def status_of(self, provider_id: str) -> str | None:
        """The furthest status known for a message, or None if it is unknown."""
        delivery = await self.get(provider_id)
        return delivery.status if delivery else None

    async def get(self, provider_id: str) -> Delivery | None:
        """Everything known about a message, or None."""
        row = await self._db.fetchone(
            "SELECT provider_id, channel, outbox_id, recipient, status, error_code "
            "FROM deliveries WHERE provider_id = ?", (provider_id,))
        return Delivery(**dict(row)) if row else None

    async def parts_sent(self, channel: str, outbox_id: int) -> int:
        """How many provider messages were created for one outbox message (its parts so far)."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM deliveries WHERE channel = ? AND outbox_id = ?",
            (channel, outbox_id))
        return int(row["n"]) if row else 0

    async def _upsert(self, provider_id: str, status: str, error_code: str | None, *,
                      channel: str, recipient: str, outbox_id: int | None) -> bool:
        now = isoformat(utcnow())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "SELECT status FROM deliveries WHERE provider_id = ?", (provider_id,))
            row = await cursor.fetchone()
            if row is None:
                await connection.execute(
                    "INSERT INTO deliveries (provider_id, channel, outbox_id, recipient, status, "
                    "error_code, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (provider_id, channel, outbox_id, recipient, status, error_code, now))
                return True
            await connection.execute(
                "UPDATE deliveries SET channel = CASE WHEN channel = '' THEN ? ELSE channel END, "
                "recipient = CASE WHEN recipient = '' THEN ? ELSE recipient END, "
                "outbox_id = COALESCE(outbox_id, ?) WHERE provider_id = ?",
                (channel, recipient, outbox_id, provider_id))
            if rank(status) <= rank(row["status"]):
                return False
            await connection.execute(
                "UPDATE deliveries SET status = ?, error_code = ?, "
                "updated_at = ? WHERE provider_id = ?",
                (status, error_code, now, provider_id))
            return True
