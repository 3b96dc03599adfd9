"""An action waiting for a person: the graph stops at an interrupt until someone decides.

Each approval request runs in a thread of its own (`approval:<id>`), so the customer can keep
talking to the bot while it waits. The decision resumes the run with `Command(resume=...)`.
Nothing happens before the interrupt: on resume a node re-runs from its first line, so the
action itself is carried out in the next node, under the request's idempotency key.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from graph.actions import REFUSED_BY_BACKEND, carry_out, result_values, worded
from graph.backend import BackendError
from graph.catalogs import N_, _, in_language
from graph.context import CaseContext
from graph.graph import in_conversation_language
from graph.state import conversation_language

EXPIRED = N_(
    "I'm sorry: your request to {description} wasn't reviewed in time, so nothing was changed. "
    "Write to me if you'd still like it."
)
APPROVED = N_(
    "Good news: a colleague approved your request, and I've {done}. Your reference is {ref}.")
DENIED = N_(
    "A colleague reviewed your request to {description} and couldn't approve it. "
    "Nothing was changed. Is there anything else I can help with?")
DENIED_WITH_REASON = N_(
    "A colleague reviewed your request to {description} and couldn't approve it: {reason}. "
    "Nothing was changed. Is there anything else I can help with?")
FAILED = N_(
    "A colleague approved your request to {description}, but it didn't go through: "
    "{reason}. Nothing was changed, and a colleague will follow up.")
UNVERIFIED = N_(
    "A colleague approved your request to {description}, but our order system didn't "
    "confirm the change, so I can't tell you it's done yet. A colleague will check; nothing "
    "will be done twice.")


def approval_thread(approval_id: int) -> str:
    """The graph thread an approval request waits in."""
    return f"approval:{approval_id}"


async def wait_in_thread(graph: CompiledStateGraph, request: dict[str, Any],
                         context: CaseContext) -> None:
    """Run a request's own thread up to its interrupt, unless it already got there."""
    config = _config(int(request["id"]))
    if (await graph.aget_state(config)).values:
        return
    await graph.ainvoke({"request": request}, config, context=context, durability="sync")


async def resume_with(graph: CompiledStateGraph, approval_id: int, decision: dict[str, Any],
                      context: CaseContext) -> ApprovalState:
    """Resume a waiting request with its decision (once); the finished state either way."""
    config = _config(approval_id)
    snapshot = await graph.aget_state(config)
    if not snapshot.next:
        return snapshot.values  # type: ignore[return-value]
    return await graph.ainvoke(Command(resume=decision), config, context=context,
                               durability="sync")  # type: ignore[return-value]


def _config(approval_id: int) -> dict[str, Any]:
    return {"configurable": {"thread_id": approval_thread(approval_id)}}


class ApprovalState(TypedDict, total=False):
    """One approval request, its decision and what the customer is told."""

    request: dict[str, Any]
    """The approvals row: id, customer_id, action, args, rule, idempotency_key, description,
    done (and, when kept, the action's `wording`, see `graph.actions.worded`)."""
    decision: dict[str, Any]
    """`{"approved": bool, "by": [actors], "reason": str | None}`, and optionally the
    `language` the customer's conversation runs in now."""
    language: str
    """The language the customer is told the outcome in (from the decision, else English)."""
    outcome: str
    """`done`, `failed`, `unverified` or `denied`."""
    message: str
    """What the customer is told."""


def expired_message(description: str, language: str) -> str:
    """What the customer is told when nobody decided on their request in time."""
    return in_language(EXPIRED, language).format(description=description)


def build_approval_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    """Compile the wait-for-a-person graph."""
    builder = StateGraph(ApprovalState, context_schema=CaseContext)
    builder.add_node("wait_for_decision", wait_for_decision)
    builder.add_node("carry_out_approved", in_conversation_language(carry_out_approved))
    builder.add_node("report_denied", in_conversation_language(report_denied))
    builder.add_edge(START, "wait_for_decision")
    builder.add_conditional_edges("wait_for_decision", route_decision)
    builder.add_edge("carry_out_approved", END)
    builder.add_edge("report_denied", END)
    return builder.compile(checkpointer=checkpointer)


def wait_for_decision(state: ApprovalState) -> dict[str, Any]:
    """Stop until a person decides; the decision is the value the run is resumed with."""
    request = state["request"]
    decision = interrupt({"approval_id": request["id"], "action": request["action"],
                          "args": request["args"], "rule": request["rule"]})
    return {"decision": decision, "language": conversation_language(decision)}


def route_decision(state: ApprovalState) -> Literal["carry_out_approved", "report_denied"]:
    """Approved requests are carried out; denied ones are only reported."""
    return "carry_out_approved" if state["decision"].get("approved") else "report_denied"


async def carry_out_approved(state: ApprovalState,
                             runtime: Runtime[CaseContext]) -> dict[str, Any]:
    """Run the approved action once, verify it took effect, and audit it under the approvers."""
    ctx = runtime.context
    request, decision = state["request"], state["decision"]
    record = {"actor": ",".join(decision["by"]), "customer_id": request["customer_id"],
              "action": request["action"], "args": request["args"], "rule": request["rule"],
              "idempotency_key": request["idempotency_key"]}
    pending = {"action": request["action"], "args": request["args"],
               "key": request["idempotency_key"]}
    try:
        result = await carry_out(ctx, request["customer_id"], pending)
    except BackendError as problem:
        await ctx.audit.record(**record, outcome="failed", detail={"error": str(problem)})
        return {"outcome": "unverified",
                "message": _(UNVERIFIED).format(description=worded(request, "description"))}
    if not result.ok:
        await ctx.audit.record(**record, outcome="failed",
                               detail={"error": result.error, **REFUSED_BY_BACKEND})
        return {"outcome": "failed", "message": _(FAILED).format(
            description=worded(request, "description"), reason=result.error)}
    await ctx.audit.record(**record, outcome="done",
                           detail={"reference": result.reference, **result.detail})
    return {"outcome": "done",
            "message": _(APPROVED).format(done=worded(request, "done", result_values(result)),
                                          ref=result.reference)}


def report_denied(state: ApprovalState) -> dict[str, Any]:
    """Tell the customer, in their terms, that the request was turned down."""
    reason = (state["decision"].get("reason") or "").strip().rstrip(".")
    description = worded(state["request"], "description")
    message = (_(DENIED_WITH_REASON).format(description=description, reason=reason) if reason
               else _(DENIED).format(description=description))
    return {"outcome": "denied", "message": message}
