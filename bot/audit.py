"""The append-only audit log: who did what, with which inputs, under which rule, and how it went."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.database import Database, isoformat, utcnow

OUTCOMES = ("done", "refused", "pending_approval", "failed")


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
        await self._db.execute(
            "INSERT OR IGNORE INTO audit "
            "(at, actor, customer_id, action, args, rule, outcome, idempotency_key, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (isoformat(utcnow()), actor, customer_id, action, json.dumps(args, sort_keys=True),
             rule, outcome, idempotency_key, json.dumps(detail or {})),
        )

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
