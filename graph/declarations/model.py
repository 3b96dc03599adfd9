"""A declared action, and the set of them the agent runs with."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from graph.declarations.templates import fill

Target = Literal["order", "account"]
BuiltInDimension = Literal["amount", "order_age_days", "days_since_delivery", "item_count"]
BUILT_IN_DIMENSIONS: tuple[str, ...] = ("amount", "order_age_days", "days_since_delivery",
                                        "item_count")
ORDER_STATUSES: tuple[str, ...] = ("processing", "shipped", "delivered", "cancelled")
ORDER_VALUES: tuple[str, ...] = ("order_id", "currency", "total", "money", "status", "customer")
"""Values every sentence of an action on an order may use besides its arguments: the order's
id, currency, total (with the currency), the amount with the currency, its status, and the
customer's first name."""


@dataclass(frozen=True)
class Amount:
    """An argument that is a sum of money on the order."""

    argument: str
    at_most: Literal["refundable", "total"] | None = None
    """The order's figure the sum may not exceed."""
    default: Literal["refundable", "total"] | None = None
    """The sum when the customer names none."""


@dataclass(frozen=True)
class Window:
    """How long after a moment of the order the action may be proposed."""

    since: Literal["delivered_at", "placed_at"]
    days: float
    refusal: str | None = None
    """What the customer is told past the window (else a general sentence)."""


@dataclass(frozen=True)
class Verify:
    """The read-back that proves the action took effect: one field of the order or customer
    read again, which must then equal, reach or contain what the action set."""

    read: Literal["order", "customer"]
    field: str
    """A dotted path into the record ("status", "shipping_address", "returns")."""
    equals: str | Mapping[str, str] | None = None
    at_least: str | None = None
    contains: Mapping[str, str] | None = None

    def holds(self, record: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
        """Whether the record read back shows the action, its templates filled with `values`."""
        found: Any = record
        for part in self.field.split("."):
            found = found.get(part) if isinstance(found, Mapping) else None
        if self.at_least is not None:
            return _at_least(found, fill(self.at_least, values))
        if self.contains is not None:
            wanted = _filled(self.contains, values)
            return isinstance(found, list) and any(
                isinstance(entry, Mapping) and all(str(entry.get(k)) == v
                                                    for k, v in wanted.items())
                for entry in found)
        if isinstance(self.equals, Mapping):
            return isinstance(found, Mapping) and _filled(self.equals, values) == {
                k: str(v) for k, v in found.items() if v not in (None, "")}
        return found is not None and str(found) == fill(str(self.equals), values)


def _filled(table: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, str]:
    filled = {key: fill(template, values) for key, template in table.items()}
    return {key: value for key, value in filled.items() if value != ""}


def _at_least(found: Any, bound: str) -> bool:
    try:
        return found is not None and Decimal(str(found)) >= Decimal(bound)
    except InvalidOperation:
        return False


@dataclass(frozen=True)
class Declaration:
    """One action the agent may propose, as the business declared it."""

    name: str
    description: str
    """What the model is told the action does."""
    applies_to: Target
    arguments: Mapping[str, Any]
    """The arguments as a JSON Schema object (an action on an order has `order_id`)."""
    confirm: str
    """What will happen, completing "I'll ..." (asked before anything is done)."""
    done: str
    """What happened, completing "I've ..." (may use the backend's `result` values)."""
    operation: str
    """The backend operation that carries it out (an `operationId`)."""
    verify: Verify
    case_type: str
    """The case it opens (the case lifecycle's reason, the autonomy's case type)."""
    statuses: tuple[str, ...] = ORDER_STATUSES
    """The order statuses it may be proposed for."""
    refusals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """What the customer is told, by order status, when the order is in none of `statuses`."""
    window: Window | None = None
    amount: Amount | None = None
    item: str | None = None
    """An argument that must name an item of the order (by SKU or name)."""
    joined: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Values for the sentences made of several arguments, joined with ", "."""
    dimensions: tuple[str, ...] = ()
    """What the policy may judge it on, besides the customer's tier."""
    result: tuple[str, ...] = ()
    """Values the backend's answer gives (`detail`), which `done` and `verify` may use."""
    incomplete: str | None = None
    """What the customer is told when the arguments are missing or malformed."""
    undo: str | None = None
    """The declared action that reverses it, if it can be reversed."""
    settles_later: bool = False
    """Whether its effect shows only later (a refund on a statement): the case then stays open
    for a follow-up instead of closing."""
    examples: tuple[str, ...] = ()
    """A few requests for it, as customers write them (for the offline model)."""

    @property
    def argument_names(self) -> tuple[str, ...]:
        """The arguments, in their declared order."""
        return tuple(self.arguments.get("properties", {}))


@dataclass(frozen=True)
class Actions:
    """Every declared action, by name."""

    declared: Mapping[str, Declaration]
    """Read-only once made: a deployment's actions never change while it runs. As a mapping
    proxy it is also taken as it is, not copied field by field, when LangChain dumps a tool's
    runtime (which carries the whole context) on every tool call."""
    source: str = ""
    """The file they came from (named in errors)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "declared", MappingProxyType(dict(self.declared)))

    def __iter__(self) -> Iterator[Declaration]:
        return iter(self.declared.values())

    def __contains__(self, name: object) -> bool:
        return name in self.declared

    def get(self, name: str) -> Declaration | None:
        """The declaration of that name, if there is one."""
        return self.declared.get(name)

    @cached_property
    def names(self) -> frozenset[str]:
        """The declared actions' names."""
        return frozenset(self.declared)

    def case_type(self, action: str | None) -> str | None:
        """The case type an action opens (None for anything not declared)."""
        declared = self.declared.get(action or "")
        return declared.case_type if declared else None

    @cached_property
    def dimensions(self) -> dict[str, tuple[str, ...]]:
        """Each action's name with the arguments it exposes to the policy."""
        return {d.name: tuple(x for x in d.dimensions if x in d.argument_names)
                for d in self.declared.values()}

    @cached_property
    def case_types(self) -> tuple[str, ...]:
        """Every declared case type, once, in declaration order."""
        return tuple(dict.fromkeys(d.case_type for d in self.declared.values()))
