"""The options an outreach offers, each checked like a customer's request before it is offered.

An option that runs an action is proposed against the order (`graph.actions.propose`) and
judged by the policy, exactly as the chat's gate does; one the order or the policy rules out is
not offered. The offer then waits in the customer's thread as a pending action (see
`graph/offers.py`), so the reply "2" runs it through the same confirmation, approval and audit
path as a "yes" in the chat.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bot.outreach.playbooks import KEPT_REPLY, Playbook, render
from graph.actions import ActionRejected, propose
from graph.backend import Order
from graph.context import CaseContext

log = logging.getLogger("caseloop.outreach")

_KEYS = uuid.UUID("6c1b7d2e-4f0a-4c1e-9a53-0a7c2f1e5b88")
"""Namespace of the idempotency keys of offered actions: one key per event and option."""


async def build_offer(ctx: CaseContext, playbook: Playbook, customer_id: str, order: Order,
                      values: dict[str, str], event_id: str) -> dict[str, Any] | None:
    """The offer to make, or None when no option with an action can be offered.

    Raises:
        BackendError: the order could not be read to check an option.
    """
    options: list[dict[str, Any]] = []
    for option in playbook.options:
        entry: dict[str, Any] = {"label": option.label, "words": list(option.words),
                                 "action": option.action}
        if option.action == "keep":
            entry["reply"] = render(option.reply or KEPT_REPLY, values)
        else:
            try:
                proposal = await propose(ctx, customer_id, option.action, {"order_id": order.id})
            except ActionRejected as rejected:
                log.info("Not offering %s on %s: %s", option.action, order.id, rejected)
                continue
            ruling = ctx.policy.decide(proposal.facts)
            if ruling.decision == "forbid":
                log.info("Not offering %s on %s: the policy forbids it (%s)", option.action,
                         order.id, ruling.rule)
                continue
            key = uuid.uuid5(_KEYS, f"{event_id}:{option.action}").hex
            entry["pending"] = proposal.as_pending(ruling.decision, ruling.rule, key)
        options.append(entry)
    if not any("pending" in entry for entry in options):
        return None
    for number, entry in enumerate(options, start=1):
        entry["number"] = number
    return {"event_id": event_id, "order_id": order.id, "question": question(options),
            "options": options}


def question(options: list[dict[str, Any]], verb: str = "Reply") -> str:
    """`Reply 1 to keep the order, or 2 to cancel it for a full refund.` (`Press 1 …` on a
    call)."""
    choices = [f"{entry['number']} to {entry['label']}" for entry in options]
    if len(choices) == 1:
        return f"{verb} {choices[0]}."
    return f"{verb} {', '.join(choices[:-1])}, or {choices[-1]}."


def as_pending(offer: dict[str, Any]) -> dict[str, Any]:
    """The offer as the thread's pending action: its first action, carrying the whole offer."""
    first = next(entry["pending"] for entry in offer["options"] if "pending" in entry)
    return {**first, "offer": offer}
