"""Triage, at the start of every turn: what is settled before the model reads a message."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from bot.desk.escalations import Escalation
from graph.arrival import RECOGNIZED, WAITING_FOR_YES
from graph.awaiting import SESSION_TURNS, awaited, session_texts
from graph.catalogs import in_language
from graph.identity import CODE_RESENT, CODE_SENT
from graph.memory import remember_question
from graph.offline.state import STATE_KEY, DialogueState
from graph.opt_out import OPTED_IN, OPTED_OUT
from graph.rating import MARK, ONE_TO_FIVE, THANKS
from graph.triage import ALREADY_COMING, BRINGING_IN, MEDIA_ONLY
from graph.voice import HAND_OFF
from tests.graph.agent_rig import Rig, customer, visitor

NOOR = customer("K-77")


class Listener:
    """What the people's side was told, as Slack or the console would show it."""

    def __init__(self) -> None:
        self.notes: list[tuple[str, str]] = []
        self.opened: list[Escalation] = []

    async def case_opened(self, case: Escalation) -> None:
        self.opened.append(case)

    async def case_changed(self, case: Escalation, event: str) -> None:
        """Not needed here."""

    async def case_note(self, case: Escalation, kind: str, text: str, actor: str | None) -> None:
        self.notes.append((kind, text))


@pytest.fixture
def desk(rig: Rig) -> Listener:
    listener = Listener()
    rig.people.notifier.add(listener)
    return listener


async def _open_escalations(rig: Rig) -> list[Escalation]:
    return await rig.people.escalations.listing("open")


async def test_stop_and_start_are_recorded_and_answered(rig: Rig) -> None:
    assert await rig.say(NOOR, "STOP") == [OPTED_OUT]
    assert await rig.people.consent.opted_out(["customer:K-77"])
    assert await rig.say(NOOR, "start!") == [OPTED_IN]
    assert not await rig.people.consent.opted_out(["customer:K-77", "webchat:K-77"])
    assert await rig.audited() == []


async def test_a_sentence_with_stop_in_it_is_a_request_not_an_opt_out(rig: Rig) -> None:
    replies = await rig.say(NOOR, "please stop my order Q5530 from shipping")
    assert OPTED_OUT not in replies
    assert not await rig.people.consent.opted_out(["customer:K-77"])


async def test_a_message_with_no_text_is_asked_for_words(rig: Rig) -> None:
    assert await rig.say(visitor("v-1"), "[attachment]") == [MEDIA_ONLY]


async def test_asking_for_a_person_opens_one_escalation(rig: Rig, desk: Listener) -> None:
    await rig.say(NOOR, "where is my order Q5521?")
    replies = await rig.say(NOOR, "I want to talk to a real person please")
    assert replies == [BRINGING_IN["calm"]]
    [escalation] = await _open_escalations(rig)
    assert (escalation.reason, escalation.customer_id) == ("asked_for_person", "K-77")
    assert escalation.wants == "where is my order Q5521?"
    assert [r.action for r in await rig.audited("K-77")] == ["escalate"]
    facts = (await rig.state(NOOR))["turn_facts"]
    assert facts == [{"kind": "escalated", "reason": "asked_for_person", "opened": True}]
    assert await rig.say(NOOR, "can I speak to someone please") == [ALREADY_COMING]
    assert len(await _open_escalations(rig)) == 1


async def test_an_upset_customer_is_handed_to_a_person_with_an_apology(rig: Rig) -> None:
    [reply] = await rig.say(NOOR, "THIS IS RIDICULOUS, WHERE IS MY PARCEL?")
    assert reply == BRINGING_IN["upset"]
    [escalation] = await _open_escalations(rig)
    assert escalation.reason == "frustration" and escalation.sentiment == "upset"


async def test_a_safety_incident_told_calmly_is_handed_to_a_person(rig: Rig) -> None:
    [reply] = await rig.say(NOOR, "the heater from Q5521 gave off smoke last night, all fine now")
    assert reply == BRINGING_IN["calm"]
    [escalation] = await _open_escalations(rig)
    assert escalation.reason == "safety" and "safety" in escalation.why


async def test_while_a_person_holds_the_conversation_the_bot_only_listens(
    rig: Rig, desk: Listener
) -> None:
    await rig.say(NOOR, "can I speak to a manager")
    [escalation] = await _open_escalations(rig)
    assert await rig.people.escalations.set_mode(escalation.id, "human", "console:ana")
    assert await rig.say(NOOR, "is the refund for Q5521 coming?") == []
    await rig.people.notifier.drain()
    kinds = [kind for kind, _ in desk.notes]
    assert kinds == ["customer", "suggestion"]
    assert desk.notes[0][1] == "is the refund for Q5521 coming?"
    said = [m.content for m in (await rig.state(NOOR))["messages"]]
    assert said[-1] == "is the refund for Q5521 coming?"
    assert (await rig.order("Q5521")).refunded == 0


async def test_the_satisfaction_answer_is_kept_and_thanked(rig: Rig) -> None:
    case = await rig.people.cases.open_or_reopen("K-77", "Q5521", "order_status")
    await rig.people.cases.close(case.id, resolution="answered")
    question = AIMessage(content="How would you rate the help, from 1 to 5?",
                         additional_kwargs={MARK: case.id})
    await remember_question(rig.graph, NOOR, question)
    assert await rig.say(NOOR, "9") == [ONE_TO_FIVE]
    assert await rig.say(NOOR, "4/5") == [THANKS[4]]
    assert (await rig.people.cases.get(case.id)).satisfaction == 4
    replies = await rig.say(NOOR, "5")
    assert replies != [THANKS[5]]  # asked once: a later digit is not a rating
    assert (await rig.people.cases.get(case.id)).satisfaction == 4


