"""Which declared action a message asks for, by its nearness to the actions' example requests.

Each example, and a message, is read as the intent classifier reads text (`graph/ngrams.py`:
character n-grams within words, words and pairs of words, tf-idf weighted), after the shop
words it names are added as the English concepts they stand for (`glossary`), so "quiero
devolver el jersey" is near "I want to send the kettle back". How rare an n-gram is comes from
the classifier's corpus and the examples together: "can you" says little, "invoice" a lot.
An action scores the better of its nearest example and the centre of all its examples.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from graph.classifier import normalize, read_corpus, tfidf
from graph.classifier_cache import keep, kept, kept_path
from graph.limits import MAX_PARSED_CHARS
from graph.ngrams import char_wb_ngrams, word_ngrams
from graph.offline.declared import DeclaredAction
from graph.offline.glossary import glossed

Vector = dict[int, float]
_PARTS = (char_wb_ngrams, word_ngrams)
CUE_SHARE = 0.005
"""A word in fewer than this share of the corpus's messages is a cue of the examples."""


@dataclass(frozen=True)
class Match:
    """How near a message is to one action's examples (cosine similarity, 0 to 1)."""

    action: str
    score: float


@dataclass(frozen=True)
class _Counts:
    """How many corpus messages hold each n-gram of one kind: its column, and the counts."""

    columns: dict[str, int]
    counts: np.ndarray


@lru_cache(maxsize=1)
def _corpus_counts() -> tuple[int, tuple[_Counts, ...]]:
    """How many corpus messages hold each n-gram, per kind of n-gram: counted once and kept on
    disk beside the trained classifiers, so a later start reads them back (a few milliseconds
    instead of a third of a second)."""
    texts = [normalize(text) for _, _, text in read_corpus()]
    path = kept_path("ngram-counts", texts)
    arrays = kept(path)
    if arrays is None or not all(f"grams{n}" in arrays for n in range(len(_PARTS))):
        counters: tuple[Counter[str], ...] = tuple(Counter() for _ in _PARTS)
        for text in texts:
            for counter, analyze in zip(counters, _PARTS, strict=True):
                counter.update(set(analyze(text)))
        arrays = {**{f"grams{n}": np.asarray(list(c)) for n, c in enumerate(counters)},
                  **{f"counts{n}": np.asarray(list(c.values()), dtype=np.int64)
                     for n, c in enumerate(counters)}}
        keep(path, arrays)
    return len(texts), tuple(
        _Counts({gram: column for column, gram in enumerate(arrays[f"grams{n}"].tolist())},
                arrays[f"counts{n}"]) for n in range(len(_PARTS)))


def load() -> None:
    """Count the corpus's n-grams now (or read them as kept) rather than while assembling."""
    _corpus_counts()


def _prepared(text: str) -> str:
    return normalize(glossed(text[:MAX_PARSED_CHARS]))


class ExampleMatcher:
    """Scores a message against the example requests of each declared action."""

    def __init__(self, examples: dict[str, tuple[str, ...]]) -> None:
        documents = [_prepared(text) for texts in examples.values() for text in texts]
        total, corpus = _corpus_counts()
        size = total + len(documents)
        self._spaces: list[tuple[dict[str, int], np.ndarray]] = []
        for counted, analyze in zip(corpus, _PARTS, strict=True):
            in_documents: Counter[str] = Counter()
            for document in documents:
                in_documents.update(set(analyze(document)))
            vocabulary = dict(counted.columns)
            for gram in in_documents:
                vocabulary.setdefault(gram, len(vocabulary))
            frequency = np.zeros(len(vocabulary))
            frequency[:len(counted.counts)] = counted.counts
            for gram, count in in_documents.items():
                frequency[vocabulary[gram]] += count
            idf = np.log((1 + size) / (1 + frequency)) + 1
            self._spaces.append((vocabulary, idf))
        words, word_counts = self._spaces[1][0], corpus[1]
        self._cues = frozenset(
            word for document in documents for word in document.split()
            if word in words and _held(word_counts, word) < total * CUE_SHARE)
        """Words of the examples that few corpus messages use: a message with none of them is
        not near any example, and is not scored at all."""
        examples_of = {action: [self.vector(text) for text in texts]
                       for action, texts in examples.items() if texts}
        self._rows: list[str] = []
        """The action of each example and each centre, in the order their scores are kept."""
        postings: list[dict[int, list[tuple[int, float]]]] = [{} for _ in _PARTS]
        for action, vectors in examples_of.items():
            for vector in [*vectors, _centre(vectors)]:
                row = len(self._rows)
                self._rows.append(action)
                for index, part in zip(postings, vector, strict=True):
                    for column, weight in part.items():
                        index.setdefault(column, []).append((row, weight))
        self._postings = [
            {column: (np.array([row for row, _ in hits], dtype=np.intp),
                      np.array([weight for _, weight in hits])) for column, hits in index.items()}
            for index in postings]
        """For each kind of n-gram, each column's rows and weights (an inverted index)."""

    def vector(self, text: str) -> list[Vector]:
        """A text's tf-idf weights, one unit vector per kind of n-gram."""
        prepared = _prepared(text)
        vectors = []
        for (vocabulary, idf), analyze in zip(self._spaces, _PARTS, strict=True):
            columns, weights = tfidf(analyze(prepared), vocabulary, idf)
            vectors.append(dict(zip(columns, weights, strict=True)))
        return vectors

    def cued(self, text: str) -> bool:
        """Whether the text has a word of the examples that few corpus messages use."""
        return not self._cues.isdisjoint(_prepared(text).split())

    def ranked(self, text: str) -> list[Match]:
        """Every action with how near the text is to it (its nearest example, or the centre of
        its examples), nearest first."""
        rows: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for postings, part in zip(self._postings, self.vector(text), strict=True):
            for column, weight in part.items():
                hit = postings.get(column)
                if hit is not None:
                    rows.append(hit[0])
                    weights.append(hit[1] * weight)
        scores = np.bincount(np.concatenate(rows), weights=np.concatenate(weights),
                             minlength=len(self._rows)).tolist() if rows else [0.0] * len(
            self._rows)
        best: dict[str, float] = {}
        for action, score in zip(self._rows, scores, strict=True):
            best[action] = max(best.get(action, 0.0), score / len(_PARTS))
        return sorted((Match(action, score) for action, score in best.items()),
                      key=lambda match: match.score, reverse=True)


def _held(counted: _Counts, gram: str) -> int:
    """How many corpus messages hold `gram`."""
    column = counted.columns.get(gram)
    return 0 if column is None else int(counted.counts[column])


def _centre(vectors: list[list[Vector]]) -> list[Vector]:
    """The mean of the vectors, each part scaled back to unit length."""
    centre = []
    for part in range(len(vectors[0])):
        summed: Counter[int] = Counter()
        for vector in vectors:
            summed.update(vector[part])
        norm = math.sqrt(sum(value * value for value in summed.values())) or 1.0
        centre.append({column: value / norm for column, value in summed.items()})
    return centre


@lru_cache(maxsize=32)
def matcher_for(actions: tuple[DeclaredAction, ...]) -> ExampleMatcher:
    """The matcher of a set of declared actions, built once for each set."""
    return ExampleMatcher({action.name: _documents(action) for action in actions})


def _documents(action: DeclaredAction) -> tuple[str, ...]:
    """An action's example requests, and its name read as words ("start return")."""
    return (*action.examples, action.name.replace("_", " "))
