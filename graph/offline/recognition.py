"""When a message asks for a declared action the model has no intent of its own for.

The intent classifier reads what it was trained for: a refund, a cancellation, a new address,
where an order is, a question about how things work... A declared action ("start a return",
"send the invoice again") is recognised from its example requests (`matcher`), and only where
the classifier's own reading is weak: no request at all, a complaint, or a request read with
little confidence. The more sure the classifier is, the nearer to the examples a message must
be; the action must also stand out from the others, the model's own among them. The figures
below were chosen on requests written for the bundled actions and on held-out sets A and B,
none of whose messages may be taken over.
"""

from __future__ import annotations

import re
from typing import Literal

from graph.classifier import has_words, intent_classifier
from graph.limits import MAX_PARSED_CHARS
from graph.offline.declared import OWN_ACTIONS, DeclaredAction
from graph.offline.lexicon import COMPLAINT, FRUSTRATION, KNOWLEDGE
from graph.offline.matcher import matcher_for
from graph.offline.reading import NO_INTENT, Reading

NEAR = 0.34
"""How near (cosine) a message must be to an action's examples when the classifier finds no
request of its own in it."""
SURE_COST = 0.35
"""How much nearer it must be for each unit of the classifier's share for its own request."""
AHEAD = 0.05
"""How far ahead of the next action (declared or the model's own) it must be."""
SURE_QUESTION = 0.5
"""A question about how things work read with at least this share is never an action."""
WEAK_READINGS = (COMPLAINT, FRUSTRATION, NO_INTENT)
"""Readings without a request of the model's own kind: a problem reported, feelings, or
nothing the classifier knows; a declared remedy may be what is asked."""


_WISH = re.compile(
    r"\b(?:i(?:'d| would) (?:like|love) to|i (?:want|need|wish)(?:ed)? to|i'm looking to"
    r"|quiero|quisiera|necesito|me gustar[ií]a|ich (?:m[öo]chte|will|w[üu]rde gerne?)"
    r"|je (?:veux|voudrais|souhaite)|j'aimerais|quero|queria|gostaria de|preciso)\b"
    r"(?P<to_know> (?:know|ask|understand|find out|check|saber|preguntar|entender|wissen"
    r"|fragen|verstehen|savoir|demander|comprendre|perguntar)\b)?", re.I)
"""A wish stated in the first person: to have something done ("I want to return an item",
"je voudrais retourner un article"), or to know something ("I'd like to know how returns
work", "quisiera saber..."), which asks how things work."""


def _wish(text: str) -> Literal["done", "know"] | None:
    """The wish the message states in the first person: to have something done, without
    asking ("done"), or to know something ("know"); None for no wish, or one asked."""
    wish = _WISH.search(text[:MAX_PARSED_CHARS].replace("’", "'"))
    if wish is None:
        return None
    if wish["to_know"]:
        return "know"
    return "done" if "?" not in text else None


def _own_share(reading: Reading, wish: str | None) -> float:
    """How sure the classifier is that the message says something of its own kind (0 to 1):
    its largest share for anything but a complaint, frustration or no request at all, nor,
    for a wish the customer states, a question about how things work."""
    if not has_words(reading.text):
        return 0.0
    weak = (*WEAK_READINGS, KNOWLEDGE) if wish == "done" else WEAK_READINGS
    return max((share for intent, share in intent_classifier().probabilities(reading.text)
                if intent not in weak), default=0.0)


def _a_question(reading: Reading, wish: str | None) -> bool:
    """Whether the classifier is sure the message asks how things work ("return policy"),
    rather than asking in question form for something done ("could my warranty be extended?")
    or stating what the customer wants done ("I want to return an item"). Saying one wants to
    know ("I'd like to know how returns work") asks."""
    if reading.task != KNOWLEDGE or wish == "done":
        return False
    return wish == "know" or dict(intent_classifier().probabilities(reading.text)).get(
        KNOWLEDGE, 0.0) >= SURE_QUESTION


def recognised(reading: Reading, actions: tuple[DeclaredAction, ...]) -> DeclaredAction | None:
    """The declared action the message asks for, when it is not one of the model's own.

    Args:
        reading: The message as the model read it.
        actions: The declared actions the model was given.
    """
    if not any(a.name not in OWN_ACTIONS for a in actions):
        return None
    wish = _wish(reading.text)
    if _a_question(reading, wish):
        return None  # a question about how things work is answered, never acted on
    matcher = matcher_for(actions)
    if not matcher.cued(reading.text):
        return None
    ranked = matcher.ranked(reading.text)
    if not ranked or ranked[0].action in OWN_ACTIONS:
        return None
    best = ranked[0]
    runner_up = next((match.score for match in ranked[1:] if match.action in OWN_ACTIONS), 0.0)
    if best.score < NEAR or best.score - runner_up < AHEAD:
        return None  # (the classifier is asked only when the examples are near)
    if best.score < NEAR + SURE_COST * _own_share(reading, wish):
        return None
    return next(action for action in actions if action.name == best.action)
