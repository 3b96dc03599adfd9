"""Verification attempts: the codes issued and mailed, wrong codes and lockouts, per subject.

A subject is a customer (`customer:C1`) or an address typed (hashed). What happened to it within
`WINDOW` decides whether it is locked out, or has had its codes for the hour, across every
thread and channel.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.storage.database import Connection, Database, isoformat

MAX_FAILURES = 3
"""Wrong codes for one customer (or address) within `WINDOW` that start a lockout."""
LOCKOUT = timedelta(minutes=15)
WINDOW = timedelta(hours=1)
"""How far back wrong codes count, and the hour `codes_per_hour` is counted over."""
KEEP = timedelta(days=1)
"""How long attempts are kept before they are pruned."""

# What `verification_attempts.kind` records about a subject (a customer or an address):
ISSUED = "issued"  # a thread was given a code for this address (whether or not it is on file)
MAILED = "mailed"  # a code was e-mailed to this customer
WRONG = "wrong"  # a wrong code was typed for it
LOCKED = "locked"  # a lockout began

Attempt = tuple[str, str, datetime]
"""(subject, kind, at) of a row of `verification_attempts`."""


def address_subject(email: str) -> str:
    """An address as counted: normalized and hashed, so strangers' addresses are not kept."""
    return "address:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def customer_subject(customer_id: str) -> str:
    """A customer as counted."""
    return f"customer:{customer_id}"


async def recent_attempts(connection: Connection, subjects: Sequence[str],
                          now: datetime) -> list[Attempt]:
    """What happened to these subjects within the last `WINDOW`."""
    if not subjects:
        return []
    marks = ", ".join("?" * len(subjects))
    cursor = await connection.execute(
        f"SELECT subject, kind, at FROM verification_attempts WHERE subject IN ({marks}) "
        "AND at > ?", (*subjects, isoformat(now - WINDOW)))
    return [(row["subject"], row["kind"], datetime.fromisoformat(row["at"]))
            for row in await cursor.fetchall()]


async def note_attempts(connection: Connection, subjects: Sequence[str], kind: str,
                        now: datetime, thread_id: str) -> None:
    """Record, inside the caller's transaction, one attempt of `kind` for each subject."""
    await connection.executemany(
        "INSERT INTO verification_attempts (subject, kind, at, thread_id) VALUES (?, ?, ?, ?)",
        [(subject, kind, isoformat(now), thread_id) for subject in subjects])


async def forget_attempts(database: Database, before: datetime) -> None:
    """Drop attempts older than `before` (they no longer count towards anything)."""
    await database.execute("DELETE FROM verification_attempts WHERE at < ?",
                           (isoformat(before),))


def lockout_end(history: list[Attempt], now: datetime) -> datetime | None:
    """When the latest lockout among these attempts ends, if it has not yet."""
    until = max((at for _, kind, at in history if kind == LOCKED), default=None)
    if until is None or until + LOCKOUT <= now:
        return None
    return until + LOCKOUT


def count_failures(history: list[Attempt], subjects: Sequence[str]) -> int:
    """The most wrong codes any subject had since its last lockout."""
    counts = [0]
    for subject in subjects:
        locked = max((at for s, kind, at in history if s == subject and kind == LOCKED),
                     default=None)
        counts.append(sum(1 for s, kind, at in history if s == subject and kind == WRONG
                          and (locked is None or at > locked)))
    return max(counts)


def limit_end(history: list[Attempt], per_hour: int) -> datetime | None:
    """When the first subject that had `per_hour` codes this hour may have another."""
    until: datetime | None = None
    for subject in {s for s, _, _ in history}:
        sent = sorted(at for s, kind, at in history if s == subject and kind in (ISSUED, MAILED))
        if len(sent) >= per_hour:
            frees = sent[-per_hour] + WINDOW
            until = frees if until is None else max(until, frees)
    return until
