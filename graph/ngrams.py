"""The n-grams the classifiers read a message by, as two small pure functions.

They state exactly what scikit-learn's analyzers produce for the classifiers' settings, already
normalized text in, the same n-grams in the same order out: `char_wb_ngrams` is
`TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_RANGE, lowercase=False).build_analyzer()`
and `word_ngrams` is `TfidfVectorizer(analyzer="word", ngram_range=WORD_RANGE,
token_pattern=TOKEN_PATTERN, lowercase=False).build_analyzer()`. scikit-learn trains the
classifiers and builds their vocabularies; these read a message against the vocabularies kept
on disk, so that scoring needs neither scikit-learn nor SciPy. The tests compare them with
scikit-learn's on every sentence of the corpus.
"""

from __future__ import annotations

import re

CHAR_RANGE = (2, 5)
"""Lengths of the character n-grams, shortest and longest."""
WORD_RANGE = (1, 2)
"""Lengths of the word n-grams, in words: single words and pairs."""
TOKEN_PATTERN = r"(?u)\b\w+\b"
"""A word: a run of word characters (one letter is a word)."""
_WORD = re.compile(TOKEN_PATTERN)


def char_wb_ngrams(text: str) -> list[str]:
    """Character n-grams within words, each word padded with a space on both sides.

    For every white-space separated word, padded " word ", every n-gram of each length in
    `CHAR_RANGE` in turn, left to right; a padded word no longer than n is counted once, as it
    is, and not again for longer n: "ab cde" -> " a", "ab", "b ", " ab", "ab ", " ab ",
    " c", ..., " cde ".
    """
    shortest, longest = CHAR_RANGE
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(shortest, longest + 1):
            grams += [padded[start:start + n] for start in range(max(size - n, 0) + 1)]
            if size <= n:
                break
    return grams


def word_ngrams(text: str) -> list[str]:
    """Words (`TOKEN_PATTERN`), then runs of words for each longer length in `WORD_RANGE`,
    joined by one space: "where is it" -> "where", "is", "it", "where is", "is it"."""
    shortest, longest = WORD_RANGE
    words = _WORD.findall(text)
    grams: list[str] = []
    for n in range(shortest, min(longest, len(words)) + 1):
        grams += [" ".join(words[start:start + n]) for start in range(len(words) - n + 1)]
    return grams
