"""Autonomy by case type: which kinds of case the bot handles on its own, and which it only
drafts for a person to release (shadow mode), with the guardrails that stop the line.

The case types are the reasons the case lifecycle assigns, plus questions answered from the
help articles: a deployment's are `case_types(actions)`, the bot's own and its declared
actions' (any name a declaration gives). The policy file's `[autonomy]` table sets them one by
one (over the deployment's `CASELOOP_AUTONOMY`), and its `[guardrails]` table (with one
sub-table per case type where they differ) says when a case type falls back to shadow on its
own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from graph.declarations.model import Actions

Level = Literal["shadow", "autonomous"]
LEVELS: tuple[Level, ...] = ("shadow", "autonomous")
ORDER_STATUS = "order_status"
"""The case type of a question about an order (an order read, no action)."""
POLICY_QUESTION = "policy_question"
"""The case type of a question answered from the help articles."""
OTHER = "other"
"""The case type of a declared action that names none of its own."""
OUTREACH_REASONS: tuple[str, ...] = ("delay", "payment")
"""What an outreach may be about besides a case type: an order running late, a payment that
failed."""
MAX_CASE_TYPE = 40
_CASE_TYPE_NAME = re.compile(rf"[a-z][a-z0-9_]{{0,{MAX_CASE_TYPE - 1}}}")
NOT_ACTIONS: tuple[str, ...] = (ORDER_STATUS, POLICY_QUESTION, *OUTREACH_REASONS)
"""The bot's own case types and outreach reasons, which no declared action may open."""


def is_case_type_name(value: object) -> bool:
    """Whether `value` may name a case type (or a case's reason): lower-case letters, digits and
    `_`, starting with a letter, at most `MAX_CASE_TYPE` long."""
    return isinstance(value, str) and _CASE_TYPE_NAME.fullmatch(value) is not None


def case_types(actions: Actions) -> tuple[str, ...]:
    """The deployment's case types, each once: a status question, the declared actions' case
    types in declaration order, `other`, and a policy question.

    With the bundled declarations: order_status, refund, cancellation, address_change, return,
    exchange, reship, invoice, goodwill, other, policy_question.
    """
    declared = (kind for kind in actions.case_types if kind != OTHER)
    return (ORDER_STATUS, *declared, OTHER, POLICY_QUESTION)


@dataclass(frozen=True)
class Guardrails:
    """When a case type handled on its own falls back to shadow."""

    window: int = 20
    """How many of the case type's latest closed cases the rates are taken over."""
    max_reopen_rate: float = 0.2
    """Above this share of those cases reopened, the line stops."""
    min_satisfaction: float = 3.0
    """Below this average rating (1-5) of those cases, the line stops..."""
    min_ratings: int = 5
    """...once at least this many of them were rated."""
    stop_on_failed_action: bool = True
    """An action the gate allowed that the backend refused or that a person reversed stops
    the line at once."""


@dataclass(frozen=True)
class AutonomyRules:
    """What the policy file says about autonomy: levels and guardrails by case type."""

    levels: Mapping[str, Level] = field(default_factory=dict)
    """Case types the file sets; the others follow `CASELOOP_AUTONOMY`."""
    guardrails: Mapping[str, Guardrails] = field(default_factory=dict)
    """Guardrails by case type; `default` where the file names none for it."""
    default_guardrails: Guardrails = Guardrails()

    def guardrails_for(self, case_type: str) -> Guardrails:
        """The guardrails a case type runs under."""
        return self.guardrails.get(case_type, self.default_guardrails)


class AutonomyError(ValueError):
    """The `[autonomy]` or `[guardrails]` table cannot be used; the message says where."""


def parse_rules(data: Mapping[str, Any], path: Path,
                known: Collection[str] | None = None) -> AutonomyRules:
    """Read the `[autonomy]` and `[guardrails]` tables of a policy file (both optional).

    Args:
        known: The deployment's case types (`case_types`), when known: the tables may then
            name only these.
    """
    levels = data.get("autonomy") or {}
    if not isinstance(levels, dict):
        raise AutonomyError(f"{path}: autonomy: expected a table of case type = level")
    for case_type, level in levels.items():
        _known(case_type, known, path, "autonomy")
        if level not in LEVELS:
            raise AutonomyError(f"{path}: autonomy.{case_type}: level must be shadow or "
                                "autonomous")
    table = data.get("guardrails") or {}
    if not isinstance(table, dict):
        raise AutonomyError(f"{path}: guardrails: expected a table")
    own = {key: value for key, value in table.items() if isinstance(value, dict)}
    default = _guardrails(Guardrails(), {k: v for k, v in table.items() if k not in own},
                          path, "guardrails")
    for case_type in own:
        _known(case_type, known, path, "guardrails")
    return AutonomyRules(
        levels=dict(levels),
        guardrails={case_type: _guardrails(default, values, path, f"guardrails.{case_type}")
                    for case_type, values in own.items()},
        default_guardrails=default)


def case_type_of(facts: Iterable[Mapping[str, Any]],
                 case_type_of_action: Callable[[str | None], str | None]) -> str | None:
    """The case type a turn worked on, from its facts: an action proposed or refused first
    (its declared case type), then an order read, then a help article searched. None for
    anything else (a greeting, proving who one is)."""
    found: list[str] = []
    for fact in facts:
        kind, action = fact.get("kind"), fact.get("action")
        declared = case_type_of_action(action) if kind in ("proposed", "refused") else None
        if declared is not None:
            return declared
        if kind == "read":
            found.append(ORDER_STATUS)
        elif kind == "searched":
            found.append(POLICY_QUESTION)
    return ORDER_STATUS if ORDER_STATUS in found else (found[0] if found else None)


def _known(case_type: str, known: Collection[str] | None, path: Path, table: str) -> None:
    if known is not None and case_type not in known:
        raise AutonomyError(f"{path}: {table}.{case_type}: unknown case type (one of "
                            f"{', '.join(known)})")


def _guardrails(base: Guardrails, values: Mapping[str, Any], path: Path,
                where: str) -> Guardrails:
    names = {item.name: item for item in fields(Guardrails)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in names:
            raise AutonomyError(f"{path}: {where}.{key}: unknown setting (one of "
                                f"{', '.join(names)})")
        kind = type(getattr(base, key))
        if kind is bool:
            if not isinstance(value, bool):
                raise AutonomyError(f"{path}: {where}.{key}: must be true or false")
        elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value) or value < 0 or (kind is int and value != int(value)):
            raise AutonomyError(f"{path}: {where}.{key}: must be a number of at least 0"
                                + (" (whole)" if kind is int else ""))
        changes[key] = kind(value)
    return replace(base, **changes)
