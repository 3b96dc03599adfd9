"""Shadow mode: the bot does all the work of a turn but says and does nothing on its own.

The `shadow` node runs at the end of every turn. When the turn worked on a case type in shadow
mode (`graph/autonomy.py`), what the bot would have said, and the action it would have asked
the customer to confirm, become a draft for people (`Drafts`): the replies leave the
conversation's memory, the pending action is dropped, and the customer hears only a short
holding message (once, while drafts of theirs wait). A person then sends, edits or rejects the
draft from the desk; only what they release reaches the customer.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.actions import worded
from graph.autonomy import case_type_of
from graph.catalogs import N_, _
from graph.context import CaseContext, Drafts
from graph.state import CaseState, conversation_language

HOLDING = N_(
    "Thanks, I'm looking into this. A colleague is checking my answer, and you'll hear back "
    "here shortly."
)
WILL_BE_DONE = N_("Done: I've {done}.")
"""A drafted action's reply; once it is carried out, its reference follows."""
REFERENCE = N_("Your reference is {reference}.")


async def shadow(state: CaseState, config: RunnableConfig,
                 runtime: Runtime[CaseContext]) -> Command[Literal["escalate", "__end__"]]:
    """Turn this turn's replies (and its proposed action) into a draft, when its case type
    runs in shadow mode; then open the conversation to people when this turn found that a
    person must look, else end the turn."""
    ctx = runtime.context
    case_type = await drafted_case(state, ctx)
    update: dict[str, Any] = {}
    if case_type and ctx.drafts is not None:
        update = await _drafted(state, config, ctx.drafts, case_type, ctx.holding_message)
    return Command(goto=_past_shadow(state), update=update)


async def drafted_case(state: CaseState, ctx: CaseContext) -> str | None:
    """The case type this turn worked on, when it runs in shadow mode (so the turn becomes a
    draft); else None."""
    case_type = case_type_of(state.get("turn_facts") or [], ctx.actions.case_type)
    if (ctx.autonomy is None or ctx.drafts is None or case_type is None
            or state.get("escalation") or await ctx.autonomy.level(case_type) != "shadow"):
        return None
    return case_type


async def after_reply(state: CaseState,
                      ctx: CaseContext) -> Literal["shadow", "escalate", "__end__"]:
    """Where a turn goes once its reply is written: to `shadow` when it becomes a draft, else
    on as `shadow` would send it."""
    return "shadow" if await drafted_case(state, ctx) else _past_shadow(state)


def _past_shadow(state: CaseState) -> Literal["escalate", "__end__"]:
    """Open the conversation to people when this turn found that a person must look."""
    return "escalate" if state.get("escalation") else "__end__"


async def _drafted(state: CaseState, config: RunnableConfig, drafts: Drafts, case_type: str,
                   holding_message: str | None) -> dict[str, Any]:
    """Park the draft; its changes to the conversation."""
    turn = config["configurable"]
    messages = state.get("messages") or []
    human = _last_human(messages)
    replies = [m for m in messages[human + 1:]
               if isinstance(m, AIMessage) and not m.tool_calls and str(m.content).strip()]
    pending = _proposed_now(state)
    reply = (_(WILL_BE_DONE).format(done=worded(pending, "done")) if pending
             else "\n\n".join(str(m.content) for m in replies))
    if not reply:
        return {}
    waiting = await drafts.waiting(turn["thread_id"])
    action: dict[str, Any] = {}
    if pending:
        action = {"action": pending["action"], "args": pending["args"], "rule": pending["rule"],
                  "idempotency_key": pending["key"], "description": pending["description"],
                  "done": pending["done"], "decision": pending.get("decision")}
    await drafts.park(
        draft_key=f"{turn['thread_id']}:{turn.get('human_id') or len(messages)}",
        thread_id=turn["thread_id"], customer_id=state.get("customer_id"),
        channel=turn.get("channel"), case_type=case_type,
        customer_text=str(messages[human].content) if human >= 0 else "",
        reply=reply, language=conversation_language(state), **action)
    said: list[Any] = [RemoveMessage(id=str(m.id)) for m in replies if m.id]
    if not waiting:
        said.append(AIMessage(content=holding_message or _(HOLDING)))
    update: dict[str, Any] = {"messages": said, "turn_facts": [{"kind": "drafted"}],
                              "case_notes": [f"drafted for a person to release ({case_type})"]}
    if pending:
        update["pending_action"] = None
    return update


def _last_human(messages: list[Any]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return index
    return -1


def _proposed_now(state: CaseState) -> dict[str, Any] | None:
    """The pending action, when this turn proposed it (or the customer confirmed it)."""
    pending = state.get("pending_action")
    if not pending or pending.get("offer"):
        return None
    keys = {fact.get("key") for fact in state.get("turn_facts") or []
            if fact.get("kind") == "proposed"}
    return pending if pending.get("key") in keys else None
