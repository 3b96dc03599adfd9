"""Words of a customer message: tokens by clause, typo-tolerant matching, agitation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from graph.accents import strip_accents
from graph.offline.lexicon import (
    COMMON_WORDS,
    INTENT_CUES,
    SHORTHAND,
)

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
    cleaned = fold_accents(text.lower().replace("’", "'").replace("'", ""))
    tokens: list[Token] = []
    for clause, part in enumerate(_CLAUSE_BREAK.split(cleaned)):
        tokens += [Token(SHORTHAND.get(word, word), clause) for word in _WORD.findall(part)]
    return tuple(tokens)


_LIGATURES = str.maketrans({"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l"})


def fold_accents(text: str) -> str:
    """Drop accents ("sartén" -> "sarten", "Straße" -> "strasse"), so a word is one token."""
    return strip_accents(text.translate(_LIGATURES))


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
