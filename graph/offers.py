"""Reading a customer's answer to an offer of options ("Reply 1 to keep it, or 2 to cancel").

An offer rides in `pending_action["offer"]`: the question as it was asked and the options, each
with its number, label, other words for it and either a `reply` (a `keep` option) or the
`pending` action it runs once chosen. The answer is read in the offer's context: "2", "the
second one", "cancel it" or the label choose an option; a bare yes or no, a negation, or words
matching two options are unclear (the options are asked again); anything else is a new request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz.distance import OSA

from graph.affirmation import classify_reply
from graph.catalogs import N_
from graph.limits import MAX_PARSED_CHARS

ASK_WHICH = N_("Sorry, I'm not sure which one you mean. {question}")
_ORDINALS = {"1": 1, "one": 1, "first": 1, "1st": 1, "2": 2, "two": 2, "second": 2, "2nd": 2,
             "3": 3, "three": 3, "third": 3, "3rd": 3, "4": 4, "four": 4, "fourth": 4,
             "4th": 4, "5": 5, "five": 5, "fifth": 5, "5th": 5}
_NUMBER_FILLER = frozenset(
    "option number no reply answer choice choose pick the i ll i'll take go with one please pls "
    "thanks thank you ok okay".split())
_NEGATIONS = re.compile(r"\b(?:not|don'?t|do not|never|no(?! problem)|nope|rather not|"
                        r"instead of|won'?t|wouldn'?t)\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class OfferReading:
    """What an answer to an offer means."""

    kind: Literal["chosen", "unclear", "other"]
    option: dict[str, Any] | None = None
    """The chosen option (`kind == "chosen"`)."""


def read_offer_reply(offer: dict[str, Any], text: str) -> OfferReading:
    """Read a customer's message (up to `MAX_PARSED_CHARS` characters) as an answer."""
    text = text[:MAX_PARSED_CHARS]
    lowered = text.strip().lower().replace("’", "'")
    words = _WORD.findall(lowered)
    options = offer.get("options") or []
    if not words:
        return OfferReading("other")
    number = _number_named(words)
    if number is not None:
        chosen = [option for option in options if option["number"] == number]
        return OfferReading("chosen", chosen[0]) if chosen else OfferReading("unclear")
    if _mentions_other_order(words, offer):
        return OfferReading("other")
    whole = " ".join(words)
    for option in options:
        if whole in _phrases(option):
            return OfferReading("chosen", option)
    matched = [option for option in options
               if any(_contains(words, phrase.split()) for phrase in _phrases(option))]
    if matched and (_NEGATIONS.search(lowered) or "?" in lowered or len(matched) > 1):
        return OfferReading("unclear")
    if matched:
        return OfferReading("chosen", matched[0])
    if classify_reply(text) != "other":
        return OfferReading("unclear")
    return OfferReading("other")


def answers_offer(pending: dict[str, Any] | None, text: str) -> bool:
    """True when the message is about the pending offer (chosen, or asked again)."""
    offer = (pending or {}).get("offer")
    if not offer:
        return False
    return read_offer_reply(offer, text).kind != "other"


def _number_named(words: list[str]) -> int | None:
    """The option number a short answer names ("2", "option 2", "the second one"), if any."""
    numbers = [_ORDINALS[w] for w in words if w in _ORDINALS and w != "one"]
    if not numbers and "one" in words and all(w in _NUMBER_FILLER for w in words):
        numbers = [1]
    rest = [w for w in words if w not in _ORDINALS and w not in _NUMBER_FILLER]
    if len(numbers) == 1 and not rest:
        return numbers[0]
    return None


def _phrases(option: dict[str, Any]) -> list[str]:
    label = " ".join(_WORD.findall(str(option.get("label", "")).lower()))
    return [label, *(" ".join(_WORD.findall(w.lower())) for w in option.get("words") or [])]


def _contains(words: list[str], phrase: list[str]) -> bool:
    """True when the phrase's words appear in a row, each allowing one typo past 4 letters."""
    if not phrase or len(phrase) > len(words):
        return False
    first = {said for said in set(words) if _same_word(said, phrase[0])}
    for start in range(len(words) - len(phrase) + 1):
        if words[start] in first and all(
                _same_word(words[start + i], word) for i, word in enumerate(phrase)):
            return True
    return False


def _same_word(said: str, known: str) -> bool:
    if said == known:
        return True
    return (len(known) >= 5 and said[:1] == known[:1] and abs(len(said) - len(known)) <= 1
            and OSA.distance(said, known) <= 1)


def _mentions_other_order(words: list[str], offer: dict[str, Any]) -> bool:
    """True when the message names an order (a word with digits) other than the offer's."""
    own = str(offer.get("order_id", "")).lower()
    return any(any(ch.isdigit() for ch in w) and w != own for w in words)
