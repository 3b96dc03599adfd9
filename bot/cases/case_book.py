"""The case book: one stored record per customer problem, from intake to closed.

A case is opened by what happened, never by reading text: the customer's turn used an account
tool or proposed an action, or an outreach was sent about a business event. It then moves
through its stages (`bot/cases/case.py`) as facts arrive (a proposal, a confirmation, an
audited outcome, an escalation).

`advance` only moves forward (escalated may move on again once a person hands back); `close`
ends a case. A customer who comes back about the same order and reason within
`REOPEN_WINDOW` of the close reopens that case instead of opening a new one, and the reopen is
counted (`bot/cases/reopening.py`). At most one case is open per customer and order. A watch,
when given, hears of every close, reopen and rating once stored (the guardrails that stop the
line, `bot/autonomy/`).

Typical use (the outreach side):

    case = await cases.open_or_reopen("C1", "A1001", "delay", origin="outreach",
                                      channel="whatsapp", event_id="evt_1")
    open_case = await cases.find_open("C1", "A1001")   # join an open case instead of a 2nd one
    await cases.advance(case.id, "execution")
    await cases.close(case.id)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime

from bot.cases.case import (
    ORIGINS,
    RESOLVED_STAGES,
    STAGES,
    Case,
    case_from_row,
    check_value,
    moves_forward,
)
from bot.cases.case_rows import read_case, read_case_or_none, record_stage
from bot.cases.reopening import open_or_reopen_in
from bot.storage.database import Connection, Database, isoformat, utcnow

CaseWatch = Callable[[Case, str], Awaitable[None]]
"""Hears of a case after it changed: `closed`, `reopened`, `rated` (or, from the lifecycle,
`action_failed`)."""


class CaseBook:
    """Opens, advances and closes cases; every change is one statement or one transaction.

    Args:
        reasons: The reasons a case may have (`bot.cases.case.case_reasons` of the
            deployment's case types); a book that only reads opens none.
        clock: Returns the current time (timezone-aware); tests pass a clock they move.
        watch: Called after a case was closed, reopened or rated, with the case as it is now.
    """

    def __init__(self, database: Database, reasons: Collection[str],
                 clock: Callable[[], datetime] = utcnow, watch: CaseWatch | None = None) -> None:
        self._db = database
        self._reasons = tuple(reasons)
        self._clock = clock
        self._watch = watch

    def now(self) -> datetime:
        """The case book's current time."""
        return self._clock()

    async def open_or_reopen(self, customer_id: str, order_id: str | None, reason: str, *,
                             origin: str = "customer", channel: str | None = None,
                             event_id: str | None = None) -> Case:
        """The customer's case about this order: the open one, a recently closed one reopened,
        or a new one.

        - A case open for the customer and order is returned as it is (its reason refined from
          `order_status`/`other` to a more specific one). A customer writing into an outreach
          case marks `customer_wrote_at`.
        - Else a case for the same customer, order and reason closed within `REOPEN_WINDOW` is
          reopened: back to `intake`, `reopen_count` + 1, `closed_at` cleared.
        - Else a new case starts at `intake`.

        Args:
            order_id: The order, or None for a case about the account as a whole.
            reason: One of the book's `reasons`.
            origin: `customer` or `outreach`.
            channel: The channel the case starts (or continues) on.
            event_id: The business event behind an outreach.
        """
        check_value(reason, self._reasons, "reason")
        check_value(origin, ORIGINS, "origin")
        async with self._db.transaction() as connection:
            case, reopened = await open_or_reopen_in(
                connection, customer_id, order_id, reason, origin=origin, channel=channel,
                event_id=event_id, now=self.now())
        if reopened:
            await self._tell(case, "reopened")
        return case

    async def get(self, case_id: int) -> Case | None:
        """One case by id."""
        row = await self._db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
        return case_from_row(row) if row else None

    async def find_open(self, customer_id: str, order_id: str | None = None) -> Case | None:
        """The customer's open case about an order, or (no order given) their latest open case."""
        if order_id is None:
            row = await self._db.fetchone(
                "SELECT * FROM cases WHERE customer_id = ? AND stage != 'closed' "
                "ORDER BY updated_at DESC, id DESC LIMIT 1", (customer_id,))
        else:
            row = await self._db.fetchone(
                "SELECT * FROM cases WHERE customer_id = ? AND order_id = ? "
                "AND stage != 'closed' ORDER BY id DESC LIMIT 1", (customer_id, order_id))
        return case_from_row(row) if row else None

    async def for_customer(self, customer_id: str) -> list[Case]:
        """Every case of one customer, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM cases WHERE customer_id = ? ORDER BY id DESC", (customer_id,))
        return [case_from_row(row) for row in rows]

    async def all(self) -> list[Case]:
        """Every case, oldest first (what the KPIs are computed from)."""
        rows = await self._db.fetchall("SELECT * FROM cases ORDER BY id")
        return [case_from_row(row) for row in rows]

    async def advance(self, case_id: int, stage: str, *, resolution: str | None = None,
                      action_key: str | None = None) -> Case | None:
        """Move a case forward to `stage`; a move backward (or to where it is) changes nothing.

        `escalated` is reachable from every open stage and sets `escalated_at` once; an
        escalated case moves on once something is done again (execution or later). Moving to
        `execution` clears an earlier `resolution` (e.g. `answered`): a new attempt starts.
        Reaching `follow_up` (or `close`) sets `resolved_at` once. Use `close` to close.

        Args:
            resolution: Recorded with the move (e.g. `done`, `declined`).
            action_key: The idempotency key of the action this move is about.

        Returns:
            The case after the move, or None when there is no such case.
        """
        check_value(stage, (*STAGES, "escalated"), "stage")
        if stage == "closed":
            return await self.close(case_id, resolution=resolution)
        now = isoformat(self.now())
        async with self._db.transaction() as connection:
            current = await read_case_or_none(connection, case_id)
            if current is None:
                return None
            if moves_forward(current.stage, stage):
                resolved = now if stage in RESOLVED_STAGES else None
                await connection.execute(
                    "UPDATE cases SET stage = ?, updated_at = ?, "
                    "resolved_at = COALESCE(resolved_at, ?), "
                    "escalated_at = COALESCE(escalated_at, ?) WHERE id = ?",
                    (stage, now, resolved, now if stage == "escalated" else None,
                     case_id))
                await record_stage(connection, case_id, stage, now)
                if stage == "execution":  # a new attempt: what resolved an earlier one is moot
                    await connection.execute("UPDATE cases SET resolution = NULL WHERE id = ?",
                                             (case_id,))
            if resolution is not None or action_key is not None:
                await connection.execute(
                    "UPDATE cases SET resolution = COALESCE(?, resolution), "
                    "action_key = COALESCE(?, action_key), updated_at = ? WHERE id = ?",
                    (resolution, action_key, now, case_id))
            return await read_case(connection, case_id)

    async def resolve(self, case_id: int, resolution: str) -> Case | None:
        """Record how an open case was resolved (e.g. `answered`) without moving its stage;
        `resolved_at` is set once."""
        now = isoformat(self.now())
        async with self._db.transaction() as connection:
            await connection.execute(
                "UPDATE cases SET resolution = ?, resolved_at = COALESCE(resolved_at, ?), "
                "updated_at = ? WHERE id = ? AND stage != 'closed'",
                (resolution, now, now, case_id))
            return await read_case_or_none(connection, case_id)

    async def find_by_action(self, action_key: str) -> Case | None:
        """The case whose latest action carries this idempotency key."""
        row = await self._db.fetchone(
            "SELECT * FROM cases WHERE action_key = ? ORDER BY id DESC LIMIT 1", (action_key,))
        return case_from_row(row) if row else None

    async def close(self, case_id: int, *, resolution: str | None = None) -> Case | None:
        """Close a case (once): `closed_at` is set, and `resolved_at` if it was not yet.

        Returns:
            The closed case, or None when there is no such case.
        """
        now = isoformat(self.now())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE cases SET stage = 'closed', closed_at = ?, updated_at = ?, "
                "resolved_at = COALESCE(resolved_at, ?), resolution = COALESCE(?, resolution) "
                "WHERE id = ? AND stage != 'closed'", (now, now, now, resolution, case_id))
            closed = cursor.rowcount == 1
            if closed:
                await record_stage(connection, case_id, "closed", now)
            case = await read_case_or_none(connection, case_id)
        if closed and case is not None:
            await self._tell(case, "closed")
        return case

    async def mark_satisfaction_asked(self, case_id: int) -> bool:
        """Note that the closing question was asked; False when it already was (ask once)."""
        now = isoformat(self.now())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE cases SET satisfaction_asked_at = ?, updated_at = ? "
                "WHERE id = ? AND satisfaction_asked_at IS NULL", (now, now, case_id))
            return cursor.rowcount == 1

    async def mark_asked(self, connection: Connection, case_id: int, at: str) -> bool:
        """Note, inside the caller's transaction, that the closing question was asked at `at`;
        False when it already was (ask once)."""
        cursor = await connection.execute(
            "UPDATE cases SET satisfaction_asked_at = ? "
            "WHERE id = ? AND satisfaction_asked_at IS NULL", (at, case_id))
        return bool(cursor.rowcount == 1)

    async def record_satisfaction(self, case_id: int, score: int) -> bool:
        """Store the customer's 1-5 answer; False when the case already has one.

        Raises:
            ValueError: the score is not 1 to 5.
        """
        if not 1 <= int(score) <= 5:
            raise ValueError("satisfaction is a score from 1 to 5")
        now = isoformat(self.now())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE cases SET satisfaction = ?, satisfaction_at = ?, updated_at = ? "
                "WHERE id = ? AND satisfaction IS NULL", (int(score), now, now, case_id))
            case = await read_case_or_none(connection, case_id) if cursor.rowcount == 1 else None
        if case is not None:
            await self._tell(case, "rated")
        return case is not None

    async def _tell(self, case: Case, event: str) -> None:
        if self._watch is not None:
            await self._watch(case, event)

    async def history(self, case_id: int) -> list[tuple[str, str]]:
        """The case's stage changes, oldest first: `(stage, at)`, with `reopened` entries."""
        rows = await self._db.fetchall(
            "SELECT stage, at FROM case_history WHERE case_id = ? ORDER BY id", (case_id,))
        return [(row["stage"], row["at"]) for row in rows]

