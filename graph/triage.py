"""Triage: what is settled before the model reads a message.

First the language of the message is read: the conversation runs in it from this turn on (a
short message keeps the one before). Then, in order: STOP / START; a conversation a person holds
(the bot listens and passes the message on, without a reply); the first turn from a newly
linked address (what is still open is named); a message with no text; a message in a language
the agent does not serve (answered honestly in that language, with a person offered); the answer
to the satisfaction question; and the signals that a person should step in (asked for, upset,
stuck). Anything else goes on to identity and the agent.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.accents import strip_accents
from graph.affirmation import classify_reply
from graph.arrival import answers, greeting, waiting
from graph.awaiting import HANDED_OVER, awaited, session_texts
from graph.catalogs import N_, _, in_language, speaking
from graph.context import CaseContext
from graph.escalation_signals import escalation_signal
from graph.identity import onward
from graph.languages import LANGUAGE_NAMES, LANGUAGES, OTHER_LANGUAGES, detect_language
from graph.limits import MAX_PARSED_CHARS
from graph.opt_out import OPTED_IN, OPTED_OUT, consent_keyword
from graph.rating import MARK, ONE_TO_FIVE, THANKS, asked_case, read_score
from graph.state import CaseState, Escalation, conversation_language

Route = Command[Literal["identify", "agent", "confirm", "escalate", "__end__"]]

MEDIA_ONLY = N_(
    "Thanks! I can only read text messages for now. Please tell me in words what you need: "
    "an order's status, a refund, a cancellation or a new delivery address."
)
NO_PHONE_MATCH = N_(
    "Thanks. I couldn't match that number to an account, so let's use your e-mail instead: "
    "what's the e-mail address on your account?"
)
NOT_OWN_CONTACT = N_(
    "Thanks, but I can only use a number shared from your own account. Tap \"Share my phone "
    "number\" below, or tell me the e-mail address on your account instead."
)
BRINGING_IN = {
    "calm": N_("Of course. I'm bringing in a colleague from our support team; they'll reply "
               "right here, and I've passed on everything so far."),
    "frustrated": N_("I'm sorry this is taking so long. I'm bringing in a colleague from our "
                     "support team; they'll reply right here, and I've passed on everything so "
                     "far."),
    "upset": N_("I understand, and I'm sorry about this. I'm bringing in a colleague from our "
                "support team now; they'll reply right here, and I've passed on everything so "
                "far."),
}
ALREADY_COMING = N_(
    "A colleague from our support team has your case and will reply right here. "
    "Meanwhile I'm happy to help with anything else."
)
NOT_SERVED = N_(
    "Sorry, I can only help in English, Spanish, German, French and Portuguese. Write to me in "
    "one of those, or reply 1 and I'll bring in a colleague from our support team."
)
"""The answer to a message in a language the agent does not serve, said in that language."""
PERSON_OFFERED = "caseloop_person_offered"
"""`additional_kwargs` key on `NOT_SERVED`: the language it was said in."""
TAKE_THE_OFFER = "1"
ATTACHMENT = "[attachment]"
"""How a message with no text is kept in the conversation."""


async def triage(state: CaseState, config: RunnableConfig,
                 runtime: Runtime[CaseContext]) -> Route:
    """Read the message's language, settle what needs no model, send the rest on: to identity,
    or for a verified customer straight to the agent (`onward`)."""
    text = this_turns_text(state, config["configurable"].get("human_id"))
    served = conversation_language(state)
    written_in = detect_language(text, served) if text else served
    if written_in in LANGUAGES:
        served = written_in
    with speaking(served):
        route = await _settle(state, config, runtime.context, text, written_in)
    return dataclasses.replace(route, update={**(route.update or {}), "language": served})


async def _settle(state: CaseState, config: RunnableConfig, ctx: CaseContext,
                  text: str | None, written_in: str) -> Route:
    turn = config["configurable"]
    keyword = consent_keyword(text) if text else None
    if keyword is not None:
        if ctx.consent is not None:
            await ctx.consent.choose(turn.get("channel", "chat"), turn.get("sender", ""),
                                     state.get("customer_id"), keyword == "opt_out")
        answer = OPTED_OUT if keyword == "opt_out" else OPTED_IN
        return _say(_(answer))
    holder = await ctx.people.holder(turn["thread_id"]) if ctx.people is not None else None
    if holder is not None and holder.mode == "human":
        if text is not None:
            await ctx.people.hear(holder, text or ATTACHMENT)  # type: ignore[union-attr]
        return Command(goto=END)
    if state.get("arrival"):
        # Someone arriving on a new channel upset, or asking for a person, is heard first.
        if text and (bring_in := _escalation(state, text, holder)) is not None:
            return _bring_in(*bring_in, before=await greeting(state, ctx))
        return await _arrive(state, ctx, text, turn.get("human_id") or "arrival")
    if not text:
        return _say(_(_textless_reply(turn)))
    offered_in = person_offered_in(state)
    if offered_in is not None and _takes_the_offer(text, written_in):
        reply = BRINGING_IN["calm"] if holder is None else ALREADY_COMING
        return _bring_in(in_language(reply, offered_in), {
            "reason": "asked_for_person", "sentiment": "calm", "by_customer": True,
            "evidence": f"the customer writes in {LANGUAGE_NAMES[offered_in]}, which the bot "
                        "does not speak, and took the offer of a person"})
    if written_in in OTHER_LANGUAGES:
        return _say(in_language(NOT_SERVED, written_in), marks={PERSON_OFFERED: written_in})
    case_id, score = asked_case(state), read_score(text)
    if state.get("customer_id") and case_id is not None and score is not None:
        if not 1 <= score <= 5:
            return _say(_(ONE_TO_FIVE), marks={MARK: case_id})
        if ctx.cases is not None:
            await ctx.cases.rate(case_id, score)
        return _say(_(THANKS[score]))
    if (bring_in := _escalation(state, text, holder)) is not None:
        return _bring_in(*bring_in)
    return Command(goto=onward(state))


def _escalation(state: CaseState, text: str, holder: Any | None
                ) -> tuple[str, Escalation] | None:
    """What to say and what to open when the message calls for a person, else None (`holder`:
    the thread's open escalation, if people have it already)."""
    signal = escalation_signal(text, session_texts(state)[:-1], awaited(state, text))
    if signal is None or (holder is not None and signal.reason != "asked_for_person"):
        return None
    reply = BRINGING_IN[signal.sentiment] if holder is None else ALREADY_COMING
    return _(reply), {"reason": signal.reason, "sentiment": signal.sentiment,
                      "evidence": signal.evidence, "by_customer": True}


def person_offered_in(state: CaseState) -> str | None:
    """The language of `NOT_SERVED` when it is the bot's last word in the thread, else None."""
    for message in reversed(state.get("messages", [])):
        if isinstance(message, AIMessage):
            return message.additional_kwargs.get(PERSON_OFFERED)
    return None


def _takes_the_offer(text: str, written_in: str) -> bool:
    """A "1", a plain yes ("sì", "ja", "ok"), or another message in the language not served."""
    plain = strip_accents(text[:MAX_PARSED_CHARS])
    return (text.strip(" .!") == TAKE_THE_OFFER or written_in in OTHER_LANGUAGES
            or classify_reply(plain) == "yes")


async def _arrive(state: CaseState, ctx: CaseContext, text: str | None,
                  turn_id: str) -> Route:
    """Name what is still open; a request that does not answer it sets it aside meanwhile.

    With no request in the turn, what is said carries the turn's id (`<turn_id>-<n>`), so the
    runner can tell this turn's replies from earlier ones.
    """
    said = await greeting(state, ctx)
    open_now = await waiting(state, ctx)
    if not text:
        only = [*said, *([open_now.note] if open_now else [])]
        return Command(goto=END, update={"messages": [
            message.model_copy(update={"id": f"{turn_id}-{n}"}) for n, message in
            enumerate(only)]})
    pending = open_now.pending_action if open_now else None
    if open_now is None or (pending and answers(pending, text)):
        return Command(goto="identify", update={"messages": said} if said else None)
    note = open_now.note
    if pending and pending.get("offer"):
        note = AIMessage(content=note.content)
    update: dict[str, Any] = {"messages": [*said, note]}
    if pending:
        update |= {"pending_action": None, "held_action": pending}
    return Command(goto="identify", update=update)


def this_turns_text(state: CaseState, human_id: str | None) -> str | None:
    """The customer's words in this turn ("" for a message with no text), or None when the turn
    carries no message of theirs."""
    messages = state.get("messages") or []
    last = messages[-1] if messages else None
    if not isinstance(last, HumanMessage) or (human_id and last.id != human_id):
        return None
    text = str(last.content).strip()
    return "" if text == ATTACHMENT else text


def customer_texts(state: CaseState) -> list[str]:
    """What the customer said in the recent messages, oldest first."""
    return [str(m.content) for m in state.get("messages", []) if isinstance(m, HumanMessage)]


def _textless_reply(turn: dict[str, Any]) -> str:
    if "contact" not in (turn.get("attachments") or ()):
        return MEDIA_ONLY
    return NO_PHONE_MATCH if turn.get("verified_phone") else NOT_OWN_CONTACT


def _bring_in(reply: str, escalation: Escalation, before: list[AIMessage] | None = None
              ) -> Route:
    said = AIMessage(content=reply, additional_kwargs={HANDED_OVER: True})
    return Command(goto="escalate", update={
        "messages": [*(before or []), said], "escalation": escalation})


def _say(text: str, marks: dict[str, Any] | None = None) -> Route:
    return Command(goto=END, update={"messages": [AIMessage(content=text,
                                                            additional_kwargs=marks or {})]})
