"""Intent scoring: typo-tolerant, order-tolerant matching of customer text against lexicons."""

from __future__ import annotations

import re
from bisect import bisect_left
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
_CLAUSE_BREAK = re.compile(r"[.,!?;:\n]+|\bbut\b")
_WORD = re.compile(r"[a-z0-9]+")
VOCABULARY = COMMON_WORDS | {w for cues in INTENT_CUES.values() for c in cues for w in c.split()}


@dataclass(frozen=True)
class Token:
    """One normalized word and the clause it belongs to."""

    text: str
    clause: int


def tokenize(text: str) -> list[Token]:
    """Lower-case the text, drop apostrophes and split it into words tagged by clause."""
    return list(_tokens(text))


@lru_cache(maxsize=16)
def _tokens(text: str) -> tuple[Token, ...]:
    """The tokens of a text, worked out once: a message is tokenized by several readers."""
    cleaned = text.lower().replace("’", "'").replace("'", "")
    tokens: list[Token] = []
    for clause, part in enumerate(_CLAUSE_BREAK.split(cleaned)):
        tokens += [Token(SHORTHAND.get(word, word), clause) for word in _WORD.findall(part)]
    return tuple(tokens)


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
    if abs(len(word) - len(cue)) > allowed:
        return 0.0  # the distance is at least the difference in length
    return 0.85 if OSA.distance(word, cue) <= allowed else 0.0


def _similarity(cue: str, word: str, exact_only: frozenset[str]) -> float:
    if word in exact_only:
        return 1.0 if word == cue else 0.0
    return word_similarity(cue, word)


class WordIndex:
    """Where each distinct word of a message stands, grouped by its first letter.

    Every word a cue word stands for shares its first letter, so a cue word is compared only
    with the message's distinct words of that letter, whatever the message's length.
    """

    def __init__(self, tokens: list[Token]) -> None:
        self.positions: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            self.positions.setdefault(token.text, []).append(index)
        self.by_initial: dict[str, list[str]] = {}
        for word in self.positions:
            self.by_initial.setdefault(word[:1], []).append(word)

    def hits(self, cue_word: str, exact_only: frozenset[str]) -> tuple[list[int], list[float]]:
        """Positions standing for the cue word, in order, and how well each does."""
        found = sorted((position, score) for word in self.by_initial.get(cue_word[:1], ())
                       if (score := _similarity(cue_word, word, exact_only)) > 0
                       for position in self.positions[word])
        return [position for position, _ in found], [score for _, score in found]


def _nearest(positions: list[int], anchor: int) -> int:
    """Index of the position closest to the anchor; the earlier one on a tie."""
    right = bisect_left(positions, anchor)
    if right == len(positions):
        return right - 1
    if right > 0 and anchor - positions[right - 1] <= positions[right] - anchor:
        return right - 1
    return right


def _match_cue(
    cue: str, index: WordIndex, exact_only: frozenset[str] = frozenset()
) -> tuple[float, int] | None:
    """Best (quality, first position) of the cue's words found close together, if any."""
    words = cue.split()
    rows = []
    for word in words:
        row = index.hits(word, exact_only)
        if not row[0]:
            return None
        rows.append(row)
    best: tuple[float, int] | None = None
    anchors, anchor_scores = rows[0]
    for anchor, anchor_score in zip(anchors, anchor_scores, strict=True):
        low = high = anchor
        quality = anchor_score
        for positions, scores in rows[1:]:
            nearest = _nearest(positions, anchor)
            low, high = min(low, positions[nearest]), max(high, positions[nearest])
            quality = min(quality, scores[nearest])
        if high - low > len(words) + 3:
            continue
        if best is None or quality > best[0]:
            best = (quality, low)
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
    index: WordIndex | None = None,
    has_order_id: bool = False,
    has_amount: bool = False,
    has_address: bool = False,
    product_words: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    """Rank every intent the text expresses, strongest first.

    Args:
        text: The customer's message.
        index: The message's words indexed (`WordIndex(tokenize(text))`), when already built.
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
    index = index or WordIndex(tokens)
    scores: dict[str, float] = {}
    for intent, cues in INTENT_CUES.items():
        found: list[float] = []
        for cue, weight in cues.items():
            match = _match_cue(cue, index, product_words)
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
