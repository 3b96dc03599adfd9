"""How a customer seems at the latest turn of a conversation (calm, upset or stuck), learned
from conversations written for it in the five served languages.

The corpus is `graph/corpus/conversations/<language>.tsv`: one conversation a line, its label
(`calm`, `upset` or `stuck`, how the customer is at the last turn) then the customer's turns,
oldest first, separated by tabs. A conversation is read as the last turn's character and word
n-grams, the earlier turns' words together (tf-idf, as the intent classifier reads a message),
and a few measures of the conversation (`_measures`): how many turns, how much the last one
repeats the earlier ones, marks and capitals, strong words, and what the intent classifier makes
of each turn. A logistic regression weighs them. scikit-learn fits it when no model trained
before is kept on disk (`classifier_cache`); scoring then takes `graph/ngrams.py`'s analyzers
and one product with the coefficients, importing neither scikit-learn nor SciPy.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from graph import ngrams, strong_words
from graph.classifier import (
    CORPUS_DIR,
    has_words,
    intent_classifier,
    normalize,
    read_corpus,
    tfidf,
)
from graph.limits import MAX_PARSED_CHARS
from graph.ngrams import CHAR_RANGE, TOKEN_PATTERN, WORD_RANGE, char_wb_ngrams, word_ngrams
from graph.strong_words import has_strong_words, is_severe, is_shouting, is_strong

CONVERSATIONS_DIR = CORPUS_DIR / "conversations"
LABELS = ("calm", "stuck", "upset")
EARLIER_TURNS = 3
"""How many turns before the last one the model reads."""
FEATURES_VERSION = 1
"""Bumped when what a conversation is read as changes, so that a kept model is not reused."""
REGULARIZATION = 2.0
"""The logistic regression's C: how closely it may follow the corpus."""
CLEAR = 0.5
"""The intent classifier's share at which a turn is a clear reading."""
REQUESTS = frozenset(
    "order_status refund cancel change_address list_orders verify knowledge complaint".split())
"""Intents the agent can act on."""
SETTLING = frozenset("thanks dismiss greeting".split())
"""Intents that take what was said and move on, or start again politely."""
_CAPITALS = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{3,}\b")
_NUMBER = re.compile(r"\d+")
_LOCK = threading.Lock()
Analyzer = Callable[[str], list[str]]
_ANALYZERS: tuple[Analyzer, ...] = (char_wb_ngrams, word_ngrams, word_ngrams)
"""What each text of `_texts` is split into: the last turn by characters and by words, the
earlier turns by words."""


