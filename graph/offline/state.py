"""The offline model's dialogue state, carried in its own AIMessages between turns."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

STATE_KEY = "caseloop_nlu"
_MAX_KNOWN_ORDERS = 12


@dataclass
class DialogueState:
    """What the offline model is doing and waiting for.

    Attributes:
        intent: The task in progress (an intent name from the lexicon), if any.
        awaiting: The missing piece the last reply asked for: "order_id", "order_choice",
            "amount", "address", "confirm", "email", or for a declared action "item" or
            "argument"; None when nothing is pending.
        options: Order ids offered to the customer to choose from, in the order shown.
        slots: What is known so far: "order_id", "amount", "address", "reason", "query";
            for a declared action also "declared" (what the model needs of it), "args" (the
            arguments filled), "asking" (the argument asked for) and "answers" (what the
            customer said since the request).
        orders: Short summaries of the customer's orders seen in tool results.
        proposal: A tool call the model offered and will make if the customer says yes.
        focus: The order the conversation is about now, which "it" and "that order" mean.
        listed: Order ids of the last list shown to the customer, in the order shown, which
            "the second one" or "number 3" pick from.
    """

    intent: str | None = None
    awaiting: str | None = None
    options: list[str] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    orders: list[dict[str, Any]] = field(default_factory=list)
    proposal: dict[str, Any] | None = None
    focus: str | None = None
    listed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict for ``AIMessage.additional_kwargs``."""
        data = {**vars(self), "orders": self.orders[-_MAX_KNOWN_ORDERS:]}
        return json.loads(json.dumps(data))  # a copy the next turn's changes cannot reach

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogueState:
        """Rebuild a state from what ``to_dict`` stored, ignoring unknown keys."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def remember_orders(self, orders: list[dict[str, Any]]) -> None:
        """Record order summaries, newest information winning. The orders learnt last are
        the ones kept (`to_dict`): a list comes newest first, so its newest orders are learnt
        last, and an order read again moves to the end."""
        by_id = {order["id"]: order for order in self.orders}
        for order in reversed(orders):
            if order.get("id"):
                by_id.pop(str(order["id"]), None)
                by_id[str(order["id"])] = summarize_order(order)
        self.orders = list(by_id.values())

    def known_order(self, order_id: str) -> dict[str, Any] | None:
        """Return the remembered summary of an order, if seen."""
        return next((o for o in self.orders if o["id"] == order_id), None)


def summarize_order(order: dict[str, Any]) -> dict[str, Any]:
    """Keep only what the dialogue needs to refer to an order later."""
    items = [str(item.get("name", "")) for item in order.get("items") or [] if item.get("name")]
    return {
        "id": str(order["id"]),
        "status": order.get("status"),
        "placed_at": order.get("placed_at"),
        "total": order.get("total"),
        "currency": order.get("currency"),
        "items": items,
        "lines": [_line(item) for item in order.get("items") or [] if isinstance(item, dict)],
    }


_LINE_EXTRAS = ("sku", "variant", "variants")
"""What an order line may also tell, kept when given: an item's SKU, and the variant it is
with the others it comes in (for a declared action that names an item or another variant)."""


def _line(item: dict[str, Any]) -> dict[str, Any]:
    line = {"name": str(item.get("name", "")), "qty": item.get("qty", 1),
            "unit_price": item.get("unit_price")}
    line.update({key: item[key] for key in _LINE_EXTRAS if item.get(key) is not None})
    return line


def previous_state(messages: list[BaseMessage]) -> tuple[DialogueState, bool]:
    """Return the state in the latest AIMessage that carries one, and whether it is current.

    The state is current when that AIMessage is also the latest AIMessage of all, so its
    question is the last thing the customer saw; otherwise only its memory is reused.
    """
    latest_ai = True
    for message in reversed(messages):
        if not isinstance(message, AIMessage):
            continue
        data = message.additional_kwargs.get(STATE_KEY)
        if isinstance(data, dict):
            return DialogueState.from_dict(data), latest_ai
        latest_ai = False
    return DialogueState(), False


def parse_tool_content(message: ToolMessage) -> dict[str, Any]:
    """Decode a tool result into a dict; text that is not JSON becomes ``{"message": text}``.

    Facts the tool attached for the program rather than for a model (``ToolMessage.artifact``,
    such as the most a refused refund could be) come under "artifact".
    """
    content = message.content
    if isinstance(content, list):
        content = "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content)
    try:
        decoded = json.loads(content)
    except (TypeError, ValueError):
        decoded = {"message": str(content)}
    result = decoded if isinstance(decoded, dict) else {"result": decoded}
    if isinstance(message.artifact, dict):
        result["artifact"] = message.artifact
    return result


def find_tool_call(messages: list[BaseMessage], call_id: str) -> dict[str, Any] | None:
    """Return the tool call (name and args) that a ToolMessage with this id answers."""
    for message in reversed(messages):
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                if call.get("id") == call_id:
                    return {"name": call["name"], "args": dict(call.get("args") or {})}
    return None
