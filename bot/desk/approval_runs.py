"""Running approval requests through their graph: start to the interrupt, resume on a decision,
and tell the customer the outcome exactly once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from bot.desk.approvals import ApprovalQueue
from bot.identity.links import customer_thread
from bot.runtime.customer_notes import CustomerLine
from bot.storage.database import Connection
from graph.approval import expired_message, resume_with, wait_in_thread
from graph.context import CaseContext
from graph.memory import conversation_language_of, remember_approval_outcome

_REQUEST_FIELDS = ("id", "customer_id", "action", "args", "rule", "idempotency_key",
                   "description", "done")


Outcome = Callable[[dict[str, Any], str], Awaitable[None]]
"""Hears each request's outcome once the customer was told (the case lifecycle)."""


class ApprovalRuns:
    """Drives each approval request's own graph thread.

    Args:
        approval_graph: The wait-for-a-person graph (`graph/approval.py`).
        context: What its nodes call (the backend, the audit log).
        on_outcome: Hears each outcome once the customer was told (the case lifecycle moves
            the request's case on).
    """

    def __init__(self, approvals: ApprovalQueue, line: CustomerLine,
                 approval_graph: CompiledStateGraph, context: CaseContext,
                 on_outcome: Outcome) -> None:
        self._approvals = approvals
        self._line = line
        self._approval_graph = approval_graph
        self._context = context
        self._on_outcome = on_outcome

    async def start(self, request: dict[str, Any]) -> None:
        """Run the request's graph up to its interrupt, unless it already got there."""
        await wait_in_thread(self._approval_graph, {k: request[k] for k in _REQUEST_FIELDS},
                             self._context)

    async def finish(self, request: dict[str, Any]) -> str:
        """Resume a decided request (once), carry it out if approved, and tell the customer.

        Returns the outcome: `done`, `failed`, `unverified`, `denied` or `expired`.
        """
        language = await conversation_language_of(self._line.graph,
                                                  customer_thread(request["customer_id"]))
        if request["status"] == "expired":
            await self._tell(request, expired_message(request["description"], language))
            await self._on_outcome(request, "expired")
            return "expired"
        await self.start(request)
        approved = request["status"] == "approved"
        decision = {"approved": approved, "reason": request["reason"], "language": language,
                    "by": request["approved_by"] if approved else [request["decided_by"]]}
        final = await resume_with(self._approval_graph, int(request["id"]), decision,
                                  self._context)
        await self._tell(request, final["message"], final["outcome"])
        await self._on_outcome(request, str(final["outcome"]))
        return str(final["outcome"])

    async def _tell(self, request: dict[str, Any], message: str,
                    outcome: str = "expired") -> None:
        thread = customer_thread(request["customer_id"])

        async def first_time(connection: Connection) -> bool:
            return await self._approvals.keep_result(int(request["id"]), message, connection)

        async with self._line.locks.hold(thread):
            sent = await self._line.notes.send([thread, request["thread_id"]], message,
                                               kind="approval_outcome", role="bot",
                                               guard=first_time)
            if not sent and not await self._approvals.keep_result(int(request["id"]), message):
                return
            await remember_approval_outcome(self._line.graph, thread, message,
                                            f"{outcome} after review: {request['description']}")
