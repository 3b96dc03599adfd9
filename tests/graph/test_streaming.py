"""The agent's words told to a listening customer as the model writes them: the turn's
earlier replies first, then the growing reply, then all of it; and when not to tell early."""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage

from graph.streaming import may_speak_early, written_aloud

ANSWER = "Your rug left on Tuesday. It should reach you by Friday."


class Levels:
    def __init__(self, shadow: bool) -> None:
        self.shadow = shadow

    async def any_in_shadow(self) -> bool:
        return self.shadow


async def test_earlier_replies_then_the_growing_reply_then_all_of_it_are_told() -> None:
    told: list[tuple[str, str, bool]] = []

    async def speaker(key: str, text: str, whole: bool) -> None:
        told.append((key, text, whole))

    model = GenericFakeChatModel(messages=iter([AIMessage(content=ANSWER)]))
    conversation = [AIMessage(content="Earlier turn.", id="old"), HumanMessage("where's my rug"),
                    AIMessage(content="Hi Noor, I've matched this number.", id="greeting")]
    reply = await written_aloud(model, conversation, {}, speaker)
    assert told[0] == ("greeting", "Hi Noor, I've matched this number.", True)
    growing = [text for _, text, _ in told[1:-1]]
    assert len(growing) > 3 and all(later.startswith(earlier)
                                    for earlier, later in pairwise(growing))
    assert told[-1] == (reply.id, ANSWER, True) and reply.content == ANSWER
    assert all(key == reply.id for key, _, _ in told[1:])


async def test_a_turn_with_no_message_of_the_customers_tells_only_its_own_replies() -> None:
    told: list[tuple[str, str, bool]] = []

    async def speaker(key: str, text: str, whole: bool) -> None:
        told.append((key, text, whole))

    model = GenericFakeChatModel(messages=iter([AIMessage(content=ANSWER)]))
    conversation = [HumanMessage("hello", id="in-6"), AIMessage(content="Hi!", id="old"),
                    AIMessage(content="Welcome back, Noor.", id="in-7-arrival")]
    await written_aloud(model, conversation, {"configurable": {"human_id": "in-7"}}, speaker)
    assert told[0] == ("in-7-arrival", "Welcome back, Noor.", True)
    assert all(key != "old" for key, _, _ in told)


async def test_nothing_is_told_early_on_the_way_to_people_or_while_a_case_type_is_in_shadow(
) -> None:
    calm: dict[str, Any] = {"escalation": None}
    assert await may_speak_early(calm, None)
    assert await may_speak_early(calm, SimpleNamespace(autonomy=Levels(shadow=False)))
    assert not await may_speak_early(calm, SimpleNamespace(autonomy=Levels(shadow=True)))
    assert not await may_speak_early({"escalation": {"reason": "asked_for_person"}}, None)
