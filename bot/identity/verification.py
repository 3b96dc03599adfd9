"""One-time e-mail codes that prove a visitor owns a customer account, limited per customer."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.identity.attempts import (
    ISSUED,
    KEEP,
    LOCKED,
    LOCKOUT,
    MAILED,
    MAX_FAILURES,
    WINDOW,
    WRONG,
    Attempt,
    address_subject,
    count_failures,
    customer_subject,
    forget_attempts,
    limit_end,
    lockout_end,
    note_attempts,
    recent_attempts,
)
from bot.identity.code_delivery import CodeDelivery, CodeTexter, Via
from bot.identity.mailer import Mailer
from bot.storage.database import Connection, Database, isoformat, utcnow
from graph.backend import Backend, Customer

log = logging.getLogger("caseloop.verification")

CODE_LIFETIME = timedelta(minutes=10)
SEND_DELAY = 0.05
"""Seconds the backend lookup and the e-mail wait, so the reply is out before either happens:
its text and timing are the same whether or not the address is on file."""

Outcome = Literal["verified", "wrong", "expired", "locked", "not_started"]
IssueOutcome = Literal["issued", "locked", "limited", "not_started"]


@dataclass(frozen=True)
class CodeCheck:
    """The result of checking a code."""

    outcome: Outcome
    customer_id: str | None = None
    attempts_left: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class CodeIssue:
    """The result of asking for a code (by giving an e-mail address, or asking again)."""

    outcome: IssueOutcome
    """`issued`: a code is on its way if the address is on file; `locked`: too many wrong codes;
    `limited`: too many codes this hour; `not_started`: no address was given in this thread."""
    until: datetime | None = None
    """When a `locked` or `limited` visitor may ask again."""
    via: Via | None = None
    """Where a code for a known customer went (`start_for_customer`)."""


@dataclass(frozen=True)
class _Pending:
    """A thread's code and the subjects it counts against."""

    customer_id: str | None
    code_hash: str | None
    expires_at: datetime
    address: str | None

    @property
    def subjects(self) -> list[str]:
        customer = [customer_subject(self.customer_id)] if self.customer_id else []
        return ([self.address] if self.address else []) + customer