def read_conversations(directory: Path = CONVERSATIONS_DIR) -> list[tuple[str, str, list[str]]]:
    """(language, label, turns) for every conversation of the corpus; `#` lines skipped."""
    conversations = []
    for path in sorted(directory.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            label, *turns = [part.strip() for part in line.split("\t")]
            turns = [turn for turn in turns if turn]
            if label in LABELS and turns:
                conversations.append((path.stem, label, turns))
    return conversations


def _texts(text: str, earlier: list[str]) -> tuple[str, str, str]:
    """The normalized texts the n-grams are taken from: the last turn twice, the earlier ones
    together."""
    last = normalize(text[:MAX_PARSED_CHARS])
    before = normalize(" | ".join(turn[:MAX_PARSED_CHARS] for turn in earlier[-EARLIER_TURNS:]))
    return last, last, before


def _reading(text: str) -> tuple[str, float]:
    if not has_words(text):
        return "none", 1.0  # a number or an emoji answers what was asked
    return intent_classifier().probabilities(text)[0]


def _frustration(text: str) -> float:
    if not has_words(text):
        return 0.0
    return dict(intent_classifier().probabilities(text))["frustration"]


def plain_words(text: str) -> str:
    """The message's words, lower-cased, one space apart: what two turns are compared by."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _measures(text: str, earlier: list[str]) -> list[float]:
    """What the conversation shows besides its words, each between 0 and 1."""
    text = text[:MAX_PARSED_CHARS]
    before = [turn[:MAX_PARSED_CHARS] for turn in earlier[-EARLIER_TURNS:]]
    said = plain_words(text)
    repeats = [fuzz.token_set_ratio(said, plain_words(turn)) / 100 for turn in before]
    numbers = set(_NUMBER.findall(text)) - set(_NUMBER.findall(" ".join(before)))
    intent, share = _reading(text)
    requests = [i in REQUESTS and s >= CLEAR for i, s in map(_reading, before)]
    words = len(text.split())
    return [
        len(before) / EARLIER_TURNS,
        max(repeats, default=0.0),
        float(bool(numbers)),
        min(text.count("?"), 3) / 3,
        float("??" in text or "?!" in text),
        min(text.count("!"), 3) / 3,
        min(len(_CAPITALS.findall(text)), 3) / 3,
        float(is_shouting(text)),
        float(is_severe(text)),
        float(is_strong(text)),
        float(any(map(has_strong_words, before))),
        min(words, 40) / 40,
        float(words <= 3),
        _frustration(text),
        float(intent in REQUESTS and share >= CLEAR),
        float(intent in SETTLING and share >= CLEAR),
        sum(requests) / EARLIER_TURNS,
        max(map(_frustration, before), default=0.0),
    ]


class MoodModel:
    """A linear model over a conversation's n-grams and measures, giving each of `LABELS` a
    share of belief."""

    def __init__(self, vocabularies: list[dict[str, int]], idfs: list[np.ndarray],
                 coef: np.ndarray, intercept: np.ndarray, labels: list[str]) -> None:
        self._vocabularies = vocabularies
        self._idfs = list(idfs)
        self._offsets = np.cumsum([0, *map(len, vocabularies)]).tolist()
        self._weights = np.ascontiguousarray(coef.T)  # one row per feature
        self._intercept = intercept
        self.labels = labels

    @classmethod
    def train(cls, conversations: list[tuple[str, list[str]]]) -> MoodModel:
        """Fit the model on (label, turns) pairs."""
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression

        texts = [_texts(turns[-1], turns[:-1]) for _, turns in conversations]
        vectorizers = _vectorizers()
        parts = [v.fit_transform([t[n] for t in texts]) for n, v in enumerate(vectorizers)]
        dense = np.asarray([_measures(turns[-1], turns[:-1]) for _, turns in conversations])
        model = LogisticRegression(C=REGULARIZATION, class_weight="balanced", max_iter=5000)
        model.fit(hstack([*parts, csr_matrix(dense)]).tocsr(),
                  [label for label, _ in conversations])
        return cls([v.vocabulary_ for v in vectorizers], [v.idf_ for v in vectorizers],
                   model.coef_, model.intercept_, [str(c) for c in model.classes_])

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> MoodModel:
        """A model as `as_arrays` kept it."""
        vocabularies = [{str(gram): i for i, gram in enumerate(arrays[f"grams{n}"])}
                        for n in range(len(_ANALYZERS))]
        features = sum(map(len, vocabularies)) + len(_measures("", []))
        labels = len(arrays["labels"])
        if arrays["coef"].shape != (labels, features) or arrays["intercept"].shape != (labels,):
            raise ValueError("kept coefficients do not match the vocabularies and measures")
        return cls(vocabularies, [arrays[f"idf{n}"] for n in range(len(_ANALYZERS))],
                   arrays["coef"], arrays["intercept"], [str(x) for x in arrays["labels"]])

    def as_arrays(self) -> dict[str, np.ndarray]:
        """What scoring needs, as arrays that can be saved and read back (`from_arrays`)."""
        arrays = {"coef": self._weights.T, "intercept": self._intercept,
                  "labels": np.asarray(self.labels)}
        for n, vocabulary in enumerate(self._vocabularies):
            arrays[f"grams{n}"] = np.asarray(sorted(vocabulary, key=vocabulary.__getitem__))
            arrays[f"idf{n}"] = np.asarray(self._idfs[n])
        return arrays

    def decision(self, text: str, earlier: list[str]) -> np.ndarray:
        """The model's score for each label (in `labels` order)."""
        columns: list[int] = []
        values: list[float] = []
        for n, part in enumerate(_texts(text, earlier)):
            found, weights = tfidf(_ANALYZERS[n](part), self._vocabularies[n], self._idfs[n])
            columns += [self._offsets[n] + column for column in found]
            values += weights
        measures = _measures(text, earlier)
        columns += range(self._offsets[-1], self._offsets[-1] + len(measures))
        return np.asarray(values + measures) @ self._weights[columns] + self._intercept

    def shares(self, text: str, earlier: list[str]) -> dict[str, float]:
        """Each label's share of the model's belief (the logistic regression's probabilities)."""
        scores = self.decision(text, earlier)
        exp = np.exp(scores - scores.max())
        return dict(zip(self.labels, (exp / exp.sum()).tolist(), strict=True))


def _vectorizers() -> list:  # type: ignore[type-arg]
    """The unfitted vectorizers of `_texts`, matching `_ANALYZERS` on normalized text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = {"analyzer": "char_wb", "ngram_range": CHAR_RANGE, "min_df": 2}
    words = {"analyzer": "word", "ngram_range": WORD_RANGE, "token_pattern": TOKEN_PATTERN}
    return [TfidfVectorizer(lowercase=False, sublinear_tf=True, **options)  # type: ignore[arg-type]
            for options in (chars, words, words)]


@lru_cache(maxsize=1)
def mood_model() -> MoodModel:
    """The model of the shipped conversations, trained once (or read as trained before)."""
    from graph.classifier_cache import cache_path, keep, kept

    with _LOCK:
        conversations = [(label, turns) for _, label, turns in read_conversations()]
        intents = [(intent, text) for _, intent, text in read_corpus()]
        recipe = [("mood", f"{FEATURES_VERSION} {REGULARIZATION} {EARLIER_TURNS}"),
                  ("features", _features_digest()),
                  ("intents", cache_path(intents, words=True).name),
                  *[(label, "\t".join(turns)) for label, turns in conversations]]
        path = cache_path(recipe, words=True)
        arrays = kept(path)
        if arrays is not None:
            try:
                return MoodModel.from_arrays(arrays)
            except (KeyError, ValueError, IndexError):
                pass  # kept by another version: train again
        model = MoodModel.train(conversations)
        keep(path, model.as_arrays())
        return model


def _features_digest() -> str:
    """A digest of everything a conversation is read as: the source of this module, of the
    strong words and of the n-grams (constants, patterns, `_measures` itself), and of
    `normalize`. A model kept before any of them changed is then never read back."""
    sources = [Path(str(module.__file__)).read_bytes() for module in (ngrams, strong_words)]
    sources += [Path(__file__).read_bytes(), inspect.getsource(normalize).encode("utf-8")]
    return hashlib.sha256(b"\0".join(sources)).hexdigest()
