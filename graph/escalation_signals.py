"""When a person should step in, read from the customer's words: decided here, not by the model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from graph.limits import MAX_PARSED_CHARS

_PERSON = re.compile(
    r"\b(?:(?:speak|talk|chat|connect|transfer|escalate)\b.{0,30}\b"
    r"(?:human|person|agent|someone|somebody|manager|supervisor|operator|"
    r"representative|colleague)|"
    r"(?:real|live|actual|human)\s+(?:person|people|human|agent|being|support)|"
    r"(?:human|agent|manager|supervisor|operator|representative)\s*(?:please|pls|now|!|\?|$)|"
    r"not\s+(?:a|another|this)\s+(?:bot|robot|machine)|"
    r"(?:stop|enough)\b.{0,20}\b(?:bot|robot|machine))",
    re.IGNORECASE,
)
_STRONG = re.compile(
    r"\b(?:f+u+c+k\w*|shit\w*|bullshit|wtf|ridiculous|unacceptable|outrageous|scam\w*|"
    r"useless|pathetic|furious|angry|livid|fed up|sick of|incompetent|lawyer|sue you|"
    r"chargeback|never again)\b",
    re.IGNORECASE,
)
SHOUTING_MIN_LETTERS = 12
SHOUTING_RATIO = 0.8
SAME_REQUEST_SCORE = 85
REPEATS_FOR_FAILURE = 3


@dataclass(frozen=True)
class Signal:
    """Why a person should step in, and how the customer seems to feel."""

    reason: str
    """`asked_for_person` or `frustration`."""
    sentiment: str
    """`calm`, `frustrated` or `upset`."""
    evidence: str
    """One line for the person: what in the conversation gave it away."""


def escalation_signal(text: str, earlier: list[str]) -> Signal | None:
    """Whether this message (after `earlier` customer messages, oldest first) calls for a person.

    A request for a person always does; so does frustration: strong words, a message in
    capitals, or the same request made for the third time in a row. Each message is read up
    to `MAX_PARSED_CHARS` characters.
    """
    text = text[:MAX_PARSED_CHARS]
    mood = sentiment(text, earlier)
    if _PERSON.search(text):
        return Signal("asked_for_person", mood, "the customer asked for a person")
    if mood == "calm":
        return None
    if _STRONG.search(text):
        evidence = "strong words"
    elif is_shouting(text):
        evidence = "writing in capitals"
    else:
        evidence = f"the same request {REPEATS_FOR_FAILURE} times in a row"
    return Signal("frustration", mood, evidence)


def sentiment(text: str, earlier: list[str]) -> str:
    """`upset` (strong words, shouting), `frustrated` (the same request again) or `calm`."""
    if _STRONG.search(text) or is_shouting(text):
        return "upset"
    if is_repeating(text, earlier):
        return "frustrated"
    return "calm"


def is_shouting(text: str) -> bool:
    """True for a message written (almost) all in capitals, long enough to mean it."""
    letters = sum(map(str.isalpha, text))
    if letters < SHOUTING_MIN_LETTERS:
        return False
    return sum(map(str.isupper, filter(str.isalpha, text))) / letters >= SHOUTING_RATIO


def is_repeating(text: str, earlier: list[str]) -> bool:
    """True when the last messages, this one included, all ask the same thing."""
    recent = earlier[-(REPEATS_FOR_FAILURE - 1):]
    if len(recent) < REPEATS_FOR_FAILURE - 1 or len(text.split()) < 3:
        return False
    return all(fuzz.token_set_ratio(_words(text[:MAX_PARSED_CHARS]),
                                    _words(other[:MAX_PARSED_CHARS])) >= SAME_REQUEST_SCORE
               for other in recent)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
