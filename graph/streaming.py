"""Saying a reply while the model is still writing it, to a customer listening on a call.

A turn run for someone listening gets a speaker in its config (`SPEAKER`). Each time the
agent node runs, it tells the speaker, whole, the replies this turn made before (a greeting
on recognizing the caller, words the model wrote before calling a tool...), then reads the
model's output as a stream and tells the speaker the reply written so far each time it grows,
and the whole of it once written. The channel speaks sentences as they become whole, so the
caller hears the first sentence while the model writes the next. What is told early is always
the start of the turn's replies, in their order: everything after it (a confirmation question,
a reply the model wrote when early telling was not allowed) is said when it is delivered. The
replies are stored and delivered at the end of the turn as always; the channel then says only
what it has not said.

Nothing is told early while any case type runs in shadow mode (what the model writes then is a
draft for people, decided at the turn's end in `graph/shadow.py`), nor once the turn is going
to people (the reply is then rewritten to say the call is passed on).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.messages.utils import message_chunk_to_message
from langchain_core.runnables import Runnable, RunnableConfig

from graph.context import CaseContext

SPEAKER = "speaker"
"""The config key (under `configurable`) of a turn's speaker, when someone listens live."""

Speaker = Callable[[str, str, bool], Awaitable[None]]
"""Told a reply's message id, its text written so far (the whole text each time, growing),
and whether that is all of it."""


def speaker_of(config: RunnableConfig) -> Speaker | None:
    """The turn's speaker, when the customer is listening live."""
    return (config.get("configurable") or {}).get(SPEAKER)


async def may_speak_early(state: Mapping[str, Any], context: CaseContext | None) -> bool:
    """Whether words may reach the customer before the turn ends: not once the turn is going
    to people, nor while any case type runs in shadow mode (the turn's own case type may
    only be known after its tools ran)."""
    if state.get("escalation"):
        return False
    autonomy = context.autonomy if context is not None else None
    return autonomy is None or not await autonomy.any_in_shadow()


async def written_aloud(model: Runnable[Any, Any], conversation: Sequence[BaseMessage],
                        config: RunnableConfig, speaker: Speaker) -> BaseMessage:
    """The model's reply, read as a stream; the turn's earlier replies, then its words, told
    to `speaker` as they come.

    A model that does not stream gives its reply in one piece, told at once.
    """
    for said in _said_this_turn(conversation):
        await speaker(str(said.id), str(said.content), True)
    whole: Any = None
    key = f"written-{uuid.uuid4().hex}"
    async for piece in model.astream(list(conversation), config):
        whole = piece if whole is None else whole + piece
        text = whole.content if isinstance(whole, AIMessage) else None
        if isinstance(text, str) and text and getattr(piece, "content", None):
            await speaker(whole.id or key, text, False)
    if whole is None:
        return AIMessage(content="", id=key)
    message = message_chunk_to_message(whole) if isinstance(whole, AIMessageChunk) else whole
    if not message.id:
        message = message.model_copy(update={"id": key})
    if isinstance(message.content, str) and message.content.strip():
        await speaker(str(message.id), message.content, True)
    return message


def _said_this_turn(conversation: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The replies made since the customer's last message, oldest first."""
    said: list[BaseMessage] = []
    for message in reversed(conversation):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and message.id and str(message.content).strip():
            said.append(message)
    return said[::-1]
