"""Classifiers of customer text: character and word n-grams with a linear model, trained on the
corpus, for the intent of a message (the offline model) and the language it is written in.

The corpus is `graph/corpus/<language>.tsv`, one `<intent>\\t<message>` per line, written for
variety in the five served languages. scikit-learn fits each model when no model trained before
is kept on disk (`classifier_cache`). Scoring one message then takes the analyzers of
`graph/ngrams.py` (what the fitted vectorizers' own give), their vocabularies and idf weights,
and one product with the coefficients: the same numbers `decision_function` gives, without
building a sparse matrix per message, which is what makes a message take a fraction of a
millisecond rather than about one. Reading with a kept model imports neither scikit-learn nor
SciPy (about a second and a half at start).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from graph.accents import strip_accents
from graph.ngrams import CHAR_RANGE, TOKEN_PATTERN, WORD_RANGE, char_wb_ngrams, word_ngrams

CORPUS_DIR = Path(__file__).parent / "corpus"
CLASSIFIED_ENDS = 240
"""A long message is classified on its first and last 240 characters: a request is made at
the start or, after the story, at the end."""
RECENT_TEXTS = 4096
"""How many texts each classifier remembers its reading of."""
RECENT_WORDS = 65536
"""How many words each classifier remembers the character n-grams of."""
REMEMBERED_WORD = 32
"""The longest word whose character n-grams are remembered: a longer one is rare, and would
take hundreds of columns in memory."""
MAX_LETTERS_SCAN = 200
"""Letters are looked for in the first 200 characters of a message."""
SHARPNESS = 3.0
"""How far apart the margins are spread before the softmax that turns them into shares."""
_DIGITS = re.compile(r"\d")
_LOCK = threading.Lock()


def normalize(text: str) -> str:
    """Lower-case, accents dropped, every digit a 0: "Où est A1002?" -> "ou est a0000?"."""
    if len(text) > 2 * CLASSIFIED_ENDS:
        text = f"{text[:CLASSIFIED_ENDS]} {text[-CLASSIFIED_ENDS:]}"
    return _DIGITS.sub("0", strip_accents(text.lower()).replace("’", "'"))


def has_words(text: str) -> bool:
    """True when a message has letters to classify ("2", "48213" and "👍" have none: what they
    mean depends on what was asked)."""
    return any(c.isalpha() for c in text[:MAX_LETTERS_SCAN])


@lru_cache(maxsize=4)
def read_corpus(directory: Path = CORPUS_DIR) -> tuple[tuple[str, str, str], ...]:
    """(language, intent, message) for every line of every corpus file; `#` lines skipped.
    Read once per process: the classifiers, the mood model and the matcher all start from it."""
    examples = []
    for path in sorted(directory.glob("*.tsv")):
        language = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            intent, _, message = line.partition("\t")
            if message.strip():
                examples.append((language, intent.strip(), message.strip()))
    return tuple(examples)


class _Features:
    """One fitted vectorizer, kept as what scoring needs: the columns a text's n-grams have in
    its vocabulary. Character n-grams stay within a word, so a word's columns are worked out
    once and remembered (`RECENT_WORDS`): most words of a message were read before."""

    def __init__(self, analyze: Callable[[str], list[str]], vocabulary: dict[str, int],
                 idf: np.ndarray, offset: int) -> None:
        self.analyze = analyze
        self.vocabulary = vocabulary
        self.idf = idf
        self.offset = offset
        self._by_word = analyze is char_wb_ngrams
        self._word_columns = lru_cache(maxsize=RECENT_WORDS)(self._known)

    def columns(self, text: str) -> np.ndarray:
        """The columns of the text's known n-grams, once for each time an n-gram occurs, in
        the analyzer's order."""
        if not self._by_word:
            return self._known(text)
        parts = [self._word_columns(word) if len(word) <= REMEMBERED_WORD else self._known(word)
                 for word in text.split()]
        return np.concatenate(parts) if parts else _NO_COLUMNS

    def _known(self, text: str) -> np.ndarray:
        vocabulary = self.vocabulary
        return np.asarray([column for gram in self.analyze(text)
                           if (column := vocabulary.get(gram)) is not None], dtype=np.intp)


_NO_COLUMNS = np.zeros(0, dtype=np.intp)


