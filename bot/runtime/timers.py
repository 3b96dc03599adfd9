"""Durable timers: work scheduled for later that survives restarts and runs once.

A timer is a stored row: a `kind` (which handler runs it), when it is due, a JSON payload, and a
`key` that makes scheduling idempotent (scheduling the same key twice keeps the first). A
background runner claims each due timer (one `UPDATE ... WHERE status = 'pending'`: only one
process wins), runs the kind's handler, and marks it `fired`. A fired timer never runs again.

A claim lasts `claim_for`: if the process dies while a handler runs, the claim lapses and the
timer is run once more after restart, so handlers must be safe to repeat (check the state they
act on; send to the customer behind a guard). A handler that raises is tried again later with
backoff, up to `MAX_ATTEMPTS`, then left `failed` with its error.

    timers.handle("order_moved", check_order_moved)          # at assembly
    await timers.schedule("order_moved", now + timedelta(days=2),
                          {"case_id": 7, "order_id": "A1001"}, key="order_moved:evt_1")

A timer whose kind has no handler in this process stays pending until one is registered.
The clock is injectable: tests move it and call `fire_due()`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.runtime.leases import process_name
from bot.storage.database import Database, Row, isoformat, utcnow

log = logging.getLogger("caseloop.timers")

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)
"""The first wait after a handler failed; it doubles with every further failure."""


@dataclass(frozen=True)
class Timer:
    """One scheduled piece of work."""

    id: int
    kind: str
    key: str
    """Unique: scheduling an existing key changes nothing."""
    payload: dict[str, Any]
    due_at: str
    status: str
    """`pending`, `claimed` (running now), `fired`, `cancelled` or `failed`."""
    attempts: int
    fired_at: str | None
    error: str | None


Handler = Callable[[Timer], Awaitable[None]]


class Timers:
    """Schedules timers and runs the due ones.

    Args:
        clock: Returns the current time (timezone-aware); tests pass one they move.
        poll_seconds: How often the background runner looks for due timers.
        claim_for: How long a claim holds before another run may take the timer over.
    """

    def __init__(self, database: Database, clock: Callable[[], datetime] = utcnow,
                 poll_seconds: float = 1.0, claim_for: timedelta = timedelta(minutes=5),
                 holder: str | None = None) -> None:
        self._db = database
        self._clock = clock
        self._poll = poll_seconds
        self._claim_for = claim_for
        self._holder = holder or process_name()
        self._handlers: dict[str, Handler] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._firing = asyncio.Lock()

    def now(self) -> datetime:
        """The timers' current time."""
        return self._clock()

    def handle(self, kind: str, handler: Handler) -> None:
        """Run `handler` for due timers of `kind` (one handler per kind)."""
        self._handlers[kind] = handler
        self._wake.set()

    async def schedule(self, kind: str, due_at: datetime, payload: dict[str, Any],
                       key: str) -> bool:
        """Store a timer; True when it is new, False when `key` was already scheduled.

        Args:
            kind: Which handler runs it.
            due_at: When it is due (timezone-aware).
            payload: JSON-serializable data handed to the handler.
            key: Idempotency key, e.g. `refund_settled:<action key>`.
        """
        now = isoformat(self.now())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO timers (kind, key, payload, due_at, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, key, json.dumps(payload, sort_keys=True), isoformat(due_at), now))
            created = cursor.rowcount == 1
        if created:
            self._wake.set()
        return created

    async def cancel(self, key: str) -> bool:
        """Cancel a timer not yet fired; False when there is none pending under `key`."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE timers SET status = 'cancelled' WHERE key = ? AND status = 'pending'",
                (key,))
            return cursor.rowcount == 1

    async def get(self, key: str) -> Timer | None:
        """The timer scheduled under `key`."""
        row = await self._db.fetchone("SELECT * FROM timers WHERE key = ?", (key,))
        return _timer(row) if row else None

    async def listing(self, status: str | None = None) -> list[Timer]:
        """Timers (in one status, or all), by due time."""
        where, params = ("WHERE status = ?", (status,)) if status else ("", ())
        rows = await self._db.fetchall(f"SELECT * FROM timers {where} ORDER BY due_at, id",
                                       params)
        return [_timer(row) for row in rows]

    async def fire_due(self, limit: int = 50) -> int:
        """Claim and run every timer due now whose kind has a handler; returns how many fired."""
        if not self._handlers:
            return 0
        async with self._firing:
            now = isoformat(self.now())
            kinds = list(self._handlers)
            marks = ", ".join("?" for _ in kinds)
            rows = await self._db.fetchall(
                f"SELECT * FROM timers WHERE kind IN ({marks}) AND due_at <= ? AND "
                "(status = 'pending' OR (status = 'claimed' AND claimed_until < ?)) "
                "ORDER BY due_at, id LIMIT ?", (*kinds, now, now, limit))
            fired = 0
            for row in rows:
                if await self._claim(row["id"]):
                    fired += await self._fire(_timer(row))
            return fired

    async def start(self) -> None:
        """Run due timers in the background until `stop()`."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="caseloop-timers")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop the background runner once the pass under way is done; after `timeout`
        seconds a handler still running is cut short (its claim lapses, it runs again later)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        finished, _ = await asyncio.wait({task}, timeout=timeout)
        if not finished:
            task.cancel()
            await asyncio.wait({task}, timeout=1.0)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self.fire_due()
            except Exception:  # noqa: BLE001 - the runner outlives one bad pass
                log.exception("Firing due timers failed; trying again shortly")
            self._wake.clear()
            if self._stopping:
                break
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)

    async def _claim(self, timer_id: int) -> bool:
        now = self.now()
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE timers SET status = 'claimed', claimed_by = ?, claimed_until = ?, "
                "attempts = attempts + 1 WHERE id = ? AND (status = 'pending' OR "
                "(status = 'claimed' AND claimed_until < ?))",
                (self._holder, isoformat(now + self._claim_for), timer_id, isoformat(now)))
            return cursor.rowcount == 1

    async def _fire(self, timer: Timer) -> int:
        try:
            await self._handlers[timer.kind](timer)
        except Exception as problem:  # noqa: BLE001 - kept on the timer, tried again later
            log.exception("Timer %s (%s) failed", timer.key, timer.kind)
            attempts = timer.attempts + 1
            retry_at = self.now() + RETRY_AFTER * 2 ** (attempts - 1)
            await self._db.execute(
                "UPDATE timers SET status = ?, due_at = ?, error = ?, claimed_by = NULL "
                "WHERE id = ? AND status = 'claimed' AND claimed_by = ?",
                ("failed" if attempts >= MAX_ATTEMPTS else "pending", isoformat(retry_at),
                 repr(problem)[:500], timer.id, self._holder))
            return 0
        await self._db.execute(
            "UPDATE timers SET status = 'fired', fired_at = ? "
            "WHERE id = ? AND status = 'claimed' AND claimed_by = ?",
            (isoformat(self.now()), timer.id, self._holder))
        return 1


def _timer(row: Row) -> Timer:
    return Timer(id=row["id"], kind=row["kind"], key=row["key"],
                 payload=json.loads(row["payload"]), due_at=row["due_at"],
                 status=row["status"], attempts=row["attempts"], fired_at=row["fired_at"],
                 error=row["error"])
