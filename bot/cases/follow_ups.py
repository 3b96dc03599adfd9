"""Follow-ups on durable timers: checking later, in the backend, that an outcome held.

Timer kinds and their payloads (schedule them with the helpers below, or with
`Timers.schedule(kind, due_at, payload, key)` directly):

- `refund_settled` `{"case_id", "order_id", "refunded", "reference"}`: after a refund, the
  order must still show at least `refunded` refunded, and no refund entry the backend lists
  under `reference` may say `failed`, `reversed` or `pending`. Settled: the case closes and the
  satisfaction question is asked. Not settled: a person is brought in.
- `order_moved` `{"case_id", "order_id", "status"}`: after a delay outreach, the order must have
  moved on from `status` (the status when the customer was told). Moved: the case closes. Not:
  a person is brought in.
- `case_quiet` `{"case_id", "updated_at"}`: a case answered (or declined, refused, handed
  back) closes when nothing happened to it since `updated_at`.

A backend that cannot be read makes the handler fail, and the timer is tried again later.
Each check is written to the audit log (`check_refund_settled`, `check_order_moved`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.audit import AuditLog
from bot.cases.case import Case
from bot.cases.case_book import CaseBook
from bot.cases.satisfaction import Satisfaction
from bot.desk.handover import Handover
from bot.identity.links import customer_thread
from bot.runtime.contacts import last_contact
from bot.runtime.timers import Timer, Timers
from bot.storage.database import Database
from graph.backend import Backend, Order

log = logging.getLogger("caseloop.follow_ups")

REFUND_SETTLED = "refund_settled"
ORDER_MOVED = "order_moved"
CASE_QUIET = "case_quiet"
_UNSETTLED = ("failed", "reversed", "pending", "declined")
REFUND_NOT_SETTLED = "Follow-up check: the refund on order {order} has not settled in the " \
    "order system."
ORDER_NOT_MOVED = "Follow-up check: order {order} has not moved since the customer was told " \
    "about the delay (still {status})."


@dataclass(frozen=True)
class FollowUpStores:
    """The records follow-ups read and write."""

    database: Database
    cases: CaseBook
    timers: Timers
    audit: AuditLog


@dataclass(frozen=True)
class FollowUpTimes:
    """When checks run."""

    refund_check_after: timedelta
    """How long after a refund its settlement is checked."""
    quiet_after: timedelta
    """How long an answered case stays open without activity before it closes."""


class FollowUps:
    """Schedules the follow-up checks and runs them when their timers fire.

    Args:
        handover: Brings in a person when a check fails.
    """

    def __init__(self, stores: FollowUpStores, backend: Backend, handover: Handover,
                 satisfaction: Satisfaction, times: FollowUpTimes) -> None:
        self._cases = stores.cases
        self._timers = stores.timers
        self._db = stores.database
        self._audit = stores.audit
        self._backend = backend
        self._handover = handover
        self._satisfaction = satisfaction
        self._refund_check_after = times.refund_check_after
        self._quiet_after = times.quiet_after
        timers = stores.timers
        timers.handle(REFUND_SETTLED, self._check_refund)
        timers.handle(ORDER_MOVED, self._check_order_moved)
        timers.handle(CASE_QUIET, self._close_if_quiet)

    async def refund_settled_later(self, case: Case, order_id: str, key: str) -> bool:
        """After a verified refund (idempotency key `key`): check in `refund_check_after` that
        it settled."""
        order = await self._backend.get_order(order_id)
        refunded = str(order.refunded) if order is not None else "0"
        done = await self._db.fetchone(
            "SELECT detail FROM audit WHERE idempotency_key = ? AND outcome = 'done'", (key,))
        reference = json.loads(done["detail"] or "{}").get("reference") if done else None
        return await self._timers.schedule(
            REFUND_SETTLED, self._timers.now() + self._refund_check_after,
            {"case_id": case.id, "order_id": order_id, "refunded": refunded,
             "reference": reference}, key=f"{REFUND_SETTLED}:{key}")

    async def order_moved_later(self, case_id: int, order_id: str, due_at: datetime,
                                key: str | None = None) -> bool:
        """After a delay outreach: check at `due_at` that the order moved on from its status now.

        Args:
            key: Idempotency key (default: one check per case and order).
        """
        order = await self._backend.get_order(order_id)
        status = order.status if order is not None else None
        return await self._timers.schedule(
            ORDER_MOVED, due_at, {"case_id": case_id, "order_id": order_id, "status": status},
            key=key or f"{ORDER_MOVED}:{case_id}:{order_id}")

    async def close_when_quiet(self, case: Case) -> bool:
        """Close the case once `quiet_after` passes with nothing more happening to it."""
        return await self._timers.schedule(
            CASE_QUIET, self._timers.now() + self._quiet_after,
            {"case_id": case.id, "updated_at": case.updated_at},
            key=f"{CASE_QUIET}:{case.id}:{case.updated_at}")

    async def _check_refund(self, timer: Timer) -> None:
        case = await self._open_case(timer)
        if case is None:
            return
        order = await self._backend.get_order(timer.payload["order_id"])
        settled = order is not None and _refund_settled(order, timer.payload)
        await self._record("check_refund_settled", case, settled)
        if settled:
            await self._satisfaction.close(case.id, "settled", now=True)
        else:
            await self._bring_in_person(case, REFUND_NOT_SETTLED.format(order=case.order_id))

    async def _check_order_moved(self, timer: Timer) -> None:
        case = await self._open_case(timer)
        if case is None:
            return
        order = await self._backend.get_order(timer.payload["order_id"])
        before = timer.payload.get("status")
        moved = order is not None and (order.status != before or order.status == "delivered")
        await self._record("check_order_moved", case, moved)
        if moved:
            await self._satisfaction.close(case.id, "moved", now=True)
        else:
            await self._bring_in_person(case, ORDER_NOT_MOVED.format(
                order=case.order_id, status=order.status if order else "not found"))

    async def _close_if_quiet(self, timer: Timer) -> None:
        case = await self._open_case(timer)
        if case is not None and case.updated_at == timer.payload["updated_at"]:
            await self._satisfaction.close(case.id, case.resolution or "answered", now=True)

    async def _open_case(self, timer: Timer) -> Case | None:
        case = await self._cases.get(int(timer.payload["case_id"]))
        return case if case is not None and case.is_open else None

    async def _record(self, action: str, case: Case, passed: bool) -> None:
        await self._audit.record(actor="agent", customer_id=case.customer_id, action=action,
                                 args={"case": case.id, "order_id": case.order_id}, rule=None,
                                 outcome="done" if passed else "failed")

    async def _bring_in_person(self, case: Case, why: str) -> None:
        thread = customer_thread(case.customer_id)
        contact = await last_contact(self._db, thread)
        await self._handover.escalate(thread_id=thread, customer_id=case.customer_id,
                                      channel=contact[0] if contact else case.channel,
                                      reason="backend_error",
                                      wants=f"Order {case.order_id} sorted out",
                                      found=why, why=why, sentiment="calm")
        await self._cases.advance(case.id, "escalated")


def _refund_settled(order: Order, payload: dict[str, Any]) -> bool:
    if order.refunded < Decimal(str(payload.get("refunded") or "0")):
        return False
    reference = payload.get("reference")
    for entry in (order.model_extra or {}).get("refunds") or []:
        if isinstance(entry, dict) and reference and entry.get("reference") == reference:
            return str(entry.get("status", "")).lower() not in _UNSETTLED
    return True
