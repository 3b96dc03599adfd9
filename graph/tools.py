"""The tools the model may call. Reads answer directly; declared actions only propose (see
`gate`)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, StructuredTool, tool
from langgraph.prebuilt import ToolRuntime
from langgraph.types import Command
from pydantic import BaseModel

from graph.actions import ActionRejected, propose
from graph.backend import Order
from graph.catalogs import N_, _
from graph.declarations.model import Actions, Declaration
from graph.state import conversation_language, found_by_agent

READ_TOOLS = frozenset({"list_orders", "get_order"})
ORDER_NOT_FOUND = N_("I couldn't find order {order_id} on your account.")
FLAGGED = N_("I have flagged this conversation for a colleague, who will reply here.")


NO_ARGUMENTS = {"type": "object", "properties": {}}
"""What the model passes to a tool that takes nothing (anything else it passes is ignored).

Each tool's arguments are a schema or a model of their own, without the injected `runtime`:
LangChain validates and then dumps an arguments model on every call, and a `runtime` among
them would be dumped whole (the graph's state, its config, and the context with every
service). The runtime is still injected, from the function's signature."""


class _OrderId(BaseModel):
    order_id: str


class _Query(BaseModel):
    query: str


class _Reason(BaseModel):
    reason: str


def error(code: str, message: str) -> str:
    """A tool result telling the model what went wrong, in words for the customer."""
    return json.dumps({"error": code, "message": message})


def _customer(runtime: ToolRuntime[Any]) -> str:
    return str(runtime.state.get("customer_id"))


def _order_summary(order: Order) -> dict[str, Any]:
    return {
        "id": order.id, "status": order.status, "placed_at": order.placed_at,
        "total": f"{order.total:.2f}", "currency": order.currency,
        "items": [{"name": item.name, "qty": item.qty} for item in order.items],
    }


@tool(args_schema=NO_ARGUMENTS)
async def list_orders(runtime: ToolRuntime[Any], **_: Any) -> str:
    """List the customer's orders, newest first."""
    orders = await runtime.context.backend.list_orders(_customer(runtime))
    return json.dumps({"orders": [_order_summary(order) for order in orders]})


@tool(args_schema=_OrderId)
async def get_order(order_id: str, runtime: ToolRuntime[Any]) -> str:
    """Read one of the customer's orders: status, items, delivery address and tracking."""
    order = await runtime.context.backend.get_order(order_id.strip().lstrip("#").upper())
    if order is None or order.customer_id != _customer(runtime):
        return error("not_found", _(ORDER_NOT_FOUND).format(order_id=order_id))
    return json.dumps({"order": order.model_dump(mode="json", exclude={"customer_id"})})


async def _propose(
    runtime: ToolRuntime[Any], action: str, args: dict[str, Any]
) -> tuple[str, dict[str, str] | None]:
    """The proposal (or refusal) for the gate, and for a refused amount the most there is."""
    try:
        proposal = await propose(runtime.context, _customer(runtime), action, args)
    except ActionRejected as rejected:
        most = rejected.refundable
        return error("invalid", str(rejected)), None if most is None else {
            "refundable": f"{most:.2f}"}
    facts = dataclasses.asdict(proposal.facts)
    facts["amount"] = None if proposal.facts.amount is None else str(proposal.facts.amount)
    return json.dumps({"status": "proposed", "action": proposal.action, "args": proposal.args,
                       "description": proposal.description, "done": proposal.done,
                       "wording": proposal.wording, "facts": facts}), None


def declared_tool(declared: Declaration) -> StructuredTool:
    """The tool that proposes a declared action, with the declaration's arguments as its
    schema (the model reads them; the gate and `propose` check them)."""

    async def run(runtime: ToolRuntime[Any], **arguments: Any) -> tuple[str, dict | None]:
        return await _propose(runtime, declared.name, arguments)

    return StructuredTool(
        name=declared.name, description=declared.description,
        args_schema=dict(declared.arguments), coroutine=run,
        response_format="content_and_artifact",
        metadata={"caseloop_action": declared.name, "caseloop_examples": declared.examples,
                  "caseloop_applies_to": declared.applies_to, "caseloop_item": declared.item,
                  "caseloop_amount": declared.amount.argument if declared.amount else None})


@tool(args_schema=_Query)
async def search_knowledge(query: str, runtime: ToolRuntime[Any]) -> str:
    """Search the help articles (returns, shipping, refunds...) for a customer's question."""
    articles = runtime.context.knowledge.search(
        query, language=conversation_language(runtime.state))
    return json.dumps({"articles": [{"title": a.title, "snippet": a.snippet} for a in articles]})


@tool(args_schema=_Reason)
async def request_human(reason: str, runtime: ToolRuntime[Any]) -> Command:
    """Hand the conversation to a human colleague, when the customer asks or you cannot help."""
    await runtime.context.audit.record(
        actor="agent", customer_id=runtime.state.get("customer_id"), action="request_human",
        args={"reason": reason}, rule=None, outcome="done",
    )
    result = json.dumps({"status": "escalated", "message": _(FLAGGED)})
    return Command(update={
        "messages": [ToolMessage(content=result, tool_call_id=runtime.tool_call_id)],
        "escalation": found_by_agent("asked_for_person", reason[:200] or "the agent handed over"),
    })


def agent_tools(actions: Actions) -> list[BaseTool]:
    """Every tool the model may call: the reads, one tool per declared action, the help
    articles and a person."""
    return [list_orders, get_order, *(declared_tool(d) for d in actions), search_knowledge,
            request_human]
