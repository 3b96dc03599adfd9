"""Consent to proactive messages: who said STOP (or START again), by address and by customer.

A STOP is recorded for the address it came from and, once that address is linked, for the
customer, so outreach on any of their channels respects it. What counts as STOP or START is
read in the conversation (`graph/opt_out.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.storage.database import Database, isoformat, utcnow


def customer_subject(customer_id: str) -> str:
    """The consent record of a customer, whichever channel they use."""
    return f"customer:{customer_id}"


def address_subject(channel: str, address: str) -> str:
    """The consent record of one channel address (linked to a customer or not)."""
    return f"{channel}:{address}"


class Consent:
    """Who asked not to be messaged first."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def choose(self, channel: str, address: str, customer_id: str | None,
                     opted_out: bool) -> None:
        """Record a STOP (or START) for an address and, when known, its customer."""
        subjects = [address_subject(channel, address)]
        subjects += [customer_subject(customer_id)] if customer_id else []
        await self.record(subjects, opted_out)

    async def record(self, subjects: Iterable[str], opted_out: bool) -> None:
        """Note an opt-out (or opt-in) for each subject."""
        now = isoformat(utcnow())
        async with self._db.transaction() as connection:
            for subject in dict.fromkeys(subjects):
                await connection.execute(
                    "INSERT INTO consent (subject, opted_out, at) VALUES (?, ?, ?) "
                    "ON CONFLICT (subject) DO UPDATE SET opted_out = excluded.opted_out, "
                    "at = excluded.at", (subject, int(opted_out), now))

    async def opted_out(self, subjects: Iterable[str]) -> bool:
        """True when any of the subjects opted out (and did not opt back in)."""
        wanted = list(dict.fromkeys(subjects))
        if not wanted:
            return False
        marks = ", ".join("?" * len(wanted))
        row = await self._db.fetchone(
            f"SELECT COUNT(*) AS n FROM consent WHERE opted_out = 1 AND subject IN ({marks})",
            wanted)
        return bool(row and row["n"])
