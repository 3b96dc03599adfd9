"""Carrying out a released draft: its action through the same path as any other (idempotency
key, read-back from the backend, audit), then its text to the customer, exactly once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.desk.drafts import Draft, DraftQueue
from bot.identity.links import customer_thread
from bot.runtime.customer_notes import CustomerLine
from bot.storage.database import Connection
from graph.actions import REFUSED_BY_BACKEND, carry_out, result_values, worded
from graph.approval import FAILED, UNVERIFIED
from graph.backend import BackendError
from graph.catalogs import in_language
from graph.context import CaseContext
from graph.memory import remember_approval_outcome
from graph.shadow import REFERENCE

Outcome = Callable[[dict[str, Any], str], Awaitable[None]]
"""Hears a released action's outcome once the customer was told (the case lifecycle)."""


class DraftReleases:
    """Delivers released drafts.

    Args:
        context: What carrying out an action calls (the backend, the audit log).
        on_outcome: Hears each released action's outcome (`done`, `failed`, `unverified`).
    """

    def __init__(self, drafts: DraftQueue, line: CustomerLine, context: CaseContext,
                 on_outcome: Outcome) -> None:
        self._drafts = drafts
        self._line = line
        self._context = context
        self._on_outcome = on_outcome

    async def deliver(self, draft: Draft) -> str:
        """Carry out a released draft's action (if any) and tell the customer, once.

        Safe to repeat after a crash: the action runs under its idempotency key, the audit
        keeps one record per key and outcome, and the customer is told only once. Returns
        `sent` for a plain reply, else the action's outcome.
        """
        text = draft.sent_text or draft.reply
        outcome = "sent"
        if draft.action:
            outcome, text = await self._carry_out(draft, text)
        await self._tell(draft, text, outcome)
        if draft.action:
            await self._on_outcome(draft.request, outcome)
        return outcome

    async def rejected(self, draft: Draft) -> None:
        """A draft's action was turned down: its case waits with the person who rejected it."""
        if draft.action:
            await self._on_outcome(draft.request, "rejected")

    async def _carry_out(self, draft: Draft, text: str) -> tuple[str, str]:
        assert draft.customer_id is not None and draft.action is not None
        record = {"actor": draft.decided_by or "desk", "customer_id": draft.customer_id,
                  "action": draft.action, "args": draft.args, "rule": draft.rule,
                  "idempotency_key": draft.idempotency_key}
        pending = {"action": draft.action, "args": draft.args, "key": draft.idempotency_key}
        description = draft.description or draft.action
        try:
            result = await carry_out(self._context, draft.customer_id, pending)
        except BackendError as problem:
            await self._context.audit.record(**record, outcome="failed",
                                             detail={"error": str(problem)})
            return "unverified", in_language(UNVERIFIED, draft.language).format(
                description=description)
        if not result.ok:
            await self._context.audit.record(**record, outcome="failed",
                                             detail={"error": result.error,
                                                     **REFUSED_BY_BACKEND})
            return "failed", in_language(FAILED, draft.language).format(
                description=description, reason=result.error)
        await self._context.audit.record(**record, outcome="done",
                                         detail={"reference": result.reference, **result.detail,
                                                 "draft": draft.id})
        reference = in_language(REFERENCE, draft.language).format(reference=result.reference)
        said = worded({"done": text}, "done", result_values(result))  # {until}: what it gave
        return "done", f"{said.rstrip()} {reference}"

    async def _tell(self, draft: Draft, text: str, outcome: str) -> None:
        threads = ([customer_thread(draft.customer_id)] if draft.customer_id else [])
        threads = [*threads, draft.thread_id] if draft.thread_id not in threads else threads

        async def first_time(connection: Connection) -> bool:
            return await self._drafts.keep_result(draft.id, text, outcome, connection)

        async with self._line.locks.hold(threads[0]):
            role = f"agent:{draft.decided_by}" if draft.status == "edited" else "bot"
            sent = await self._line.notes.send(threads, text, kind="draft_released", role=role,
                                               guard=first_time)
            if not sent and not await self._drafts.keep_result(draft.id, text, outcome):
                return
            await remember_approval_outcome(self._line.graph, threads[0], text,
                                            f"released by a person ({draft.case_type})")
