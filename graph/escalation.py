"""The escalate node: the conversation is opened to people, with what they need to pick it up.

The customer has already been told (by triage, or by the agent); this node opens the
escalation through the people's desk and records the fact. The conversation itself goes on:
the customer may keep writing, and the bot keeps answering until a person takes it over. Where
a person must decide before anything happens (an action the policy sends for approval), the
action waits at an `interrupt()` in its own thread (`graph/approval.py`).
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from graph.context import CaseContext
from graph.state import CaseState
from graph.triage import customer_texts

NOTHING_FOUND_YET = "Nothing done yet on this case."
ESCALATED_BY_AGENT = {
    "backend_error": "Our order system failed and the bot could not recover.",
    "asked_for_person": "The bot handed over: the customer wanted a person, or it could not help.",
}
MIN_WORDS_OF_A_REQUEST = 3


async def escalate(state: CaseState, config: RunnableConfig,
                   runtime: Runtime[CaseContext]) -> dict[str, Any]:
    """Open an escalation for the thread, unless one is open already."""
    escalation = state.get("escalation")
    assert escalation is not None
    people, turn = runtime.context.people, config["configurable"]
    fact = {"kind": "escalated", "reason": escalation["reason"]}
    if people is None or await people.holder(turn["thread_id"]) is not None:
        return {"turn_facts": [fact], "escalation": None}
    texts = customer_texts(state)
    said = texts[-1] if texts else ""
    earlier = texts[:-1] if escalation["by_customer"] else texts
    requests = [t for t in earlier if len(t.split()) >= MIN_WORDS_OF_A_REQUEST]
    reason = escalation["reason"]
    why = (f"{reason.replace('_', ' ').capitalize()}: {escalation['evidence']}."
           if escalation["by_customer"] else ESCALATED_BY_AGENT.get(reason, reason))
    await people.escalate(
        thread_id=turn["thread_id"], customer_id=state.get("customer_id"),
        channel=turn.get("channel"), reason=reason, wants=requests[-1] if requests else said,
        found=found_so_far(state), why=why, sentiment=escalation["sentiment"])
    return {"turn_facts": [{**fact, "opened": True}], "escalation": None}


def found_so_far(state: CaseState) -> str:
    """The latest case notes, for a person picking the case up."""
    return "; ".join((state.get("case_notes") or [])[-2:]) or NOTHING_FOUND_YET
