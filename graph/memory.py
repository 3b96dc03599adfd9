"""A customer's memory written from outside a turn, and nowhere else.

Turns write the conversation's state through the graph's own nodes. Everything else that a
customer's thread must remember goes through one of these functions: a person's message while
they hold the conversation, an approval's outcome, the satisfaction question, an outreach
message with the options it offers, a note about the case. Each is added as if the turn that
said it had ended there, so the next turn reads it like anything else.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage
from langgraph.graph.state import CompiledStateGraph

from graph.state import conversation_language

AS_NODE = "respond"
"""Outside writes are recorded as the end of a turn."""


async def remember_person_message(graph: CompiledStateGraph, thread: str, text: str) -> None:
    """What a person said to the customer (or that a person joined)."""
    await _add(graph, thread, {"messages": [AIMessage(content=text)]})


async def remember_approval_outcome(graph: CompiledStateGraph, thread: str, message: str,
                                    note: str) -> None:
    """What the customer was told once people decided on an action, with a note for the case."""
    await _add(graph, thread, {"messages": [AIMessage(content=message)], "case_notes": [note]})


async def remember_question(graph: CompiledStateGraph, thread: str,
                            question: AIMessage) -> None:
    """A question Caseloop asked on its own (the satisfaction question)."""
    await _add(graph, thread, {"messages": [question]})


async def remember_outreach(graph: CompiledStateGraph, thread: str, message: AIMessage,
                            note: str, offer: dict[str, Any] | None,
                            call_proof: str | None = None) -> None:
    """An outreach message, with the options it offers waiting for the customer's answer; said
    on a call Caseloop placed to the phone on file, that call proves the customer."""
    update: dict[str, Any] = {"messages": [message], "case_notes": [note]}
    if offer is not None:
        update["pending_action"] = offer
    if call_proof is not None:
        update["call_proof"] = call_proof
    await _add(graph, thread, update)


async def remember_case_note(graph: CompiledStateGraph, thread: str, note: str) -> None:
    """A fact about the customer's case that outlives the recent messages."""
    await _add(graph, thread, {"case_notes": [note]})


async def remember_interruption(graph: CompiledStateGraph, thread: str, said: str,
                                heard: str) -> None:
    """The latest reply saying `said`, cut to what the customer heard before they interrupted
    it (a call)."""
    messages = (await graph.aget_state(_config(thread))).values.get("messages", [])
    last = next((m for m in reversed(messages)
                 if isinstance(m, AIMessage) and m.content and str(m.content) == said), None)
    if last is not None and last.id:
        await _add(graph, thread, {"messages": [AIMessage(
            content=heard, id=last.id, additional_kwargs=last.additional_kwargs)]})


async def waiting_action(graph: CompiledStateGraph, thread: str) -> dict[str, Any] | None:
    """The action (or offer) in the thread waiting for the customer's answer, if any."""
    state = (await graph.aget_state(_config(thread))).values
    pending = state.get("pending_action")
    return dict(pending) if pending else None


async def conversation_language_of(graph: CompiledStateGraph, thread: str) -> str:
    """The language the customer's conversation runs in now (English when it never ran)."""
    return conversation_language((await graph.aget_state(_config(thread))).values)


async def _add(graph: CompiledStateGraph, thread: str, update: dict[str, Any]) -> None:
    messages: list[BaseMessage] = update.get("messages", [])
    if not messages and "case_notes" not in update and "pending_action" not in update:
        return
    await graph.aupdate_state(_config(thread), update, as_node=AS_NODE)


def _config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}