async def test_a_customer_arriving_upset_on_a_new_channel_is_brought_to_a_person(
        rig: Rig) -> None:
    replies = await rig.say(NOOR, "THIRD TIME I WRITE ABOUT Q5544, WHERE IS MY RUG",
                            arrival={"kind": "recognized"})
    assert replies == [RECOGNIZED.format(name="Noor"), BRINGING_IN["upset"]]
    [escalation] = await _open_escalations(rig)
    assert (escalation.reason, escalation.sentiment) == ("frustration", "upset")


async def test_an_arriving_customer_hears_what_waits_and_keeps_it(rig: Rig) -> None:
    await rig.say(NOOR, "I'd like a refund for order Q5521 please")
    pending = (await rig.state(NOOR))["pending_action"]
    replies = await rig.say(NOOR, "what is your returns policy?",
                            arrival={"kind": "verified", "asked": True})
    assert replies[0] == WAITING_FOR_YES.format(description=pending["description"])
    assert len(replies) > 1
    assert (await rig.state(NOOR))["pending_action"]["key"] == pending["key"]
    [done] = await rig.say(NOOR, "yes")
    assert done.startswith("Done: I've refunded 38.40 EUR on order Q5521")


ASKED_AMOUNT = AIMessage(content="How much would you like refunded?", additional_kwargs={
    STATE_KEY: DialogueState(intent="refund", awaiting="amount").to_dict()})


@pytest.mark.parametrize(("state", "text", "waiting_for"), [
    ({"pending_action": {"key": "a1"}, "verified": True}, "fine by me", "confirmation"),
    ({"verified": False}, "it's ana.m@example.com", "verification"),
    ({"verified": False}, "code 402913", "verification"),
    ({"verified": True, "messages": [ASKED_AMOUNT]}, "the lot", "amount"),
    ({"verified": True, "messages": [AIMessage(content="Which order is this about? The order "
                                                       "number is in your confirmation e-mail.")]},
     "the blue one", "question"),
    ({"verified": True, "messages": [AIMessage(content="Your refund of £12 is on its way.")]},
     "and nobody told me", None),
    # Waits without a question mark: a code sent, a request, a question cut short on a call.
    ({"verified": False, "messages": [AIMessage(content=CODE_RESENT)]},
     "not in my spam either", "verification"),
    ({"verified": False, "messages": [AIMessage(content=in_language(CODE_SENT, "de")),
                                      HumanMessage(content="hallo?"),
                                      AIMessage(content="Gern geschehen.")]},
     "immer noch nichts da", "verification"),
    ({"verified": True, "messages": [AIMessage(content="Please share your order number.")]},
     "it's on the receipt somewhere", "question"),
    ({"verified": True, "messages": [AIMessage(content="Which of your two orders do you …")]},
     "the lamp", "question"),
])
def test_what_the_bot_waits_for_is_read_from_the_conversation(
        state: dict, text: str, waiting_for: str | None) -> None:
    assert awaited(state, text) == waiting_for  # type: ignore[arg-type]


async def test_an_e_mail_typed_after_codes_is_verification_not_a_mood(rig: Rig) -> None:
    rig_visitor = visitor("chat:s-12")
    for text in ("I need to cancel an order", "093812", "172093"):
        await rig.say(rig_visitor, text)
    replies = await rig.say(rig_visitor, "noor.k@example.com")
    assert not any(reply in BRINGING_IN.values() for reply in replies)
    assert await _open_escalations(rig) == []


def test_a_code_on_its_way_is_awaited_and_not_read_as_frustration() -> None:
    state = {"verified": False, "messages": [
        HumanMessage(content="I need to cancel an order"), AIMessage(content="Your e-mail?"),
        HumanMessage(content="dana.lee@example.com"), AIMessage(content=CODE_SENT),
        HumanMessage(content="nothing yet"), AIMessage(content=CODE_RESENT),
        HumanMessage(content="not in my spam either")]}
    assert awaited(state, "not in my spam either") == "verification"  # type: ignore[arg-type]


def test_turns_before_a_hand_over_or_a_closed_case_are_not_read_with_a_new_one() -> None:
    passed_on = AIMessage(content="Passing you on", additional_kwargs={HAND_OFF: True})
    before = [HumanMessage(content="THIS IS A JOKE"), passed_on]
    after = [HumanMessage(content="hi again"), AIMessage(content="Hello!"),
             HumanMessage(content="where is Q5521")]
    assert session_texts({"messages": [*before, *after]}) == ["hi again", "where is Q5521"]
    closed = AIMessage(content="How would you rate the help?", additional_kwargs={MARK: 7})
    assert session_texts({"messages": [*after, closed, HumanMessage(content="4")]}) == ["4"]


def test_only_the_latest_turns_are_read_with_a_new_one() -> None:
    said = [HumanMessage(content=f"message {n}") for n in range(20)]
    assert session_texts({"messages": said}) == [f"message {n}"
                                                 for n in range(19 - SESSION_TURNS, 20)]


async def test_the_hand_over_starts_a_new_session(rig: Rig) -> None:
    await rig.say(NOOR, "THIS IS RIDICULOUS, WHERE IS MY PARCEL?")
    await rig.say(NOOR, "where is my order Q5521?")
    assert session_texts(await rig.state(NOOR)) == ["where is my order Q5521?"]
