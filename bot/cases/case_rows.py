"""A case's row read back and its stage changes written, inside the caller's transaction.

The case book and the reopening rule both work on `cases` and `case_history` within one
transaction; these are the statements they share.
"""

from __future__ import annotations

from bot.cases.case import Case, case_from_row
from bot.storage.database import Connection


async def record_stage(connection: Connection, case_id: int, stage: str, at: str) -> None:
    """Add a stage change (or `reopened`) to the case's history."""
    await connection.execute("INSERT INTO case_history (case_id, stage, at) VALUES (?, ?, ?)",
                              (case_id, stage, at))


async def read_case_or_none(connection: Connection, case_id: int) -> Case | None:
    """The case as it stands in this transaction, or None when there is no such case."""
    cursor = await connection.execute("SELECT * FROM cases WHERE id = ?", (case_id,))
    row = await cursor.fetchone()
    return case_from_row(row) if row else None


async def read_case(connection: Connection, case_id: int) -> Case:
    """The case as it stands in this transaction; it must exist."""
    record = await read_case_or_none(connection, case_id)
    assert record is not None
    return record
