"""Business events (a shipment delayed, a payment failed): their shape and their durable log.

An event is stored once per `id` before it is acknowledged, and kept with what became of it:
`pending` until processed, then `sent` (the customer was told), `waiting` (quiet hours; a timer
brings it back), `joined` (it went into a case the customer already had open), `skipped` (with
the reason: opted out, daily cap, no playbook, unknown order, no channel) or `failed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.storage.database import Connection, Database, isoformat, utcnow
from channels import json_bodies

MAX_EVENT_BYTES = 64 * 1024
"""The largest event body accepted."""


class EventError(ValueError):
    """A body that is not a usable event; `status` is the HTTP status to answer with.

    Args:
        status: 400 for a body that is not a JSON object, 422 for one missing what it needs.
    """

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class BusinessEvent(BaseModel):
    """One event from the business's systems, e.g. a shipment's new delivery date."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    id: Annotated[str, Field(min_length=1, max_length=200)]
    """The sender's id for the event; a repeated id is a redelivery."""
    type: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
    """What happened, e.g. `shipment_delayed`; a playbook of that name says what to do."""
    order_id: Annotated[str, Field(min_length=1, max_length=100)]
    """The order it concerns (and through it, the customer)."""
    data: dict[str, Any] = Field(default_factory=dict)
    """Details the playbook's message may use, e.g. `new_eta`."""
    occurred_at: datetime | None = None
    """When it happened, if the sender says."""


def parse_event(body: bytes) -> BusinessEvent:
    """The event a request body holds.

    Raises:
        EventError: not JSON (400), or not an event (422); the message says what is wrong.
    """
    try:
        payload = json_bodies.loads(body)
    except json_bodies.JSONBodyError as problem:
        raise EventError(f"the body is not usable JSON ({problem})", status=400) from None
    if not isinstance(payload, dict):
        raise EventError("the body must be a JSON object", status=400)
    try:
        return BusinessEvent.model_validate(payload)
    except ValidationError as problem:
        details = "; ".join(f"{'.'.join(str(p) for p in error['loc']) or 'event'}: "
                            f"{error['msg']}" for error in problem.errors())
        raise EventError(f"not a valid event: {details}") from None


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, with how far its processing got."""

    event: BusinessEvent
    status: str
    detail: str | None
    customer_id: str | None
    received_at: str


class EventLog:
    """Stores events once per id and keeps what became of each."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def store(self, event: BusinessEvent, at: datetime | None = None) -> bool:
        """Store an event received `at` (now); False when its id was stored before."""
        async with self._db.transaction() as connection:
            rows = await connection.execute_fetchall(
                "INSERT OR IGNORE INTO events (id, type, order_id, body, received_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (event.id, event.type, event.order_id, event.model_dump_json(),
                 isoformat(at or utcnow())))
        return bool(list(rows))

    async def get(self, event_id: str) -> StoredEvent | None:
        """One stored event."""
        row = await self._db.fetchone(
            "SELECT body, status, detail, customer_id, received_at FROM events WHERE id = ?",
            (event_id,))
        if row is None:
            return None
        return StoredEvent(BusinessEvent.model_validate_json(row["body"]), row["status"],
                           row["detail"], row["customer_id"], row["received_at"])

    async def pending(self) -> list[str]:
        """Ids of the events not processed yet (after a restart: the ones it interrupted)."""
        rows = await self._db.fetchall(
            "SELECT id FROM events WHERE status = 'pending' ORDER BY received_at, id")
        return [row["id"] for row in rows]

    async def settle(self, event_id: str, status: str, detail: str | None = None,
                     customer_id: str | None = None) -> None:
        """Record what became of an event that was not sent (sent ones: `mark_sent`)."""
        await self._db.execute(
            "UPDATE events SET status = ?, detail = ?, customer_id = COALESCE(?, customer_id), "
            "processed_at = ? WHERE id = ? AND status != 'sent'",
            (status, detail, customer_id, isoformat(utcnow()), event_id))

    async def sent_since(self, customer_id: str, since: datetime) -> int:
        """How many outreach messages went to the customer from `since` on."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM events WHERE customer_id = ? AND sent_at >= ?",
            (customer_id, isoformat(since)))
        return int(row["n"]) if row else 0


async def mark_sent(connection: Connection, event_id: str, customer_id: str, channel: str,
                    at: datetime) -> bool:
    """Inside the sending transaction: note the event as sent; False when it already was."""
    cursor = await connection.execute(
        "UPDATE events SET status = 'sent', detail = NULL, customer_id = ?, channel = ?, "
        "sent_at = ?, processed_at = ? WHERE id = ? AND status != 'sent'",
        (customer_id, channel, isoformat(at), isoformat(utcnow()), event_id))
    return cursor.rowcount == 1
