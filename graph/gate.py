"""The policy gate: every tool call passes here, and the rules are code, not prompt."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

from langchain_core.messages import ToolMessage
from langgraph.prebuilt.tool_node import ToolCallRequest
from langgraph.types import Command

from graph.actions import Proposal, worded
from graph.backend import BackendError
from graph.catalogs import N_, _
from graph.policy import ActionFacts
from graph.state import BACKEND_FAILED, TurnFact, found_by_agent, latest_customer_text
from graph.tools import READ_TOOLS, error

VERIFY_FIRST = N_(
    "To look into your account I first need to confirm it's you. "
    "What's the e-mail address on your account?"
)
ONE_AT_A_TIME = N_("One change at a time: let's settle the first one before this one.")
ALREADY_PENDING = N_("There is already a change waiting for the customer's yes or no.")
FORBIDDEN = N_("Our policy doesn't allow me to {description}.")
BACKEND_DOWN = N_("Our order system isn't answering right now, so I can't check that yet.")
UNKNOWN_TOOL = "There is no tool called {name}."
"""Said to the model only: it called a tool that does not exist."""
READS = ("get_order", "list_orders")
SEARCH = "search_knowledge"
ORDER_CHECK_RULE = "order-check"
"""The rule named in the audit log when the order itself rules an action out."""

Execute = Callable[[ToolCallRequest], Awaitable[ToolMessage | Command]]


async def gate_tool_call(request: ToolCallRequest, execute: Execute) -> ToolMessage | Command:
    """Decide whether and how a tool call may run.

    Account tools need a verified customer. Action tools never act here: they are checked,
    judged by the policy (a refusal is audited), and, when allowed, parked in state as a
    pending action that only the customer's explicit yes will carry out.
    """
    call = request.tool_call
    state = request.state
    actions = request.runtime.context.actions.names
    if request.tool is None:
        return _reply(call["id"], error("invalid", UNKNOWN_TOOL.format(name=call["name"])))
    if (call["name"] in READ_TOOLS or call["name"] in actions) and not state.get("verified"):
        return Command(update={
            "messages": [_reply(call["id"], error("verification_required", _(VERIFY_FIRST)))],
            "carry_over": [latest_customer_text(state)],
        })
    if call["name"] not in actions:
        return _with_read(call, await _run(request, execute))
    if state.get("pending_action"):
        return _reply(call["id"], error("invalid", _(ALREADY_PENDING)))
    siblings = [c for c in _calls_in_turn(state) if c["name"] in actions]
    if siblings and siblings[0]["id"] != call["id"]:
        return _reply(call["id"], error("invalid", _(ONE_AT_A_TIME)))
    outcome = await _run(request, execute)
    if not isinstance(outcome, ToolMessage):
        return outcome
    try:
        result = json.loads(str(outcome.content))
    except ValueError:
        return outcome  # the tool never ran (its arguments were wrong): the model reads why
    if not isinstance(result, dict):
        return outcome
    if result.get("status") == "proposed":
        return await _judge(request, result)
    if result.get("error") == "invalid":
        await request.runtime.context.audit.record(
            actor="agent", customer_id=state.get("customer_id"), action=call["name"],
            args=call["args"], rule=ORDER_CHECK_RULE, outcome="refused",
            detail={"reason": result.get("message")},
        )
        return _with_fact(outcome, refused(call["name"], call["args"]))
    return outcome


async def _judge(request: ToolCallRequest, proposed: dict) -> ToolMessage | Command:
    ctx = request.runtime.context
    customer_id = request.state["customer_id"]
    facts = dict(proposed["facts"])
    facts["amount"] = None if facts["amount"] is None else Decimal(facts["amount"])
    checked = Proposal(proposed["action"], proposed["args"], ActionFacts(**facts),
                       proposed["description"], proposed["done"], proposed.get("wording") or {})
    ruling = ctx.policy.decide(checked.facts)
    call_id = request.tool_call["id"]
    if ruling.decision == "forbid":
        await ctx.audit.record(
            actor="agent", customer_id=customer_id, action=checked.action, args=checked.args,
            rule=ruling.rule, outcome="refused",
        )
        return _with_fact(
            _reply(call_id, error("refused", _(FORBIDDEN).format(
                description=worded(proposed, "description")))),
            refused(checked.action, checked.args))
    pending = checked.as_pending(ruling.decision, ruling.rule, uuid.uuid4().hex)
    return Command(update={
        "messages": [_reply(call_id, json.dumps({
            "status": "awaiting_confirmation", "summary": worded(proposed, "description")}))],
        "pending_action": pending,
        "turn_facts": [{"kind": "proposed", "action": pending["action"],
                        "order_id": pending["args"].get("order_id"), "key": pending["key"]}],
    })


async def _run(request: ToolCallRequest, execute: Execute) -> ToolMessage | Command:
    try:
        return await execute(request)
    except BackendError:
        return Command(update={
            "messages": [_reply(request.tool_call["id"], error("backend_error", _(BACKEND_DOWN)))],
            "escalation": found_by_agent("backend_error", BACKEND_FAILED),
        })


def _reply(call_id: str, content: str) -> ToolMessage:
    return ToolMessage(content=content, tool_call_id=call_id)


def _with_read(call: dict, outcome: ToolMessage | Command) -> ToolMessage | Command:
    """Record an order (or the list of orders) read successfully, or the help articles
    searched, as a fact of the turn."""
    if not isinstance(outcome, ToolMessage) or call["name"] not in (*READS, SEARCH):
        return outcome
    try:
        result = json.loads(str(outcome.content))
    except ValueError:
        return outcome
    if not isinstance(result, dict) or "error" in result:
        return outcome
    if call["name"] == SEARCH:
        return _with_fact(outcome, {"kind": "searched"})
    order_id = order_key(call["args"].get("order_id")) if call["name"] == "get_order" else None
    return _with_fact(outcome, {"kind": "read", "order_id": order_id})


def _with_fact(message: ToolMessage, fact: TurnFact) -> Command:
    return Command(update={"messages": [message], "turn_facts": [fact]})


def refused(action: str, args: dict) -> TurnFact:
    """The fact of an action refused (by the policy, or by the order's own state)."""
    return {"kind": "refused", "action": action, "order_id": order_key(args.get("order_id"))}


def order_key(value: object) -> str | None:
    """An order id as the store keeps it: no `#`, upper case."""
    text = str(value or "").strip().lstrip("#").upper()
    return text or None



def _calls_in_turn(state: dict) -> list[dict]:
    for message in reversed(state.get("messages", [])):
        calls = getattr(message, "tool_calls", None)
        if calls:
            return list(calls)
    return []
