"""The policy: which actions run on their own, need a human, or are forbidden."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml

from graph.autonomy import AutonomyError, AutonomyRules, parse_rules

Decision = Literal["auto", "approve", "forbid"]
DEFAULT_RULE = "default-needs-approval"


class PolicyError(ValueError):
    """The policy file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class ActionFacts:
    """What the policy may look at when deciding about one action."""

    action: str
    tier: str
    amount: Decimal | None = None
    order_age_days: float | None = None
    days_since_delivery: float | None = None
    item_count: int | None = None
    arguments: Mapping[str, Any] = field(default_factory=dict)
    """The arguments the action's declaration names as dimensions of the policy."""


@dataclass(frozen=True)
class Ruling:
    """The policy's answer for one action, and the rule that gave it."""

    decision: Decision
    rule: str


@dataclass(frozen=True)
class Rule:
    """One rule of the policy file; every condition it names must hold for it to match."""

    name: str
    decision: Decision
    action: str | None = None
    tiers: tuple[str, ...] = ()
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    min_order_age_days: float | None = None
    max_order_age_days: float | None = None
    min_days_since_delivery: float | None = None
    max_days_since_delivery: float | None = None
    min_item_count: float | None = None
    max_item_count: float | None = None
    arguments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Arguments that must have one of these values (as text)."""

    def matches(self, facts: ActionFacts) -> bool:
        """True when every condition of the rule holds for these facts."""
        if self.action not in (None, facts.action):
            return False
        if self.tiers and facts.tier not in self.tiers:
            return False
        for name, allowed in self.arguments.items():
            if name not in facts.arguments or str(facts.arguments[name]) not in allowed:
                return False
        return (
            _above(facts.amount, self.min_amount)
            and _at_most(facts.amount, self.max_amount)
            and _above(facts.order_age_days, self.min_order_age_days)
            and _at_most(facts.order_age_days, self.max_order_age_days)
            and _above(facts.days_since_delivery, self.min_days_since_delivery)
            and _at_most(facts.days_since_delivery, self.max_days_since_delivery)
            and _above(facts.item_count, self.min_item_count)
            and _at_most(facts.item_count, self.max_item_count)
        )


@dataclass(frozen=True)
class Policy:
    """An ordered list of rules; the first that matches decides, else a human approves.

    The file may also set autonomy by case type and the guardrails (`graph/autonomy.py`).
    """

    rules: tuple[Rule, ...]
    autonomy: AutonomyRules = AutonomyRules()

    def decide(self, facts: ActionFacts) -> Ruling:
        """The ruling for one proposed action."""
        for rule in self.rules:
            if rule.matches(facts):
                return Ruling(rule.decision, rule.name)
        return Ruling("approve", DEFAULT_RULE)

    @classmethod
    def load(cls, path: Path, actions: Mapping[str, Collection[str]] | None = None,
             case_types: Collection[str] | None = None) -> Policy:
        """Read a policy from a TOML or YAML file (by its suffix).

        Args:
            actions: The declared actions and the arguments each exposes to the policy (its
                dimensions), when known: a rule may then name only one of them, and judge
                only those arguments.
            case_types: The deployment's case types (`graph.autonomy.case_types`), when
                known: the `[autonomy]` and `[guardrails]` tables may then name only these.
        """
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else tomllib.loads(text)
        except (OSError, tomllib.TOMLDecodeError, yaml.YAMLError) as error:
            raise PolicyError(f"{path}: {error}") from None
        entries = (data or {}).get("rule")
        if not isinstance(entries, list) or not entries:
            raise PolicyError(f"{path}: expected a list of rules under 'rule'")
        try:
            autonomy = parse_rules(data, path, case_types)
        except AutonomyError as error:
            raise PolicyError(str(error)) from None
        return cls(tuple(_parse_rule(entry, path, index, actions)
                         for index, entry in enumerate(entries)), autonomy)


def _above(value: Any, bound: Any) -> bool:
    return bound is None or (value is not None and value > bound)


def _at_most(value: Any, bound: Any) -> bool:
    return bound is None or (value is not None and value <= bound)


_NUMBER_KEYS = {
    "min_order_age_days", "max_order_age_days", "min_days_since_delivery",
    "max_days_since_delivery", "min_item_count", "max_item_count",
}
_KNOWN_KEYS = {"name", "decision", "action", "tier", "min_amount", "max_amount",
               "arguments"} | _NUMBER_KEYS


def _parse_rule(entry: Any, path: Path, index: int,
                actions: Mapping[str, Collection[str]] | None) -> Rule:
    where = f"{path}: rule {index + 1}"
    if not isinstance(entry, dict):
        raise PolicyError(f"{where}: expected a table of conditions")
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown keys {sorted(unknown)}")
    if entry.get("decision") not in ("auto", "approve", "forbid"):
        raise PolicyError(f"{where}: decision must be auto, approve or forbid")
    action = entry.get("action")
    if action is not None and (not isinstance(action, str) or (
            actions is not None and action not in actions)):
        raise PolicyError(f"{where}: action must be one of the declared actions "
                          f"({', '.join(sorted(actions or ()))})")
    arguments = entry.get("arguments", {})
    if not isinstance(arguments, dict) or not all(
            isinstance(v, str | int | float | bool | list) for v in arguments.values()):
        raise PolicyError(f"{where}: arguments must be a table of values (or lists of them)")
    if arguments and actions is not None and (action is None or not set(arguments) <= set(
            actions[action])):
        raise PolicyError(f"{where}: arguments must name the action and only the arguments "
                          "it declares as dimensions")
    tier = entry.get("tier", ())
    try:
        amounts = {k: Decimal(str(entry[k])) for k in ("min_amount", "max_amount") if k in entry}
        numbers = {k: float(entry[k]) for k in _NUMBER_KEYS if k in entry}
    except (InvalidOperation, ValueError):
        raise PolicyError(f"{where}: amounts and days must be numbers") from None
    if not all(v.is_finite() for v in amounts.values()) or not all(
            math.isfinite(v) for v in numbers.values()):
        raise PolicyError(f"{where}: amounts and days must be finite numbers")
    return Rule(
        name=str(entry.get("name") or f"rule-{index + 1}"),
        decision=entry["decision"],
        action=entry.get("action"),
        tiers=(tier,) if isinstance(tier, str) else tuple(tier),
        arguments={str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v]))
                   for k, v in arguments.items()},
        **amounts,
        **numbers,
    )