class NgramClassifier:
    """A linear model over character and word n-grams, giving each label a share of belief."""

    def __init__(self, features: list[_Features], coef: np.ndarray, intercept: np.ndarray,
                 labels: list[str]) -> None:
        self._features = features
        self._weights = np.ascontiguousarray(coef.T)  # one row per feature
        self._intercept = intercept
        self.labels = labels
        self._ranked = lru_cache(maxsize=RECENT_TEXTS)(self._rank)

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]], *, words: bool = True) -> NgramClassifier:
        """Fit the model on (label, message) pairs; on character n-grams alone without `words`."""
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        labels, texts = zip(*examples, strict=True)
        union = FeatureUnion(_vectorizers(words=words))
        matrix = union.fit_transform(texts)
        model = LinearSVC(C=1.0, class_weight="balanced", random_state=0)
        model.fit(matrix, labels)
        fitted = [(v.vocabulary_, v.idf_) for _, v in union.transformer_list]
        return cls._built(fitted, model.coef_, model.intercept_,
                          [str(c) for c in model.classes_], words=words)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], *, words: bool) -> NgramClassifier:
        """A classifier as `as_arrays` kept it."""
        parts = len(_analyzers(words=words))
        fitted = [({str(gram): i for i, gram in enumerate(arrays[f"grams{n}"])},
                   arrays[f"idf{n}"]) for n in range(parts)]
        return cls._built(fitted, arrays["coef"], arrays["intercept"],
                          [str(label) for label in arrays["labels"]], words=words)

    def as_arrays(self) -> dict[str, np.ndarray]:
        """What scoring needs, as arrays that can be saved and read back (`from_arrays`)."""
        arrays = {"coef": self._weights.T, "intercept": self._intercept,
                  "labels": np.asarray(self.labels)}
        for n, part in enumerate(self._features):
            grams = sorted(part.vocabulary, key=part.vocabulary.__getitem__)
            arrays[f"grams{n}"] = np.asarray(grams)
            arrays[f"idf{n}"] = np.asarray(part.idf)
        return arrays

    @classmethod
    def _built(cls, fitted: list[tuple[dict[str, int], np.ndarray]], coef: np.ndarray,
               intercept: np.ndarray, labels: list[str], *, words: bool) -> NgramClassifier:
        features, offset = [], 0
        # Scoring normalizes a message once for both analyzers (see `decision`).
        for analyze, (vocabulary, idf) in zip(_analyzers(words=words), fitted, strict=True):
            features.append(_Features(analyze, vocabulary, idf, offset))
            offset += len(vocabulary)
        return cls(features, coef, intercept, labels)

    def decision(self, text: str) -> np.ndarray:
        """The model's score for each label (in `labels` order): the message's tf-idf features,
        as the fitted vectorizers would compute them (1 + log of each known n-gram's count,
        times its idf, each part scaled to unit length), times the coefficients."""
        text = normalize(text)
        rows: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for part in self._features:
            found, weights = unit_tfidf(part.columns(text), part.idf)
            rows.append(found + part.offset)
            values.append(weights)
        return np.concatenate(values) @ self._weights[np.concatenate(rows)] + self._intercept

    def probabilities(self, text: str) -> list[tuple[str, float]]:
        """Every label with its share of the model's belief (a softmax of the margins),
        most likely first. A text read lately is not scored again: the triage and the
        offline model read the same message, and each turn reads the last few again."""
        return list(self._ranked(text))

    def _rank(self, text: str) -> tuple[tuple[str, float], ...]:
        scores = self.decision(text) * SHARPNESS
        exp = np.exp(scores - scores.max())
        shares = exp / exp.sum()
        ranked = sorted(zip(self.labels, shares.tolist(), strict=True),
                        key=lambda pair: pair[1], reverse=True)
        return tuple((label, float(share)) for label, share in ranked)


def tfidf(grams: list[str], vocabulary: dict[str, int],
          idf: np.ndarray) -> tuple[list[int], list[float]]:
    """The columns and weights of `grams` as a fitted `TfidfVectorizer(sublinear_tf=True)`
    gives them (see `unit_tfidf`)."""
    columns = np.asarray([column for gram in grams
                          if (column := vocabulary.get(gram)) is not None], dtype=np.intp)
    found, weights = unit_tfidf(columns, idf)
    return found.tolist(), weights.tolist()


def unit_tfidf(columns: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct column of a text's known n-grams (one entry each time an n-gram occurs)
    and its weight: 1 + log of its count, times its idf, the whole scaled to unit length."""
    if not columns.size:
        return columns, np.zeros(0)
    found, counts = np.unique(columns, return_counts=True)
    weights = (1.0 + np.log(counts)) * idf[found]
    return found, weights / np.sqrt(weights @ weights)


def _vectorizers(*, words: bool) -> list[tuple[str, Any]]:
    """The vectorizers a classifier reads a message with (unfitted): character n-grams within
    words, and with `words` also words and pairs of words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    parts = [("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_RANGE,
                                       sublinear_tf=True, preprocessor=normalize, min_df=2))]
    if words:
        parts.append(("words", TfidfVectorizer(
            analyzer="word", ngram_range=WORD_RANGE, sublinear_tf=True, preprocessor=normalize,
            token_pattern=TOKEN_PATTERN)))
    return parts


def _analyzers(*, words: bool) -> list[Callable[[str], list[str]]]:
    """What each of `_vectorizers` splits a normalized message into, in the same order."""
    return [char_wb_ngrams, word_ngrams] if words else [char_wb_ngrams]


@lru_cache(maxsize=1)
def intent_classifier() -> NgramClassifier:
    """What a message asks for, trained on the shipped corpus once (see `classifier_cache`)."""
    with _LOCK:
        return _kept_or_trained([(intent, text) for _, intent, text in read_corpus()],
                                words=True)


@lru_cache(maxsize=1)
def language_classifier() -> NgramClassifier:
    """Which served language a message is written in, trained on the same corpus."""
    with _LOCK:
        return _kept_or_trained([(language, text) for language, _, text in read_corpus()],
                                words=False)


def _kept_or_trained(examples: list[tuple[str, str]], *, words: bool) -> NgramClassifier:
    from graph.classifier_cache import cache_path, keep, kept

    path = cache_path(examples, words=words)
    arrays = kept(path)
    if arrays is not None:
        try:
            return NgramClassifier.from_arrays(arrays, words=words)
        except Exception:  # noqa: BLE001 - kept by another version, or damaged: train again
            pass
    classifier = NgramClassifier.train(examples, words=words)
    keep(path, classifier.as_arrays())
    return classifier


def load() -> None:
    """Train both classifiers now (or read them as trained before) rather than on the first
    message."""
    intent_classifier()
    language_classifier()
