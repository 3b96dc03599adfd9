"""What a customer has open, named when they arrive from a newly linked address.

A confirmation asked on one channel can then be given on another; a message that is neither
yes nor no (nor a choice among an offer's options) sets it aside while it runs, and it is put
back afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage

from graph.actions import worded
from graph.affirmation import classify_reply
from graph.catalogs import N_, _
from graph.context import CaseContext
from graph.declarations.templates import fields_of, fill
from graph.offers import answers_offer
from graph.state import CaseState

WAITING_FOR_YES = N_(
    "You have a request waiting for your answer: I'll {description}. "
    "Reply yes to go ahead, or no to drop it."
)
WAITING_FOR_CHOICE = N_(
    "You have a question from us about order {order_id} waiting for your answer. {question}"
)
WAITING_FOR_APPROVAL = N_("Your request to {description} is waiting for a colleague's approval.")
RECOGNIZED = N_("Hi {name}, I've matched this number to your account.")
RECOGNIZED_NAMELESS = N_("Hi there, I've matched this number to your account.")


@dataclass(frozen=True)
class Waiting:
    """What waits for the arriving customer, and how this turn's words relate to it."""

    note: AIMessage
    """A sentence naming it (with Yes / No when it is a plain confirmation)."""
    pending_action: dict[str, Any] | None
    """The action waiting for the customer's yes, if that is what is open."""


async def greeting(state: CaseState, ctx: CaseContext) -> list[AIMessage]:
    """The first words to someone the channel itself proved to be a customer."""
    arrival = state.get("arrival") or {}
    if arrival.get("kind") != "recognized":
        return []
    customer = await ctx.backend.get_customer(str(state.get("customer_id")))
    name = customer.name.split()[0] if customer else ""
    said = _(RECOGNIZED).format(name=name) if name else _(RECOGNIZED_NAMELESS)
    return [AIMessage(content=said)]


async def waiting(state: CaseState, ctx: CaseContext) -> Waiting | None:
    """The confirmation or approval still open for the customer, if any (confirmation first)."""
    pending = state.get("pending_action")
    if pending and pending.get("offer"):
        offer = pending["offer"]
        return Waiting(AIMessage(content=_(WAITING_FOR_CHOICE).format(
            order_id=offer["order_id"], question=offer["question"])), pending)
    if pending:
        return Waiting(AIMessage(content=_(WAITING_FOR_YES).format(
            description=worded(pending, "description")),
            additional_kwargs={"caseloop_confirmation": pending["key"]}), pending)
    customer_id = state.get("customer_id")
    waiting_for_people = await ctx.approvals.pending_for(customer_id) if customer_id else []
    if waiting_for_people:
        latest = waiting_for_people[-1]
        description = _describe(ctx, latest)
        return Waiting(AIMessage(
            content=_(WAITING_FOR_APPROVAL).format(description=description)), None)
    return None


def answers(pending: dict[str, Any] | None, text: str) -> bool:
    """True when the words answer the waiting action (yes or no, or one of an offer's options)."""
    if not pending:
        return False
    if pending.get("offer"):
        return answers_offer(pending, text)
    return classify_reply(text) != "other"


def _describe(ctx: CaseContext, waiting: dict[str, Any]) -> str:
    """An action waiting for people, completing "Your request to ...": its declared sentence
    in the conversation's language when the arguments it was asked with fill it, else the
    description people approve (in English)."""
    declared = ctx.actions.get(waiting["action"])
    args = waiting.get("args") or {}
    if declared is None:
        return str(waiting.get("description") or "")
    values = {**args, "money": args.get("amount", "")}
    if fields_of(declared.confirm) <= set(values):
        return fill(_(declared.confirm), values)
    return str(waiting.get("description") or "")
