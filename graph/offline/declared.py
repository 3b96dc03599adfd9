"""The business's declared actions as the offline model keeps them from the tools it is given."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.tools import BaseTool

OWN_ACTIONS = frozenset({"refund", "cancel_order", "change_address"})
"""Actions the model has intents of its own for: they keep their own path."""
PREFIX = "action:"
"""Marks a declared action in the dialogue state's `intent` ("action:start_return")."""
MAX_EXAMPLES = 50
"""At most this many example requests are kept per action."""


@dataclass(frozen=True)
class Argument:
    """One argument of a declared action, as its JSON Schema describes it.

    Attributes:
        name: The argument's name.
        types: Its JSON types ("string", "number", ...).
        enum: The values it may take, when the schema lists them.
        required: Whether the action needs it.
        max_length: The schema's `maxLength`, if any.
    """

    name: str
    types: tuple[str, ...] = ("string",)
    enum: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None


@dataclass(frozen=True)
class DeclaredAction:
    """What the model needs of one declared action to recognise and fill it.

    Attributes:
        name: The tool's name.
        examples: Requests for it as customers write them.
        applies_to: "order" or "account".
        item: The argument that names an item of the order, if any.
        amount: The argument that is a sum of money, if any.
        arguments: The schema's properties.
    """

    name: str
    examples: tuple[str, ...] = ()
    applies_to: str = "order"
    item: str | None = None
    amount: str | None = None
    arguments: tuple[Argument, ...] = ()

    @property
    def intent(self) -> str:
        """The dialogue state's intent while this action is the task."""
        return PREFIX + self.name

    def argument(self, name: str | None) -> Argument | None:
        """The argument of that name, if declared."""
        return next((a for a in self.arguments if a.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe copy, kept in the dialogue state while the action is in progress."""
        data = asdict(self)
        data.pop("examples")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeclaredAction:
        """The action `to_dict` kept."""
        fields = Argument.__dataclass_fields__
        arguments = tuple(Argument(**{**{k: v for k, v in a.items() if k in fields},
                                      "types": tuple(a.get("types") or ()),
                                      "enum": tuple(a.get("enum") or ())})
                          for a in data.get("arguments") or [] if a.get("name"))
        return cls(name=data["name"], applies_to=data.get("applies_to", "order"),
                   item=data.get("item"), amount=data.get("amount"), arguments=arguments)


def _arguments(schema: Any) -> tuple[Argument, ...]:
    if not isinstance(schema, dict):
        return ()
    required = set(schema.get("required") or ())
    found = []
    for name, spec in (schema.get("properties") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        kind = spec.get("type", "string")
        types = tuple(kind) if isinstance(kind, list) else (str(kind),)
        length = spec.get("maxLength")
        found.append(Argument(
            name=str(name), types=types, enum=tuple(str(v) for v in spec.get("enum") or ()),
            required=name in required, max_length=length if isinstance(length, int) else None))
    return tuple(found)


def declared_action(tool: Any) -> DeclaredAction | None:
    """The declared action a tool proposes (its metadata names it), or None for other tools."""
    if not isinstance(tool, BaseTool) or not isinstance(tool.metadata, dict):
        return None
    meta = tool.metadata
    if not meta.get("caseloop_action"):
        return None
    examples = tuple(str(e) for e in meta.get("caseloop_examples") or ())[:MAX_EXAMPLES]
    return DeclaredAction(
        name=str(meta["caseloop_action"]), examples=examples,
        applies_to=str(meta.get("caseloop_applies_to") or "order"),
        item=meta.get("caseloop_item"), amount=meta.get("caseloop_amount"),
        arguments=_arguments(tool.args_schema))


def active(state_slots: dict[str, Any]) -> DeclaredAction | None:
    """The declared action a task in progress carries in its slots, if any."""
    data = state_slots.get("declared")
    return DeclaredAction.from_dict(data) if isinstance(data, dict) else None
