"""Running approval requests through their graph: start to the interrupt, resume on a decision,
and tell the customer the outcome exactly once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from langchain_core.messages import AIMessage
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from bot.identity.links import customer_thread
from bot.runtime.customer_notes import remember, send_to_customer
from bot.runtime.outbox import Courier
from bot.runtime.thread_locks import ThreadLocks
from bot.storage.database import Database
from graph.approval import approval_thread
from graph.context import CaseContext

EXPIRED = (
    "I'm sorry: your request to {description} wasn't reviewed in time, so nothing was changed. "
    "Write to me if you'd still like it."
)
_REQUEST_FIELDS = ("id", "customer_id", "action", "args", "rule", "idempotency_key",
                   "description", "done")


class ApprovalRuns:
    """Drives each approval request's own graph thread.

    `on_outcome(request, outcome)`, when set, hears each outcome once the customer was told
    (the case lifecycle moves the request's case on).
    """

    on_outcome: Callable[[dict[str, Any], str], Awaitable[None]] | None = None

    def __init__(self, database: Database, courier: Courier, locks: ThreadLocks,
                 approval_graph: CompiledStateGraph, case_graph: CompiledStateGraph,
                 context: CaseContext) -> None:
        self._db = database
        self._courier = courier
        self._locks = locks
        self._approval_graph = approval_graph
        self._case_graph = case_graph
        self._context = context

    async def start(self, request: dict[str, Any]) -> None:
        """Run the request's graph up to its interrupt, unless it already got there."""
        config = _config(request["id"])
        if (await self._approval_graph.aget_state(config)).values:
            return
        await self._approval_graph.ainvoke(
            {"request": {k: request[k] for k in _REQUEST_FIELDS}}, config,
            context=self._context, durability="sync")

    async def finish(self, request: dict[str, Any]) -> str:
        """Resume a decided request (once), carry it out if approved, and tell the customer.

        Returns the outcome: `done`, `failed`, `unverified`, `denied` or `expired`.
        """
        if request["status"] == "expired":
            await self._tell(request, EXPIRED.format(description=request["description"]))
            await self._heard(request, "expired")
            return "expired"
        await self.start(request)
        config = _config(request["id"])
        snapshot = await self._approval_graph.aget_state(config)
        if snapshot.next:
            approved = request["status"] == "approved"
            decision = {"approved": approved, "reason": request["reason"],
                        "by": request["approved_by"] if approved else [request["decided_by"]]}
            final = await self._approval_graph.ainvoke(
                Command(resume=decision), config, context=self._context, durability="sync")
        else:
            final = snapshot.values
        await self._tell(request, final["message"], final["outcome"])
        await self._heard(request, str(final["outcome"]))
        return str(final["outcome"])

    async def _heard(self, request: dict[str, Any], outcome: str) -> None:
        if self.on_outcome is not None:
            await self.on_outcome(request, outcome)

    async def _tell(self, request: dict[str, Any], message: str,
                    outcome: str = "expired") -> None:
        thread = customer_thread(request["customer_id"])

        async def first_time(connection: aiosqlite.Connection) -> bool:
            cursor = await connection.execute(
                "UPDATE approvals SET result = ? WHERE id = ? AND result IS NULL",
                (message, request["id"]))
            return cursor.rowcount == 1

        async with self._locks.hold(thread):
            sent = await send_to_customer(self._db, self._courier, [thread, request["thread_id"]],
                                          message, kind="approval_outcome", role="bot",
                                          guard=first_time)
            if not sent:
                async with self._db.transaction() as connection:
                    if not await first_time(connection):
                        return
            await remember(self._case_graph, thread, [AIMessage(content=message)],
                           [f"{outcome} after review: {request['description']}"])


def _config(approval_id: int) -> dict[str, Any]:
    return {"configurable": {"thread_id": approval_thread(approval_id)}}
