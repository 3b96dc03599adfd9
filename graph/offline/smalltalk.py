"""Replies to messages that start no task: greetings, thanks, frustration, "what can you do"."""

from __future__ import annotations

import re

from graph.catalogs import _
from graph.offline import replies
from graph.offline.lexicon import CAPABILITIES, FRUSTRATION, GREETING, HUMAN, THANKS
from graph.offline.reading import Reading
from graph.offline.state import DialogueState

_GOODBYE = re.compile(r"\b(?:bye|goodbye|see you|that'?s all|nothing else|have a)\b", re.I)


def offer_person(state: DialogueState, offered: set[str], reason: str) -> bool:
    """Remember that a yes now means handing over to a person; False if that is impossible."""
    if "request_human" not in offered:
        return False
    state.intent, state.awaiting = HUMAN, "confirm"
    state.proposal = {"name": "request_human", "args": {"reason": reason[:300]}}
    return True


def calm_reply(reading: Reading, state: DialogueState, offered: set[str]) -> str:
    """Acknowledge frustration without echoing it, and offer a person."""
    reason = f"Customer is frustrated: {reading.text.strip()}"
    return replies.calm_reply(with_person=offer_person(state, offered, reason))


def is_frustrated(reading: Reading) -> bool:
    """True when the message vents more than it asks."""
    return reading.has(FRUSTRATION)


def attitude_reply(reading: Reading, state: DialogueState, offered: set[str]) -> str | None:
    """A reply to frustration or to a question about what the assistant can do, if either."""
    if is_frustrated(reading):
        return calm_reply(reading, state, offered)
    if reading.out_of_scope:
        return f"{_(replies.OUT_OF_SCOPE_REPLY)} {_(replies.CAPABILITIES)}"
    if reading.has(CAPABILITIES):
        hello = _("Hi!") + " " if GREETING in reading.social else ""
        return hello + _(replies.CAPABILITIES_REPLY)
    return None


def social_reply(reading: Reading) -> str | None:
    """A reply to thanks, goodbye or a greeting, if the message is one."""
    if THANKS in reading.social:
        goodbye = bool(_GOODBYE.search(reading.text))
        return _(replies.GOODBYE_REPLY if goodbye else replies.THANKS_REPLY)
    if GREETING in reading.social:
        return _(replies.GREETING_REPLY)
    return None