class Verifier:
    """Issues and checks codes; wrong codes and codes sent are counted per customer.

    A code belongs to one conversation thread, but what it costs is counted for the customer it
    was for and for the address typed (hashed), across every thread and channel: `MAX_FAILURES`
    wrong codes lock that customer and address for `LOCKOUT`, and at most `codes_per_hour`
    codes go to either in an hour. The address is looked up, and the code mailed, in the
    background after the reply: an address not on file gets the same answer at the same speed,
    its attempts are counted alike, and every guess fails like a wrong code.

    Args:
        codes_per_hour: Codes issued for one address, or mailed to one customer, in an hour.
        clock: The current time (tests pass one they move).
        texter: Sends codes for known customers to their phone on file (else they are mailed).
    """

    def __init__(self, database: Database, backend: Backend, mailer: Mailer, *,
                 codes_per_hour: int = 5, clock: Callable[[], datetime] = utcnow,
                 texter: CodeTexter | None = None) -> None:
        self._db = database
        self._backend = backend
        self._mailer = mailer
        self._own = CodeDelivery(mailer, texter)
        self._codes_per_hour = codes_per_hour
        self._clock = clock
        self._pruned_at: datetime | None = None
        self._sending: set[asyncio.Task[None]] = set()

    async def start(self, thread_id: str, email: str) -> CodeIssue:
        """Give this thread a code for `email`, mailed later if the address is on file."""
        address, code, now = address_subject(email), _new_code(), self._clock()
        refused = await self._issue(thread_id, None, code, now, address, ISSUED)
        if refused is not None:
            return refused
        self._in_background(self._deliver(
            thread_id, code, address, lambda: self._backend.find_customer_by_email(email)))
        return CodeIssue("issued")

    async def resend(self, thread_id: str) -> CodeIssue:
        """Give this thread a fresh code for the address it gave last; wrong codes still count."""
        code, now = _new_code(), self._clock()
        async with self._db.transaction() as connection:
            pending = await _pending(connection, thread_id)
            if pending is None or pending.address is None:
                return CodeIssue("not_started")
            refused = self._refusal(await recent_attempts(connection, pending.subjects, now), now)
            if refused is not None:
                return refused
            await connection.execute(
                "UPDATE verifications SET code_hash = ?, expires_at = ? WHERE thread_id = ?",
                (_digest(thread_id, code), isoformat(now + CODE_LIFETIME), thread_id))
            await note_attempts(connection, [pending.address], ISSUED, now, thread_id)
        self._in_background(self._deliver(
            thread_id, code, pending.address, lambda: self._customer_of(thread_id)))
        return CodeIssue("issued")

    async def start_for_customer(self, thread_id: str, customer_id: str) -> CodeIssue:
        """Give this thread a code for a customer already recognized (a caller known by caller
        ID who asks for an action), sent to their phone by text message when there is a texter
        and a phone on file, else to their e-mail. Counted like any code for the customer."""
        customer = await self._backend.get_customer(customer_id)
        if customer is None:
            return CodeIssue("not_started")
        subject, code, now = customer_subject(customer_id), _new_code(), self._clock()
        refused = await self._issue(thread_id, customer_id, code, now, subject, MAILED)
        if refused is not None:
            return refused
        via = self._own.via(customer)
        self._in_background(self._own.send(customer, code, via, _minutes()))
        return CodeIssue("issued", via=via)

    async def check(self, thread_id: str, code: str) -> CodeCheck:
        """Check a code typed into this thread, counting a wrong one for its customer."""
        now = self._clock()
        async with self._db.transaction() as connection:
            pending = await _pending(connection, thread_id)
            if pending is None:
                return CodeCheck("not_started")
            subjects = pending.subjects
            history = await recent_attempts(connection, subjects, now)
            locked_until = lockout_end(history, now)
            if locked_until is not None:
                return CodeCheck("locked", locked_until=locked_until)
            if pending.code_hash is None:
                return CodeCheck("not_started")
            if pending.expires_at <= now:
                return CodeCheck("expired")
            matches = hmac.compare_digest(pending.code_hash, _digest(thread_id, code))
            if matches and pending.customer_id:
                await connection.execute(
                    "UPDATE verifications SET code_hash = NULL WHERE thread_id = ?", (thread_id,))
                return CodeCheck("verified", customer_id=pending.customer_id)
            failures = count_failures(history, subjects) + 1
            await note_attempts(connection, subjects, WRONG, now, thread_id)
            if failures < MAX_FAILURES:
                return CodeCheck("wrong", attempts_left=MAX_FAILURES - failures)
            await note_attempts(connection, subjects, LOCKED, now, thread_id)
            await connection.execute(
                "UPDATE verifications SET code_hash = NULL WHERE thread_id = ?", (thread_id,))
        log.warning("Verification locked after %d wrong codes", failures)
        return CodeCheck("locked", locked_until=now + LOCKOUT)

    async def drain(self) -> None:
        """Wait for lookups and codes still being sent."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _issue(self, thread_id: str, customer_id: str | None, code: str, now: datetime,
                     subject: str, kind: str) -> CodeIssue | None:
        """Give the thread a fresh code (for `customer_id`, or nobody known yet) and count it
        as `kind` for `subject`; the refusal instead when `subject` is locked or limited."""
        async with self._db.transaction() as connection:
            refused = self._refusal(await recent_attempts(connection, [subject], now), now)
            if refused is not None:
                return refused
            await connection.execute(
                "INSERT INTO verifications (thread_id, customer_id, code_hash, expires_at, "
                "failures) VALUES (?, ?, ?, ?, 0) ON CONFLICT (thread_id) DO UPDATE SET "
                "customer_id = excluded.customer_id, code_hash = excluded.code_hash, "
                "expires_at = excluded.expires_at, failures = 0, locked_until = NULL",
                (thread_id, customer_id, _digest(thread_id, code),
                 isoformat(now + CODE_LIFETIME)))
            await note_attempts(connection, [subject], kind, now, thread_id)
        return None

    def _refusal(self, history: list[Attempt], now: datetime) -> CodeIssue | None:
        locked_until = lockout_end(history, now)
        if locked_until is not None:
            return CodeIssue("locked", locked_until)
        limited_until = limit_end(history, self._codes_per_hour)
        if limited_until is not None:
            return CodeIssue("limited", limited_until)
        return None

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _customer_of(self, thread_id: str) -> Customer | None:
        row = await self._db.fetchone(
            "SELECT customer_id FROM verifications WHERE thread_id = ?", (thread_id,))
        if row is None or row["customer_id"] is None:
            return None
        return await self._backend.get_customer(row["customer_id"])

    async def _deliver(self, thread_id: str, code: str, address: str,
                       find: Callable[[], Awaitable[Customer | None]]) -> None:
        """Note whose address the thread gave, and mail the code unless it was replaced or the
        customer is locked or limited."""
        try:
            await asyncio.sleep(SEND_DELAY)
            await self._prune(self._clock())
            customer = await find()
            if customer is None:
                return
            subject, now = customer_subject(customer.id), self._clock()
            async with self._db.transaction() as connection:
                pending = await _pending(connection, thread_id)
                if pending is None or pending.address != address:
                    return  # the thread has given another address since
                await connection.execute(
                    "UPDATE verifications SET customer_id = ? WHERE thread_id = ?",
                    (customer.id, thread_id))
                if pending.code_hash != _digest(thread_id, code):
                    return  # a newer code replaced this one, and goes out on its own
                refused = self._refusal(await recent_attempts(connection, [subject], now), now)
                if refused is not None:
                    log.warning("No code mailed: the customer is %s", refused.outcome)
                    return
                await note_attempts(connection, [subject], MAILED, now, thread_id)
            await self._mailer.send_code(customer.email, code, _minutes())
        except Exception:
            log.exception("Could not send a verification code")

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < WINDOW:
            return
        self._pruned_at = now
        await forget_attempts(self._db, now - KEEP)


async def _pending(connection: Connection, thread_id: str) -> _Pending | None:
    cursor = await connection.execute(
        "SELECT v.customer_id, v.code_hash, v.expires_at, "
        "(SELECT a.subject FROM verification_attempts a WHERE a.thread_id = v.thread_id "
        "AND a.kind = ? ORDER BY a.at DESC LIMIT 1) AS address "
        "FROM verifications v WHERE v.thread_id = ?", (ISSUED, thread_id))
    row = await cursor.fetchone()
    if row is None or row["expires_at"] is None:
        return None
    return _Pending(row["customer_id"], row["code_hash"],
                    datetime.fromisoformat(row["expires_at"]), row["address"])


def _minutes() -> int:
    return int(CODE_LIFETIME.total_seconds() // 60)


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _digest(thread_id: str, code: str) -> str:
    return hashlib.sha256(f"{thread_id}:{code}".encode()).hexdigest()
