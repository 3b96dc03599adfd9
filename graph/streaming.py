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

MAX_TOLD_CHARS = 20_000
"""Of a reply, what is told at most while it is written (far more than is ever spoken)."""

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
    to `speaker` as they come. The reply gets an id of its own, the one it was told under.

    A model that does not stream gives its reply in one piece, told at once.
    """
    human_id = str((config.get("configurable") or {}).get("human_id") or "")
    for said in _said_this_turn(conversation, human_id):
        await speaker(str(said.id), str(said.content), True)
    key = f"written-{uuid.uuid4().hex}"
    pieces: list[Any] = []
    text = ""
    async for piece in model.astream(list(conversation), config):
        pieces.append(piece)
        content = getattr(piece, "content", None)
        if isinstance(content, str) and content and len(text) < MAX_TOLD_CHARS:
            text += content
            await speaker(key, text, False)
    if not pieces:
        return AIMessage(content="", id=key)
    whole = pieces[0] if len(pieces) == 1 else pieces[0] + pieces[1:]
    message = message_chunk_to_message(whole) if isinstance(whole, AIMessageChunk) else whole
    message = message.model_copy(update={"id": key})
    if isinstance(message.content, str) and message.content.strip():
        await speaker(key, message.content, True)
    return message


def _said_this_turn(conversation: Sequence[BaseMessage], human_id: str) -> list[BaseMessage]:
    """The replies this turn made so far: after the customer's message (`human_id`), or, in a
    turn with no message of theirs, those marked with its id."""
    ids = [message.id for message in conversation]
    if human_id and human_id in ids:
        later = list(conversation[ids.index(human_id) + 1:])
    elif human_id:
        later = [m for m in conversation if str(m.id or "").startswith(f"{human_id}-")]
    else:
        later = []
        for message in reversed(conversation):
            if isinstance(message, HumanMessage):
                break
            later.insert(0, message)
    return [m for m in later
            if isinstance(m, AIMessage) and m.id and str(m.content).strip()]
