"""What a conversation is waiting for from the customer, and where its session began.

A turn that may answer something the bot asked for (a yes or no, a code, an order, a sum, an
address, any question) is read as that answer, not as a mood; and only the current session's
earlier messages are read with a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from graph.catalogs import translations
from graph.identity import CODE_RESENT, CODE_SENT, EXPIRED, LIMITED
from graph.languages import LANGUAGES
from graph.limits import MAX_PARSED_CHARS
from graph.offline.state import previous_state
from graph.rating import MARK
from graph.slots import extract_code, extract_email
from graph.state import CaseState
from graph.voice import CODE_AGAIN, CODE_EXPIRED, HAND_OFF
from graph.voice import CODE_SENT as CODE_SENT_ON_CALL

QUESTION_MARKS = ("?", "¿")
"""A bot message with one of these asks the customer something."""
CUT_SHORT = "…"
"""How a reply the caller interrupted ends (what they heard, then this): its question, if it
had one, may be what was cut."""
_ASKING = re.compile(
    r"\b(?:please (?:share|send|tell|type|give|enter|confirm|let me know)|"
    r"(?:can|could) you (?:tell|send|share|give|confirm)|let me know|"
    r"por favor,? (?:comp[aá]rt\w*|env[ií]\w*|ind[ií]c\w*|dime|d[ií]game|escrib\w*|"
    r"confirm\w*|diga\w*|partilh\w*|mand\w*)|"
    r"bitte (?:nennen|senden|schicken|geben|teilen|schreiben|best[aä]tigen)|"
    r"(?:merci de|veuillez|pouvez-vous) (?:me )?(?:donner|indiquer|envoyer|partager|"
    r"confirmer|(?:é|e)crire|dire))\b", re.IGNORECASE)
"""A bot message that asks for something without a question mark ("Please share your order
number.")."""
SESSION_TURNS = 6
"""At most this many of the customer's earlier messages are read with a new one."""
OUTREACH = "caseloop_outreach"
"""`additional_kwargs` key on a message Caseloop sent on its own (a delivery problem...)."""
HANDED_OVER = "caseloop_handed_over"
"""`additional_kwargs` key on triage's reply that brings people in."""
_SESSION_ENDS = (MARK, OUTREACH, HANDED_OVER, HAND_OFF)
"""Bot messages after which the customer starts afresh: the satisfaction question (a case
closed), an outreach message, a hand-over to people (in writing or on a call)."""


def awaited(state: CaseState, text: str) -> str | None:
    """What the bot is waiting for that this message may answer, else None.

    `confirmation`: an action proposed awaits a yes or no; `verification`: a visitor types an
    e-mail address or a code, or is in the middle of verifying (a code was sent, or the e-mail
    address asked for again, in this session), whatever they write, or a call waits for a code;
    a piece of a task the agent asked for (`order_id`, `amount`, `address`... as its dialogue
    state records); `question`: the bot's last message asks something (a question mark, a
    request such as "please share your order number.", or a reply cut short on a call). Such
    a turn is a short answer, or about the answer, more often than a mood.
    """
    if state.get("pending_action"):
        return "confirmation"
    messages: list[BaseMessage] = _session(state.get("messages", []))
    said_by_bot = [str(m.content) for m in messages if isinstance(m, AIMessage)]
    if not state.get("verified") and (extract_email(text) or extract_code(text) or any(
            map(asks_for_a_code, said_by_bot))):
        return "verification"
    dialogue, current = previous_state(messages)
    if current and dialogue.awaiting:
        return dialogue.awaiting
    said = said_by_bot[-1] if said_by_bot else ""
    if asks_for_a_code(said, on_call=True):
        return "verification"
    asks = (any(mark in said for mark in QUESTION_MARKS) or _ASKING.search(said[:MAX_PARSED_CHARS])
            or said.rstrip().endswith(CUT_SHORT))
    return "question" if asks else None


def asks_for_a_code(said: str, on_call: bool = False) -> bool:
    """True when a bot message is one of those that ask a visitor for the code just sent (or for
    their e-mail address again), in any served language; `on_call`: or a caller, for the code
    that proves them before an action."""
    return said.startswith(_code_requests(on_call))


@lru_cache(maxsize=2)
def _code_requests(on_call: bool) -> tuple[str, ...]:
    """The beginnings of the messages of `asks_for_a_code`, in every served language (up to
    the first placeholder)."""
    texts = [CODE_SENT, CODE_RESENT, EXPIRED, LIMITED]
    if on_call:
        texts += [*CODE_SENT_ON_CALL.values(), CODE_AGAIN, CODE_EXPIRED]
    wrong = ("That code doesn't match. You have {left} more try.",
             "That code doesn't match. You have {left} more tries.")
    said = set()
    for language in LANGUAGES:
        catalog = translations(language)
        said |= {catalog.gettext(text) for text in texts}
        said |= {catalog.ngettext(*wrong, count) for count in (1, 2)}
    return tuple(sorted({text.split("{")[0].strip() for text in said}))


def session_texts(state: CaseState) -> list[str]:
    """What the customer said in this session, oldest first: since the bot's last message
    that ends one (`_SESSION_ENDS`), and at most the latest `SESSION_TURNS` + 1.

    The state keeps no times, and a person's messages carry no mark: a session is what
    follows a closed case's satisfaction question, an outreach message or a hand-over to
    people, and no more than a few turns of it.
    """
    texts = [str(m.content) for m in _session(state.get("messages", []))
             if isinstance(m, HumanMessage)]
    return texts[-(SESSION_TURNS + 1):]


def _session(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages after the last one that ends a session."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, AIMessage) and any(
                key in message.additional_kwargs for key in _SESSION_ENDS):
            return list(messages[index + 1:])
    return list(messages)
