"""Where a customer's problem lands: their open case, a recently closed one reopened, or a new one.

At most one case is open per customer and order. A customer back about the same order and
reason within `REOPEN_WINDOW` of the close reopens that case (back to `intake`, the reopen
counted) instead of opening a new one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.cases.case import Case, refined_reason
from bot.cases.case_rows import read_case, record_stage
from bot.storage.database import Connection, isoformat

REOPEN_WINDOW = timedelta(days=7)
"""A customer back about the same order and reason within this time of the close reopens it."""


async def open_or_reopen_in(connection: Connection, customer_id: str, order_id: str | None,
                            reason: str, *, origin: str, channel: str | None,
                            event_id: str | None, now: datetime) -> tuple[Case, bool]:
    """The customer's case about this order, inside the caller's transaction, and whether it
    was reopened (see `CaseBook.open_or_reopen`)."""
    at = isoformat(now)
    since = isoformat(now - REOPEN_WINDOW)
    wrote = at if origin == "customer" else None
    cursor = await connection.execute(
        f"SELECT * FROM cases WHERE customer_id = ? AND {_same_order(order_id)} "
        "AND stage != 'closed' ORDER BY id DESC LIMIT 1",
        _order_params(customer_id, order_id))
    row = await cursor.fetchone()
    if row is not None:
        refined = refined_reason(row["reason"], reason)
        await connection.execute(
            "UPDATE cases SET reason = COALESCE(?, reason), "
            "customer_wrote_at = COALESCE(customer_wrote_at, ?), "
            "event_id = COALESCE(event_id, ?), updated_at = ? WHERE id = ?",
            (refined, wrote, event_id, at, row["id"]))
        return await read_case(connection, row["id"]), False
    cursor = await connection.execute(
        f"SELECT id FROM cases WHERE customer_id = ? AND {_same_order(order_id)} "
        "AND reason = ? AND stage = 'closed' AND closed_at >= ? "
        "ORDER BY closed_at DESC LIMIT 1",
        (*_order_params(customer_id, order_id), reason, since))
    closed = await cursor.fetchone()
    if closed is not None:
        await connection.execute(
            "UPDATE cases SET stage = 'intake', closed_at = NULL, "
            "reopen_count = reopen_count + 1, reopened_at = ?, "
            "customer_wrote_at = COALESCE(customer_wrote_at, ?), "
            "satisfaction_asked_at = NULL, updated_at = ? WHERE id = ?",
            (at, wrote, at, closed["id"]))
        await record_stage(connection, closed["id"], "reopened", at)
        return await read_case(connection, closed["id"]), True
    cursor = await connection.execute(
        "INSERT INTO cases (customer_id, order_id, reason, stage, origin, channel, "
        "event_id, opened_at, customer_wrote_at, updated_at) "
        "VALUES (?, ?, ?, 'intake', ?, ?, ?, ?, ?, ?)",
        (customer_id, order_id, reason, origin, channel, event_id, at, wrote, at))
    case_id = cursor.lastrowid
    await record_stage(connection, case_id, "intake", at)
    return await read_case(connection, case_id), False


def _same_order(order_id: str | None) -> str:
    return "order_id IS NULL" if order_id is None else "order_id = ?"


def _order_params(customer_id: str, order_id: str | None) -> tuple[Any, ...]:
    return (customer_id,) if order_id is None else (customer_id, order_id)
