"""Judging a trial: what must hold at the end, told in words when it does not, and the actions
carried out that the scenario did not expect (wrong actions)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.audit import AuditRecord
from bot.evaluation.scenarios import DECLARED_ACTIONS, ActionRecord, Expect
from graph.backend import Order

ACTIONS = DECLARED_ACTIONS


@dataclass(frozen=True)
class Snapshot:
    """What the customer saw and what the stores held after one turn."""

    replies: list[str]
    orders: dict[str, Order | None]
    audit: list[AuditRecord]
    """The customer's audit records, oldest first."""
    escalations: list[str]
    """The reason of each escalation opened for the customer."""


def failures(expect: Expect, seen: Snapshot) -> list[str]:
    """Everything `expect` asks for that `seen` does not show, one sentence each."""
    problems = [*_orders(expect, seen), *_actions(expect, seen), *_escalation(expect, seen),
                *_replies(expect, seen)]
    problems += [f"did {_said(record)} although the scenario did not expect it"
                 for record in wrong_actions(expect, seen.audit)]
    return problems


def wrong_actions(expect: Expect, audit: list[AuditRecord]) -> list[AuditRecord]:
    """Actions carried out (outcome `done`) that no expected `done` record accounts for."""
    wanted = [a for a in expect.actions if a.outcome == "done"]
    wrong = []
    for record in audit:
        if record.action not in ACTIONS or record.outcome != "done":
            continue
        match = next((a for a in wanted if matches(a, record)), None)
        if match is None:
            wrong.append(record)
        else:
            wanted.remove(match)
    return wrong


def matches(expected: ActionRecord, record: AuditRecord) -> bool:
    """The record is of the expected action and outcome, with the expected arguments."""
    if (expected.action, expected.outcome) != (record.action, record.outcome):
        return False
    return all(_same(value, record.args.get(name)) for name, value in expected.args.items())


def _same(expected: Any, actual: Any) -> bool:
    if actual is None:
        return False
    try:
        return Decimal(str(expected)) == Decimal(str(actual))
    except (InvalidOperation, ValueError):
        return str(expected).strip().casefold() == str(actual).strip().casefold()


def _orders(expect: Expect, seen: Snapshot) -> list[str]:
    problems = []
    for order_id, want in expect.orders.items():
        order = seen.orders.get(order_id)
        if order is None:
            problems.append(f"order {order_id} is not in the shop")
            continue
        if want.status is not None and order.status != want.status:
            problems.append(f"order {order_id} is {order.status}, not {want.status}")
        if want.refunded is not None and order.refunded != want.refunded:
            problems.append(f"order {order_id} has {order.refunded} refunded, not {want.refunded}")
        address = order.shipping_address.model_dump()
        for key, value in (want.address or {}).items():
            if str(address.get(key) or "").casefold() != value.casefold():
                problems.append(f"order {order_id} ships to {key} {address.get(key)!r}, "
                                f"not {value!r}")
    return problems


def _actions(expect: Expect, seen: Snapshot) -> list[str]:
    return [f"no audit record of {_wanted(a)}" for a in expect.actions
            if not any(matches(a, record) for record in seen.audit)]


def _escalation(expect: Expect, seen: Snapshot) -> list[str]:
    wanted = expect.escalated
    if wanted is None:
        return []
    reasons = [r for r in seen.escalations if r != "approval" or wanted == "approval"]
    if wanted is False and reasons:
        return [f"escalated to people ({', '.join(reasons)}) although it should not be"]
    if wanted is True and not reasons:
        return ["not escalated to people although it should be"]
    if isinstance(wanted, str) and wanted not in reasons:
        found = f" (escalated for {', '.join(reasons)})" if reasons else ""
        return [f"not escalated for {wanted}{found}"]
    return []


def _replies(expect: Expect, seen: Snapshot) -> list[str]:
    problems = []
    for pattern in expect.replies.contain:
        if not any(re.search(pattern, reply, re.IGNORECASE) for reply in seen.replies):
            problems.append(f"no reply matches {pattern!r}")
    for pattern in expect.replies.not_contain:
        if hit := next((r for r in seen.replies if re.search(pattern, r, re.IGNORECASE)), None):
            problems.append(f"a reply matches {pattern!r}: {hit[:120]!r}")
    return problems


def _wanted(action: ActionRecord) -> str:
    args = ", ".join(f"{k} {v}" for k, v in action.args.items())
    return f"{action.action} {action.outcome}" + (f" ({args})" if args else "")


def _said(record: AuditRecord) -> str:
    args = ", ".join(f"{k} {v}" for k, v in record.args.items() if v is not None)
    return f"{record.action} ({args})"
