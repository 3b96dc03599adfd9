"""The whole conversation, append-only, outside the graph's bounded state."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.database import Connection, Database, isoformat, utcnow


@dataclass(frozen=True)
class Line:
    """One message of a transcript."""

    role: str
    """`customer`, `bot` or a human agent's name."""
    channel: str
    text: str
    at: str


async def append_lines(connection: Connection, thread_id: str, lines: list[Line]) -> None:
    """Append lines to a thread's transcript inside the caller's transaction."""
    await connection.executemany(
        "INSERT INTO transcript (thread_id, role, channel, text, at) VALUES (?, ?, ?, ?, ?)",
        [(thread_id, line.role, line.channel, line.text, line.at) for line in lines],
    )


def line(role: str, channel: str, text: str) -> Line:
    """A transcript line stamped now."""
    return Line(role=role, channel=channel, text=text, at=isoformat(utcnow()))


async def read_transcript(database: Database, thread_id: str, limit: int = 200) -> list[Line]:
    """The latest lines of a thread's transcript, oldest first."""
    rows = await database.fetchall(
        "SELECT role, channel, text, at FROM transcript WHERE thread_id = ? "
        "ORDER BY id DESC LIMIT ?",
        (thread_id, limit),
    )
    return [Line(row["role"], row["channel"], row["text"], row["at"]) for row in reversed(rows)]
