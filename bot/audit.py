"""The append-only audit log: who did what, with which inputs, under which rule, and how it went."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bot.storage.database import Database, isoformat, utcnow

OUTCOMES = ("done", "refused", "pending_approval", "failed", "escalated", "approval_given",
            "approved", "denied", "expired", "taken_over", "sent", "handed_back", "edited",
            "rejected", "shadow", "autonomous")
_HASHED = ("at", "actor", "customer_id", "action", "args", "rule", "outcome", "idempotency_key",
           "detail")


def chain_hash(previous: str | None, fields: tuple[Any, ...]) -> str:
    """The hash of a record: its fields, chained to the hash of the record before it."""
    payload = json.dumps([previous, *fields], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log."""

    at: str
    actor: str
    customer_id: str | None
    action: str
    args: dict[str, Any]
    rule: str | None
    outcome: str
    idempotency_key: str | None = None
    detail: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """The record as `caseloop audit --json` prints it."""
        return {
            "at": self.at, "actor": self.actor, "customer_id": self.customer_id,
            "action": self.action, "args": self.args, "rule": self.rule,
            "outcome": self.outcome, "idempotency_key": self.idempotency_key,
            "detail": self.detail or {},
        }


class AuditLog:
    """Appends and reads audit records; a record is never updated or deleted."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(
        self,
        *,
        actor: str,
        customer_id: str | None,
        action: str,
        args: dict[str, Any],
        rule: str | None,
        outcome: str,
        idempotency_key: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append a record; the same outcome for the same idempotency key is written once."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        fields = (isoformat(utcnow()), actor, customer_id, action,
                  json.dumps(args, sort_keys=True), rule, outcome, idempotency_key,
                  json.dumps(detail or {}, sort_keys=True))
        async with self._db.transaction() as connection:
            if idempotency_key is not None:
                cursor = await connection.execute(
                    "SELECT 1 FROM audit WHERE idempotency_key = ? AND outcome = ?",
                    (idempotency_key, outcome))
                if await cursor.fetchone() is not None:
                    return
            cursor = await connection.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
            previous = await cursor.fetchone()
            await connection.execute(
                "INSERT INTO audit (at, actor, customer_id, action, args, rule, outcome, "
                "idempotency_key, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*fields, chain_hash(previous[0] if previous else None, fields)),
            )

    async def first_broken(self) -> tuple[int | None, int]:
        """Check the hash chain: the id of the first record that does not fit, and the count.

        Each record's hash covers its own fields and the previous record's hash, so editing,
        deleting or inserting a record breaks the chain at that point.
        """
        rows = await self._db.fetchall(
            f"SELECT id, {', '.join(_HASHED)}, hash FROM audit ORDER BY id")
        previous = None
        for row in rows:
            fields = tuple(row[name] for name in _HASHED)
            if row["hash"] != chain_hash(previous, fields):
                return row["id"], len(rows)
            previous = row["hash"]
        return None, len(rows)

    async def records(self, customer_id: str | None = None) -> list[AuditRecord]:
        """Every record, oldest first (optionally one customer's)."""
        where, params = ("WHERE customer_id = ?", (customer_id,)) if customer_id else ("", ())
        rows = await self._db.fetchall(f"SELECT * FROM audit {where} ORDER BY id", params)
        return [
            AuditRecord(
                at=row["at"], actor=row["actor"], customer_id=row["customer_id"],
                action=row["action"], args=json.loads(row["args"]), rule=row["rule"],
                outcome=row["outcome"], idempotency_key=row["idempotency_key"],
                detail=json.loads(row["detail"] or "{}"),
            )
            for row in rows
        ]
