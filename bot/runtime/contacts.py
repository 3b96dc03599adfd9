"""Where each thread's customer last wrote from: replies and later messages go there."""

from __future__ import annotations

from bot.storage.database import Connection, Database, isoformat, utcnow


async def note_contact(connection: Connection, thread_id: str, channel: str,
                       address: str) -> None:
    """Record, inside the caller's transaction, the channel address a thread last wrote from."""
    await connection.execute(
        "INSERT INTO contacts (thread_id, channel, address, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (thread_id) DO UPDATE SET channel = excluded.channel, "
        "address = excluded.address, at = excluded.at",
        (thread_id, channel, address, isoformat(utcnow())))


async def last_contact(database: Database, thread_id: str) -> tuple[str, str] | None:
    """The (channel, address) a thread's customer last wrote from, if they ever wrote."""
    row = await database.fetchone("SELECT channel, address FROM contacts WHERE thread_id = ?",
                                  (thread_id,))
    return (row["channel"], row["address"]) if row else None
