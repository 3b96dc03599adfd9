"""Which customer a channel address belongs to, once the person behind it proved it."""

from __future__ import annotations

from bot.storage.database import Database, isoformat, utcnow


def customer_thread(customer_id: str) -> str:
    """The graph thread of a verified customer: one memory across every channel."""
    return f"customer:{customer_id}"


def visitor_thread(channel: str, address: str) -> str:
    """The graph thread of someone not yet verified on a channel address."""
    return f"visitor:{channel}:{address}"


class Links:
    """Channel addresses linked to customers after verification."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def customer_for(self, channel: str, address: str) -> str | None:
        """The customer an address is linked to, if any."""
        row = await self._db.fetchone(
            "SELECT customer_id FROM links WHERE channel = ? AND address = ?", (channel, address)
        )
        return row["customer_id"] if row else None

    async def link(self, channel: str, address: str, customer_id: str,
                   method: str = "email_code") -> None:
        """Link an address to the customer who just verified on it.

        Args:
            method: How they proved it: `email_code`, `whatsapp_number` or `telegram_contact`.
        """
        await self._db.execute(
            "INSERT INTO links (channel, address, customer_id, verified_at, method) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, address) DO UPDATE SET "
            "customer_id = excluded.customer_id, verified_at = excluded.verified_at, "
            "method = excluded.method",
            (channel, address, customer_id, isoformat(utcnow()), method),
        )
