"""Builders for offline-model conversations: the graph's tools, customers' orders, turns."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool

from graph.offline.model import OfflineChatModel


@tool
def list_orders() -> dict:
    """List the customer's orders."""
    return {}


@tool
def get_order(order_id: str) -> dict:
    """Look up one order."""
    return {}


@tool
def refund(order_id: str, amount: str | None = None, reason: str | None = None) -> dict:
    """Refund an order, wholly or partly."""
    return {}


@tool
def cancel_order(order_id: str, reason: str | None = None) -> dict:
    """Cancel an order."""
    return {}


@tool
def change_address(
    order_id: str, line1: str, city: str, postcode: str, country: str, line2: str | None = None
) -> dict:
    """Change an order's delivery address."""
    return {}


@tool
def search_knowledge(query: str) -> dict:
    """Search the help articles."""
    return {}


@tool
def request_human(reason: str) -> dict:
    """Hand the conversation to a person."""
    return {}


TOOLS = [list_orders, get_order, refund, cancel_order, change_address, search_knowledge,
         request_human]


def order(order_id: str, status: str, *items: str, total: str = "40.00", **extra: Any) -> dict:
    """An order as list_orders and get_order return it."""
    data = {
        "id": order_id,
        "status": status,
        "placed_at": "2026-10-02T09:30:00Z",
        "delivered_at": "2026-10-06T15:00:00Z" if status == "delivered" else None,
        "currency": "USD",
        "total": total,
        "refunded": "0.00",
        "items": [{"sku": f"SKU-{i}", "name": name, "qty": 1, "unit_price": total}
                  for i, name in enumerate(items or ("Item",))],
        "tracking": None,
    }
    data.update(extra)
    return data


class Chat:
    """A conversation with the offline model, as the graph would run it."""

    def __init__(self, tools: list | None = None) -> None:
        self.model = OfflineChatModel().bind_tools(TOOLS if tools is None else tools)
        self.messages: list[BaseMessage] = [SystemMessage("You are Caseloop.")]

    def _step(self) -> AIMessage:
        reply = self.model.invoke(self.messages)
        self.messages.append(reply)
        return reply

    def say(self, text: str) -> AIMessage:
        """Add a customer message and return the model's reply."""
        self.messages.append(HumanMessage(text))
        return self._step()

    def answer(self, *results: dict) -> AIMessage:
        """Answer the last reply's tool calls with these results, in order."""
        calls = self.messages[-1].tool_calls
        assert len(calls) == len(results), calls
        for call, result in zip(calls, results, strict=True):
            self.messages.append(ToolMessage(json.dumps(result), tool_call_id=call["id"]))
        return self._step()

    def graph_says(self, text: str) -> None:
        """Add an AIMessage written by the graph, not by the model."""
        self.messages.append(AIMessage(text))


def only_call(reply: AIMessage) -> tuple[str, dict]:
    """The single tool call of a reply, as (name, args)."""
    assert len(reply.tool_calls) == 1, (reply.content, reply.tool_calls)
    return reply.tool_calls[0]["name"], reply.tool_calls[0]["args"]
