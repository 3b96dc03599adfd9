"""Declared actions: checked and described before the customer confirms, then carried out and
read back. Nothing here knows one action from another: each is what its declaration says
(`graph/declarations/`)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.backend import ActionResult, BackendError, Customer, Order
from graph.catalogs import N_, _
from graph.context import CaseContext
from graph.declarations.arguments import ActionRejected, check_arguments
from graph.declarations.model import Declaration
from graph.declarations.templates import fill
from graph.policy import ActionFacts

__all__ = ["REFUSED_BY_BACKEND", "ActionRejected", "Proposal", "carry_out", "propose",
           "result_values", "worded"]

NOT_FOUND = N_("I couldn't find order {order_id} on your account. Could you check the number?")
NO_ORDER_ID = N_("I couldn't find order that on your account. Could you check the number?")
NOT_DECLARED = "There is no action called {name}."
"""Said to the model only: it asked for an action nobody declared."""
REFUSED_BY_BACKEND = {"refused_by": "backend"}
"""In an action's `failed` audit record: the backend refused it (it was not merely down)."""
READ_BACK_WAITS = (0.0, 0.3, 1.0)
"""Seconds before each read-back of an action's outcome: a backend may show a write late."""
MAX_RESULT_CHARS = 500
"""The longest value of a backend's answer said to the customer (a label link, an id)."""


@dataclass(frozen=True)
class Proposal:
    """An action checked against the order, ready for the policy and the customer's yes."""

    action: str
    args: dict[str, Any]
    facts: ActionFacts
    description: str
    """What will happen, completing "I'll ..."."""
    done: str
    """What happened, completing "I've ..."."""
    wording: dict[str, Any] = field(default_factory=dict)
    """`description` and `done` as texts to translate, with their `values`: they are said to
    the customer in the conversation's language (see `worded`), while `description` and `done`
    stay in English for people and the audit log."""

    def as_pending(self, decision: str, rule: str, key: str) -> dict[str, Any]:
        """The action as it waits in state for confirmation."""
        return {"action": self.action, "args": self.args, "decision": decision, "rule": rule,
                "key": key, "description": self.description, "done": self.done,
                "wording": self.wording}


def worded(action: Mapping[str, Any], part: Literal["description", "done"],
           result: Mapping[str, Any] | None = None) -> str:
    """What an action (a pending one, or a proposal's fields) will do or did, in the active
    language, with the backend's `result` values once it is done; its English `description`
    or `done` when it carries no `wording`."""
    wording = action.get("wording")
    if not wording:  # filled already, perhaps with the customer's words: never parsed again
        said = str(action[part])
        for name, value in (result or {}).items():
            said = said.replace("{" + name + "}", str(value))
        return said
    return fill(_(wording[part]), {**wording["values"], **(result or {})})


def result_values(result: ActionResult, limit: int | None = MAX_RESULT_CHARS) -> dict[str, str]:
    """What a sentence may say of a backend's answer: its reference and its detail's texts,
    each cut to `limit` characters (None: whole, for the read-back)."""
    values = {key: str(value)[:limit] for key, value in result.detail.items()
              if isinstance(value, str | int | float) and not isinstance(value, bool)}
    return {**values, "reference": str(result.reference or "")[:limit]}


async def propose(
    ctx: CaseContext, customer_id: str, action: str, args: dict[str, Any]
) -> Proposal:
    """Check an action against its declaration and the customer's order, and describe exactly
    what it would do.

    Raises:
        ActionRejected: not declared, arguments missing or wrong, the order not the customer's
            or not in a state for it.
        BackendError: the backend could not be reached.
    """
    declared = ctx.actions.get(action)
    if declared is None:
        raise ActionRejected(NOT_DECLARED.format(name=action[:60]))
    order = None
    if declared.applies_to == "order":
        order_id = str(args.get("order_id") or "").strip().lstrip("#").upper()[:40]
        order = await ctx.backend.get_order(order_id) if order_id else None
        if order is None or order.customer_id != customer_id:
            raise ActionRejected(_(NOT_FOUND).format(order_id=order_id) if order_id
                                 else _(NO_ORDER_ID))
    customer = await ctx.backend.get_customer(customer_id)
    checked = check_arguments(declared, args, order, ctx.now())
    values = {**checked.values, "customer": customer.name.split()[0] if customer else ""}
    facts = ActionFacts(
        action=declared.name, tier=customer.tier if customer else "standard",
        amount=checked.amount, order_age_days=checked.order_age_days,
        days_since_delivery=checked.days_since_delivery, item_count=checked.item_count,
        arguments={k: checked.args[k] for k in declared.dimensions if k in checked.args})
    return Proposal(declared.name, checked.args, facts, fill(declared.confirm, values),
                    fill(declared.done, values),
                    {"description": declared.confirm, "done": declared.done, "values": values})


async def carry_out(ctx: CaseContext, customer_id: str, pending: dict[str, Any]) -> ActionResult:
    """Run a confirmed action's backend operation, then read back what it changed.

    The idempotency key makes a repeat of the same confirmed action a no-op. The read-back is
    tried again (`READ_BACK_WAITS`) before the outcome is declared unverified.

    Raises:
        BackendError: the backend failed, or the action never showed in what was read back.
    """
    declared = ctx.actions.get(pending["action"])
    if declared is None:
        return ActionResult(ok=False, error="that action is no longer offered")
    args, key = pending["args"], pending["key"]
    target = customer_id
    if declared.applies_to == "order":
        order = await ctx.backend.get_order(args["order_id"])
        if order is None or order.customer_id != customer_id:
            return ActionResult(ok=False, error="order not found")
        target = order.id
    body = {k: v for k, v in args.items() if k != "order_id"}
    result = await ctx.backend.perform(declared.operation, target, body, key)
    if not result.ok:
        return result
    values = {**dict.fromkeys(declared.argument_names, ""),
              **(pending.get("wording") or {}).get("values", {}),
              **{k: v for k, v in result_values(result, None).items() if k in declared.result
                 or k == "reference"}, **args}
    for wait in READ_BACK_WAITS:
        await asyncio.sleep(wait)
        if await _shows(ctx, declared, target, customer_id, values):
            return result
    raise BackendError(f"{declared.name} on {target} reported done but did not show")


async def _shows(ctx: CaseContext, declared: Declaration, target: str, customer_id: str,
                 values: Mapping[str, Any]) -> bool:
    """Whether the record the declaration reads back (the order, or the customer) shows the
    action."""
    record: Order | Customer | None = await ctx.backend.get_order(target) \
        if declared.verify.read == "order" else await ctx.backend.get_customer(customer_id)
    return record is not None and declared.verify.holds(record.model_dump(mode="json"), values)
