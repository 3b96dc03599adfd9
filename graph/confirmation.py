"""The customer's yes or no to a proposed action, and carrying the action out."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.actions import REFUSED_BY_BACKEND, carry_out, result_values, worded
from graph.affirmation import classify_reply
from graph.backend import BackendError
from graph.catalogs import N_, _
from graph.context import CaseContext
from graph.offers import ASK_WHICH, read_offer_reply
from graph.state import (
    BACKEND_FAILED,
    CaseState,
    TurnFact,
    found_by_agent,
    latest_customer_text,
)

ASK = N_("Just to confirm: I'll {description}. Shall I go ahead? (yes / no)")
DECLINED = N_("No problem, I haven't changed anything. Is there anything else I can help with?")
DONE = N_("Done: I've {done}. Your reference is {reference}.")
PARKED = N_(
    "This one needs a colleague's approval before I can {description}. I've passed it on with "
    "all the details, and you'll hear back here as soon as it's decided."
)
FAILED = N_(
    "I couldn't complete that: {reason}. Nothing was changed. "
    "Would you like a colleague to help?"
)
UNAVAILABLE = N_(
    "Our order system didn't confirm the change, so I can't tell you it's done. "
    "I've noted it for a colleague to check, and nothing will be done twice."
)


def ask_confirmation(state: CaseState) -> dict[str, Any]:
    """State exactly what is about to happen and ask for a yes (an action set aside while
    this turn ran gives way to the new one)."""
    pending = state["pending_action"]
    assert pending is not None
    question = _(ASK).format(description=worded(pending, "description"))
    return {"messages": [AIMessage(content=question,
                                   additional_kwargs={"caseloop_confirmation": pending["key"]})],
            "held_action": None}


async def confirm(
    state: CaseState, config: RunnableConfig, runtime: Runtime[CaseContext]
) -> Command[Literal["agent", "escalate", "shadow", "__end__"]]:
    """Carry out the pending action on a yes, drop it on a no; anything else is a new request."""
    pending = state["pending_action"]
    assert pending is not None
    text = latest_customer_text(state)
    offer = pending.get("offer")
    if offer:
        reading = read_offer_reply(offer, text)
        if reading.kind == "unclear":
            return _say(_(ASK_WHICH).format(question=offer["question"]))
        if reading.option is not None and reading.option["action"] == "keep":
            return await _keep(runtime.context, offer, reading.option)
        pending = reading.option["pending"] if reading.option is not None else pending
        answer = "yes" if reading.kind == "chosen" else "other"
    else:
        answer = classify_reply(text, _stated(pending))
    if answer == "other":
        return Command(goto="agent", update={"pending_action": None,
                                             "turn_facts": _outcome(pending, "dropped")})
    if answer == "no":
        return _say(_(DECLINED), pending_action=None, turn_facts=_outcome(pending, "declined"))
    ctx = runtime.context
    if await _in_shadow(ctx, pending):
        return Command(goto="shadow", update={"pending_action": pending, "turn_facts": [
            {"kind": "proposed", "action": pending["action"],
             "order_id": pending["args"].get("order_id"), "key": pending["key"]}]})
    customer_id = state["customer_id"]
    record = {"actor": "agent", "customer_id": customer_id, "action": pending["action"],
              "args": pending["args"], "rule": pending["rule"], "idempotency_key": pending["key"]}
    if pending["decision"] == "approve":
        await ctx.approvals.park(
            thread_id=config["configurable"]["thread_id"],
            description=pending["description"], done=pending["done"],
            **{k: record[k] for k in ("customer_id", "action", "args", "rule", "idempotency_key")})
        await ctx.audit.record(**record, outcome="pending_approval")
        return _say(_(PARKED).format(description=worded(pending, "description")),
                    pending_action=None,
                    turn_facts=_outcome(pending, "parked"),
                    case_notes=[f"awaiting approval: {pending['description']}"])
    try:
        result = await carry_out(ctx, customer_id, pending)
    except BackendError as problem:
        await ctx.audit.record(**record, outcome="failed", detail={"error": str(problem)})
        return Command(goto="escalate", update={
            "messages": [AIMessage(content=_(UNAVAILABLE))], "pending_action": None,
            "escalation": found_by_agent("backend_error", BACKEND_FAILED),
            "turn_facts": _outcome(pending, "unverified"),
            "case_notes": [f"unverified outcome: {pending['description']}"]})
    if not result.ok:
        await ctx.audit.record(**record, outcome="failed",
                               detail={"error": result.error, **REFUSED_BY_BACKEND})
        return _say(_(FAILED).format(reason=result.error), pending_action=None,
                    turn_facts=_outcome(pending, "failed"))
    await ctx.audit.record(**record, outcome="done",
                           detail={"reference": result.reference, **result.detail})
    return _say(_(DONE).format(done=worded(pending, "done", result_values(result)),
                               reference=result.reference),
                pending_action=None, turn_facts=_outcome(pending, "done"),
                case_notes=[f"done ({result.reference}): {pending['description']}"])


async def _in_shadow(ctx: CaseContext, pending: dict[str, Any]) -> bool:
    """Whether the action's case type fell back to shadow mode since it was proposed: a yes
    then makes it a draft for a person, not an action."""
    case_type = ctx.actions.case_type(pending.get("action"))
    return bool(ctx.autonomy is not None and ctx.drafts is not None and case_type
                and await ctx.autonomy.level(case_type) == "shadow")


def _stated(pending: dict[str, Any]) -> tuple[str, ...]:
    """The numbers the confirmation question says: its order id and amount, as written and
    without the cents ("10.00", "10", "10,00")."""
    args = pending.get("args") or {}
    numbers = [str(args["order_id"])] if args.get("order_id") else []
    if amount := args.get("amount"):
        whole, _, cents = str(amount).partition(".")
        numbers += [str(amount), f"{whole},{cents}"] + ([whole] if cents.strip("0") == "" else [])
    return tuple(numbers)


def _outcome(pending: dict[str, Any], outcome: str) -> list[TurnFact]:
    """The fact the case lifecycle reads: which action came to what."""
    return [{"kind": "outcome", "action": pending.get("action"),
             "order_id": (pending.get("args") or {}).get("order_id"),
             "key": pending.get("key"), "outcome": outcome}]


async def _keep(ctx: CaseContext, offer: dict[str, Any],
                option: dict[str, Any]) -> Command[Literal["agent", "escalate", "__end__"]]:
    """The customer keeps things as they are: nothing runs, and the offer's case closes."""
    if ctx.cases is not None and offer.get("case_id") is not None:
        await ctx.cases.close(int(offer["case_id"]), resolution="kept")
    return _say(option["reply"], pending_action=None,
                case_notes=[f"customer chose to {option['label']} (order {offer['order_id']})"])


def _say(text: str, **update: object) -> Command[Literal["agent", "escalate", "__end__"]]:
    return Command(goto=END, update={"messages": [AIMessage(content=text)], **update})
