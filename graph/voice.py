"""A conversation on a phone call: what changes when the customer listens instead of reads.

Caller ID is enough to read a customer's orders, but it can be spoofed: before an action is
put to the caller's yes, a one-time code goes by text message to the number on file (or by
e-mail), and the caller reads it back by voice or keypad, once per call. When people are
brought in, the reply says the call is passed on and is marked as a hand-off, so the channel
ends the relay session and the call is transferred.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from graph.affirmation import classify_reply
from graph.catalogs import N_, _, ngettext
from graph.confirmation import DECLINED
from graph.context import CaseContext
from graph.identity import asks_for_new_code
from graph.limits import MAX_PARSED_CHARS
from graph.slots import extract_code
from graph.state import CaseState, latest_customer_text

CHANNEL = "voice"
HAND_OFF = "caseloop_hand_off"
"""`additional_kwargs` key on the reply that hands a call to a person."""
VOICE_RULES = """
You are speaking on a phone call: your words are read aloud. Use short spoken sentences, no
lists, no markdown, no links or web addresses, and ask one question at a time."""

CODE_SENT = {
    "sms": N_("Before I change anything, I need to make sure it's you. I've just sent a "
              "6-digit code by text message to the phone number on your account. Please say "
              "the code, or type it on your keypad."),
    "email": N_("Before I change anything, I need to make sure it's you. I've just sent a "
                "6-digit code to the e-mail address on your account. Please say the code, or "
                "type it on your keypad."),
}
CODE_AGAIN = N_("I didn't catch a code there. Please say the 6 digits, or type them on your "
                "keypad. Or say no to leave things as they are.")
CODE_REFUSED = N_("I can't send another code right now, so I can't make that change on this "
                  "call. Nothing was changed. Is there anything else I can help with?")
CODE_LOCKED = N_("That code didn't match too many times, so I can't make that change on this "
                 "call. Nothing was changed. Is there anything else I can help with?")
CODE_EXPIRED = N_("That code has expired. I've sent you a new one: please say it, or type it "
                  "on your keypad.")
PASSED_ON = N_("I'm passing your call to a colleague from our support team, with everything "
               "you've told me.")

_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_WORD = re.compile(r"[a-z]+")
_SPACED_DIGITS = re.compile(r"(?<!\d)\d(?:[\s,.-]{1,3}\d){5}(?!\d)")

Node = Callable[..., Awaitable[Any]]


def on_call(config: RunnableConfig) -> bool:
    """True when this turn's customer is on a phone call."""
    return config["configurable"].get("channel") == CHANNEL


def proven_on_call(state: CaseState, config: RunnableConfig) -> bool:
    """True when the caller read back a code on this very call."""
    return bool(state.get("call_proof")) and state.get("call_proof") == \
        config["configurable"].get("sender")


def spoken_code(text: str) -> str | None:
    """A six-digit code as a caller says it ("four two one, nine nine zero", "4 2 1 9 9 0")."""
    lowered = text[:MAX_PARSED_CHARS].lower()
    worded = _WORD.sub(lambda m: _DIGIT_WORDS.get(m.group(0), m.group(0)), lowered)
    spaced = _SPACED_DIGITS.search(worded)
    if spaced:
        return re.sub(r"\D", "", spaced.group(0))
    return extract_code(worded)


def asking_on_calls(ask_confirmation: Callable[[CaseState], dict[str, Any]]) -> Node:
    """`ask_confirmation`, except that a caller not yet proven on this call is first sent a
    code (the action waits, marked as waiting for it)."""

    async def ask(state: CaseState, config: RunnableConfig,
                  runtime: Runtime[CaseContext]) -> dict[str, Any]:
        if not on_call(config) or proven_on_call(state, config):
            return ask_confirmation(state)
        pending = dict(state["pending_action"] or {})
        issued = await runtime.context.verification.start_for_customer(
            config["configurable"]["thread_id"], state["customer_id"])
        if issued.outcome != "issued":
            return {"messages": [AIMessage(content=_(CODE_REFUSED))], "pending_action": None,
                    "held_action": None}
        sent = CODE_SENT.get(issued.via) or CODE_SENT["email"]
        return {"messages": [AIMessage(content=_(sent))],
                "pending_action": {**pending, "awaiting_code": True}, "held_action": None}

    return ask


def confirming_on_calls(confirm: Node, ask_confirmation: Callable[[CaseState], dict[str, Any]]
                        ) -> Node:
    """`confirm`, except that while an action waits for a caller's code, the code is read:
    right, the action is put to their yes; wrong, they may try again; none, the action is
    dropped (a no) or the message goes on as a new request."""

    async def confirm_on_call(state: CaseState, config: RunnableConfig,
                              runtime: Runtime[CaseContext]
                              ) -> Command[Literal["agent", "escalate", "shadow", "__end__"]]:
        pending = state.get("pending_action") or {}
        if not pending.get("awaiting_code"):
            return await confirm(state, config, runtime)
        text = latest_customer_text(state)
        thread = config["configurable"]["thread_id"]
        verification = runtime.context.verification
        code = spoken_code(text)
        if code is None:
            if asks_for_new_code(text):
                issued = await verification.start_for_customer(thread, state["customer_id"])
                if issued.outcome != "issued":
                    return _say(_(CODE_REFUSED), pending_action=None)
                return _say(_(CODE_SENT.get(issued.via) or CODE_SENT["email"]))
            if classify_reply(text, ()) == "no":
                return _say(_(DECLINED), pending_action=None)
            if len(text.split()) <= 2:
                return _say(_(CODE_AGAIN))
            return Command(goto="agent", update={"pending_action": None})
        check = await verification.check(thread, code)
        if check.outcome == "verified" and check.customer_id == state.get("customer_id"):
            proven = {k: v for k, v in pending.items() if k != "awaiting_code"}
            asked = ask_confirmation({**state, "pending_action": proven})
            return Command(goto=END, update={**asked, "pending_action": proven,
                                             "call_proof": config["configurable"]["sender"]})
        if check.outcome == "wrong":
            left = check.attempts_left
            return _say(ngettext("That code doesn't match. You have {left} more try.",
                                 "That code doesn't match. You have {left} more tries.",
                                 left).format(left=left))
        if check.outcome == "expired":
            await verification.start_for_customer(thread, state["customer_id"])
            return _say(_(CODE_EXPIRED))
        return _say(_(CODE_LOCKED), pending_action=None)

    return confirm_on_call


def hand_off_call(state: CaseState, config: RunnableConfig) -> dict[str, Any]:
    """On a call, the reply that brings people in says the call is passed on, and is marked
    so the call is transferred (or a colleague calls back)."""
    if not on_call(config) or not any(
            fact.get("kind") == "escalated" for fact in state.get("turn_facts") or []):
        return {}
    last = next((m for m in reversed(state.get("messages", []))
                 if isinstance(m, AIMessage) and str(m.content).strip()), None)
    if last is None:
        return {"messages": [AIMessage(content=_(PASSED_ON),
                                       additional_kwargs={HAND_OFF: True})]}
    return {"messages": [AIMessage(content=_(PASSED_ON), id=last.id,
                                   additional_kwargs={**last.additional_kwargs,
                                                      HAND_OFF: True})]}


def _say(text: str, **update: object) -> Command[Literal["agent", "escalate", "shadow",
                                                         "__end__"]]:
    return Command(goto=END, update={"messages": [AIMessage(content=text)], **update})
