"""One-time e-mail codes that prove a visitor owns a customer account."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.database import Database, isoformat, utcnow
from bot.mailer import Mailer
from graph.backend import Backend

log = logging.getLogger("caseloop.verification")

CODE_LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 3
LOCKOUT = timedelta(minutes=15)

Outcome = Literal["verified", "wrong", "expired", "locked", "not_started"]


@dataclass(frozen=True)
class CodeCheck:
    """The result of checking a code."""

    outcome: Outcome
    customer_id: str | None = None
    attempts_left: int = 0
    locked_until: datetime | None = None


class Verifier:
    """Issues and checks codes, one verification per conversation thread.

    The same answer is given whether or not an e-mail is on file: for an unknown address a
    code is recorded that was never sent, so every guess fails like a wrong code.
    """

    def __init__(self, database: Database, backend: Backend, mailer: Mailer) -> None:
        self._db = database
        self._backend = backend
        self._mailer = mailer
        self._sending: set[asyncio.Task[None]] = set()

    async def start(self, thread_id: str, email: str) -> datetime | None:
        """Issue a code for `email` to this thread, sending it if the e-mail is on file.

        Returns:
            None when a code was issued; the end of the lockout when the thread is locked.
        """
        locked_until = await self._locked_until(thread_id)
        if locked_until is not None:
            return locked_until
        customer = await self._backend.find_customer_by_email(email)
        code = f"{secrets.randbelow(10**6):06d}"
        await self._db.execute(
            "INSERT INTO verifications (thread_id, customer_id, code_hash, expires_at, failures) "
            "VALUES (?, ?, ?, ?, 0) ON CONFLICT (thread_id) DO UPDATE SET "
            "customer_id = excluded.customer_id, code_hash = excluded.code_hash, "
            "expires_at = excluded.expires_at, failures = 0, locked_until = NULL",
            (thread_id, customer.id if customer else None, _digest(thread_id, code),
             isoformat(utcnow() + CODE_LIFETIME)),
        )
        if customer is not None:
            self._send_later(customer.email, code)
        return None

    def _send_later(self, email: str, code: str) -> None:
        task = asyncio.create_task(self._send(email, code))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def resend(self, thread_id: str) -> datetime | None | bool:
        """Issue a fresh code to the e-mail this thread gave last, if it was on file.

        Returns:
            False when no e-mail was given in this thread; the end of the lockout when locked;
            None when a code was (or, for an address not on file, seemed to be) sent again.
        """
        row = await self._db.fetchone(
            "SELECT customer_id FROM verifications WHERE thread_id = ?", (thread_id,))
        if row is None:
            return False
        locked_until = await self._locked_until(thread_id)
        if locked_until is not None:
            return locked_until
        code = f"{secrets.randbelow(10**6):06d}"
        await self._db.execute(
            "UPDATE verifications SET code_hash = ?, expires_at = ?, failures = 0 "
            "WHERE thread_id = ?",
            (_digest(thread_id, code), isoformat(utcnow() + CODE_LIFETIME), thread_id),
        )
        if row["customer_id"]:
            customer = await self._backend.get_customer(row["customer_id"])
            if customer is not None:
                self._send_later(customer.email, code)
        return None

    async def check(self, thread_id: str, code: str) -> CodeCheck:
        """Check a code typed into this thread."""
        row = await self._db.fetchone("SELECT * FROM verifications WHERE thread_id = ?",
                                      (thread_id,))
        now = utcnow()
        if row is not None and row["locked_until"]:
            until = datetime.fromisoformat(row["locked_until"])
            if until > now:
                return CodeCheck("locked", locked_until=until)
        if row is None or row["code_hash"] is None:
            return CodeCheck("not_started")
        if datetime.fromisoformat(row["expires_at"]) <= now:
            return CodeCheck("expired")
        matches = hmac.compare_digest(row["code_hash"], _digest(thread_id, code))
        if matches and row["customer_id"]:
            await self._db.execute(
                "UPDATE verifications SET code_hash = NULL, failures = 0 WHERE thread_id = ?",
                (thread_id,),
            )
            return CodeCheck("verified", customer_id=row["customer_id"])
        failures = row["failures"] + 1
        if failures >= MAX_FAILURES:
            until = now + LOCKOUT
            await self._db.execute(
                "UPDATE verifications SET failures = ?, code_hash = NULL, locked_until = ? "
                "WHERE thread_id = ?",
                (failures, isoformat(until), thread_id),
            )
            return CodeCheck("locked", locked_until=until)
        await self._db.execute(
            "UPDATE verifications SET failures = ? WHERE thread_id = ?", (failures, thread_id)
        )
        return CodeCheck("wrong", attempts_left=MAX_FAILURES - failures)

    async def drain(self) -> None:
        """Wait for codes still being sent."""
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _locked_until(self, thread_id: str) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT locked_until FROM verifications WHERE thread_id = ?", (thread_id,)
        )
        if row is None or not row["locked_until"]:
            return None
        until = datetime.fromisoformat(row["locked_until"])
        return until if until > utcnow() else None

    async def _send(self, email: str, code: str) -> None:
        try:
            await self._mailer.send_code(email, code, int(CODE_LIFETIME.total_seconds() // 60))
        except Exception:
            log.exception("Could not send a verification code")


def _digest(thread_id: str, code: str) -> str:
    return hashlib.sha256(f"{thread_id}:{code}".encode()).hexdigest()
