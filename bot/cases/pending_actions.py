"""What a customer has open, to name (and keep open) when they arrive on another channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from bot.desk.approvals import ApprovalQueue
from bot.identity.links import customer_thread

WAITING_FOR_YES = (
    "You have a request waiting for your answer: I'll {description}. "
    "Reply yes to go ahead, or no to drop it."
)
WAITING_FOR_CHOICE = (
    "You have a question from us about order {order_id} waiting for your answer. {question}"
)
WAITING_FOR_APPROVAL = "Your request to {description} is waiting for a colleague's approval."


@dataclass(frozen=True)
class PendingAction:
    """The case still open for a customer."""

    note: str
    """A sentence naming it, for the customer."""
    key: str
    """Changes whenever the open case does (the action's idempotency key)."""
    pending_action: dict[str, Any] | None = None
    """The action waiting for the customer's yes, if that is what is open."""


async def find_pending_action(graph: CompiledStateGraph, approvals: ApprovalQueue,
                         customer_id: str) -> PendingAction | None:
    """The confirmation or approval still open for the customer, if any (confirmation first)."""
    state = (await graph.aget_state(_config(customer_id))).values
    pending = state.get("pending_action")
    if pending and pending.get("offer"):
        offer = pending["offer"]
        return PendingAction(WAITING_FOR_CHOICE.format(order_id=offer["order_id"],
                                                  question=offer["question"]),
                        pending["key"], pending)
    if pending:
        return PendingAction(WAITING_FOR_YES.format(description=pending["description"]),
                        pending["key"], pending)
    waiting = await approvals.pending_for(customer_id)
    if waiting:
        latest = waiting[-1]
        description = _describe(latest["action"], latest["args"])
        return PendingAction(WAITING_FOR_APPROVAL.format(description=description),
                        latest["idempotency_key"])
    return None


async def keep_pending(graph: CompiledStateGraph, customer_id: str,
                       case: PendingAction) -> None:
    """Put a confirmation back in the customer's thread after a message that was not about it."""
    await graph.aupdate_state(_config(customer_id), {"pending_action": case.pending_action},
                              as_node="respond")


def _config(customer_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": customer_thread(customer_id)}}


def _describe(action: str, args: dict[str, Any]) -> str:
    order = args.get("order_id", "your order")
    if action == "refund":
        return f"refund {args.get('amount')} on order {order}"
    if action == "cancel_order":
        return f"cancel order {order}"
    return f"change the delivery address of order {order}"
