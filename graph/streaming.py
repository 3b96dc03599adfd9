"""Saying a reply while the model is still writing it, to a customer listening on a call.

A turn run for someone listening gets a speaker in its config (`SPEAKER`). The agent node
then tells it, whole, what the turn said before the model's turn to write (a greeting on
recognizing the caller...), reads the model's output as a stream and tells the speaker the
reply written so far, each time it grows; the channel speaks it sentence by sentence, so the
caller hears the first sentence while the model writes the next. The replies are stored and
delivered at the end of the turn as always; the channel then says only what it has not said.

Nothing is told early while any case type runs in shadow mode: what the model writes in
shadow is a draft for people, decided at the turn's end (`graph/shadow.py`). Text that comes
with tool calls is not told either: only words the customer would read on any channel are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.messages.utils import message_chunk_to_message
from langchain_core.runnables import Runnable, RunnableConfig

from graph.autonomy import CASE_TYPES
from graph.context import CaseContext

SPEAKER = "speaker"
"""The config key (under `configurable`) of a turn's speaker, when someone listens live."""

Speaker = Callable[[str, bool], Awaitable[None]]
"""Told a reply written so far (the whole text each time, growing), and whether it is all."""


def speaker_of(config: RunnableConfig) -> Speaker | None:
    """The turn's speaker, when the customer is listening live."""
    return (config.get("configurable") or {}).get(SPEAKER)


async def may_speak_early(context: CaseContext | None) -> bool:
    """Whether words may reach the customer before the turn ends: not while any case type
    runs in shadow mode (the turn's own case type may only be known after its tools ran)."""
    autonomy = context.autonomy if context is not None else None
    if autonomy is None:
        return True
    for case_type in CASE_TYPES:
        if await autonomy.level(case_type) == "shadow":
            return False
    return True


async def written_aloud(model: Runnable[Any, Any], conversation: Sequence[BaseMessage],
                        config: RunnableConfig, speaker: Speaker) -> BaseMessage:
    """The model's reply, read as a stream; its words told to `speaker` as they come, after
    the replies the turn made before it.

    A model that does not stream gives its reply in one piece, told at once. Once a piece
    carries a tool call, nothing more of the message is told.
    """
    for said in _said_this_turn(conversation):
        await speaker(said, True)
    whole: Any = None
    telling = True
    async for piece in model.astream(list(conversation), config):
        whole = piece if whole is None else whole + piece
        if _calls_tools(whole):
            telling = False
        text = whole.content if isinstance(whole, AIMessage) else None
        if telling and isinstance(text, str) and piece.content:
            await speaker(text, False)
    if whole is None:
        return AIMessage(content="")
    return message_chunk_to_message(whole) if isinstance(whole, AIMessageChunk) else whole


def _said_this_turn(conversation: Sequence[BaseMessage]) -> list[str]:
    """The replies made since the customer's last message."""
    said: list[str] = []
    for message in reversed(conversation):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and str(message.content).strip():
            said.append(str(message.content))
    return said[::-1]


def _calls_tools(message: Any) -> bool:
    return bool(getattr(message, "tool_call_chunks", None) or getattr(message, "tool_calls", None))
