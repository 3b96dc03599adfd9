"""Intent scoring: typo-tolerant, order-tolerant matching of customer text against lexicons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from graph.offline.lexicon import (
    CANCEL,
    CHANGE_ADDRESS,
    COMMON_WORDS,
    FRUSTRATION,
    HUMAN,
    INTENT_CUES,
    KNOWLEDGE,
    ORDER_STATUS,
    PERSONAL_MARKERS,
    QUESTION_OPENERS,
    REFUND,
    SHORTHAND,
)

THRESHOLD = 0.6
_NEGATORS = frozenset({"dont", "not", "no", "never", "without", "nor"})
_NEGATABLE = frozenset({REFUND, CANCEL, CHANGE_ADDRESS, HUMAN, FRUSTRATION})
_ACTIONS = (REFUND, CANCEL, CHANGE_ADDRESS, ORDER_STATUS)
VOCABULARY = COMMON_WORDS | {w for cues in INTENT_CUES.values() for c in cues for w in c.split()}


@dataclass(frozen=True)
class Token:
    """One normalized word and the clause it belongs to."""

    text: str
    clause: int


def tokenize(text: str) -> list[Token]:
    """Lower-case the text, drop apostrophes and split it into words tagged by clause."""
    cleaned = text.lower().replace("’", "'").replace("'", "")
    tokens: list[Token] = []
    for clause, part in enumerate(re.split(r"[.,!?;:\n]+|\bbut\b", cleaned)):
        words = re.findall(r"[a-z0-9]+", part)
        tokens += [Token(SHORTHAND.get(word, word), clause) for word in words]
    return tokens


@lru_cache(maxsize=8192)
def word_similarity(cue: str, word: str) -> float:
    """How well a customer's word stands for a lexicon word (0 when it does not)."""
    if word == cue:
        return 1.0
    if len(cue) >= 4 and word.startswith(cue) and len(word) - len(cue) <= 4:
        return 0.95
    if word in VOCABULARY or len(cue) < 5 or len(word) < 3 or word[0] != cue[0]:
        return 0.0
    allowed = 1 if len(cue) <= 6 else 2
    return 0.85 if OSA.distance(word, cue) <= allowed else 0.0


def _similarity(cue: str, word: str, exact_only: frozenset[str]) -> float:
    if word in exact_only:
        return 1.0 if word == cue else 0.0
    return word_similarity(cue, word)


def _match_cue(
    cue: str, tokens: list[Token], exact_only: frozenset[str] = frozenset()
) -> tuple[float, int] | None:
    """Best (quality, first position) of the cue's words found close together, if any."""
    words = cue.split()
    hits = [[(i, _similarity(w, t.text, exact_only)) for i, t in enumerate(tokens)]
            for w in words]
    hits = [[(i, s) for i, s in row if s > 0] for row in hits]
    if not all(hits):
        return None
    best: tuple[float, int] | None = None
    for anchor, anchor_score in hits[0]:
        chosen = [(anchor, anchor_score)]
        for row in hits[1:]:
            chosen.append(min(row, key=lambda hit: abs(hit[0] - anchor)))
        positions = [pos for pos, _ in chosen]
        if max(positions) - min(positions) > len(words) + 3:
            continue
        quality = min(score for _, score in chosen)
        if best is None or quality > best[0]:
            best = (quality, min(positions))
    return best


def _negated(tokens: list[Token], position: int) -> bool:
    clause = tokens[position].clause
    window = tokens[max(0, position - 3) : position]
    return any(t.text in _NEGATORS and t.clause == clause for t in window)


def agitation(text: str) -> float:
    """Extra frustration shown by the form of the text: SHOUTING and runs of "!!!"."""
    letters = [c for c in text if c.isalpha()]
    score = 0.0
    shouting = len(letters) >= 8 and len(text.split()) >= 2
    if shouting and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        score += 0.6
    runs = [run for run in re.findall(r"[!?]{2,}", text) if "!" in run]
    if runs:
        score += 0.5 if max(len(run) for run in runs) >= 3 else 0.4
    return score


def is_general_question(tokens: list[Token], text: str, has_order_id: bool) -> bool:
    """True when the text asks about the shop in general, not about the customer's orders."""
    if has_order_id or any(t.text in PERSONAL_MARKERS for t in tokens):
        return False
    opens_with_question = bool(tokens) and tokens[0].text in QUESTION_OPENERS
    return opens_with_question or text.rstrip().endswith("?")


def score_intents(
    text: str,
    *,
    has_order_id: bool = False,
    has_amount: bool = False,
    has_address: bool = False,
    product_words: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    """Rank every intent the text expresses, strongest first.

    Args:
        text: The customer's message.
        has_order_id: The message names or points at an order, which makes it about the
            customer's order.
        has_amount: The message names a sum of money, which points at a refund.
        has_address: The message holds a postal address, which points at an address change.
        product_words: Words of the customer's product names, never read as typos of a cue
            ("espresso" is not "express").

    Returns:
        (intent, score) pairs with score at or above the acceptance threshold.
    """
    tokens = tokenize(text)
    scores: dict[str, float] = {}
    for intent, cues in INTENT_CUES.items():
        found: list[float] = []
        for cue, weight in cues.items():
            match = _match_cue(cue, tokens, product_words)
            if match is None:
                continue
            quality, position = match
            has_own_negator = any(w in _NEGATORS for w in cue.split())
            if intent in _NEGATABLE and not has_own_negator and _negated(tokens, position):
                continue
            found.append(weight * quality)
        if found:
            strongest = max(found)
            scores[intent] = strongest + 0.3 * (sum(found) - strongest)
    if extra := agitation(text):
        scores[FRUSTRATION] = scores.get(FRUSTRATION, 0.0) + extra
    general = is_general_question(tokens, text, has_order_id)
    if has_amount and not general:
        scores[REFUND] = scores.get(REFUND, 0.0) + 0.6
    if has_address:
        scores[CHANGE_ADDRESS] = scores.get(CHANGE_ADDRESS, 0.0) + 1.3
    if general:
        scores[KNOWLEDGE] = scores.get(KNOWLEDGE, 0.0) + 0.5
        for intent in _ACTIONS:
            if intent in scores:
                scores[intent] *= 0.5
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    return [(intent, round(score, 3)) for intent, score in ranked if score >= THRESHOLD]
