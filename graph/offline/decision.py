"""What the model does next: a reply, a tool call or a question, with the state it keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.catalogs import _
from graph.offline.state import DialogueState


@dataclass
class Decision:
    """What the model says or calls next, and the state it remembers.

    Attributes:
        content: Text for the customer (may be empty when only calling tools).
        calls: Tool calls as {"name", "args"} dicts.
        state: The dialogue state to store with the reply.
    """

    content: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    state: DialogueState = field(default_factory=DialogueState)


def call_tool(
    state: DialogueState, offered: set[str], name: str, prefix: str, **args: Any
) -> Decision:
    """Call a tool, or say it is out of reach when it was not offered."""
    state.awaiting = None
    if name not in offered:
        text = _("I'm not able to do that from here, but a person from our team can help.")
        return Decision(f"{prefix}{text}", [], state)
    if prefix:
        state.slots["prefix"] = prefix
    clean = {key: value for key, value in args.items() if value is not None}
    if clean.get("order_id"):
        state.focus = str(clean["order_id"])
    return Decision("", [{"name": name, "args": clean}], state)


def ask(state: DialogueState, awaiting: str, text: str) -> Decision:
    """Ask the customer for a missing piece and remember what was asked."""
    state.awaiting = awaiting
    return Decision(text, [], state)
