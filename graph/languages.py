"""The languages the agent serves, and which one a customer's message is written in."""

from __future__ import annotations

import re
import threading
from array import array
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

from graph.classifier import language_classifier
from graph.classifier_cache import keep, kept, kept_path

LANGUAGES = ("en", "es", "de", "fr", "pt")
"""Languages the agent reads and answers in; the first is the default."""
DEFAULT_LANGUAGE = LANGUAGES[0]
OTHER_LANGUAGES = ("it", "nl", "pl", "tr", "sv", "da", "ro", "ca")
"""Languages recognized only to tell the customer, in their language, which ones are served."""
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "de": "German", "fr": "French", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "sv": "Swedish",
    "da": "Danish", "ro": "Romanian", "ca": "Catalan",
}
MIN_LETTERS = 8
"""Shorter messages ("ok", "G7731", "sí") keep the language the customer wrote in before."""
MIN_SHARE = 0.6
"""Below this share of the language classifier's belief, the previous language is kept."""
OTHER_CONFIDENCE = 0.95
MIN_WORDS_FOR_OTHER = 4
"""A language the agent does not serve is believed only on a sentence, not a word or two."""
_MARKED = re.compile(r"[\d@/#]")
"""A word with one of these is an id, an amount, an address or a link, in no language."""
_PUNCTUATION = re.compile(r"[^\w\s]")
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    """py3langid's identifier, restricted to the languages above (loaded once, on first use)."""
    import py3langid.langid as langid

    served = list(LANGUAGES + OTHER_LANGUAGES)
    with _LOCK:
        path = kept_path("langid", [version("py3langid"), langid.MODEL_FILE, served])
        arrays = kept(path)
        if arrays is not None:
            try:
                return _from_arrays(langid.LanguageIdentifier, arrays)
            except Exception:  # noqa: BLE001 - kept by another version, or damaged: read again
                pass
        identifier = langid.LanguageIdentifier.from_modelpath(
            Path(langid.__file__).parent / langid.MODEL_FILE, norm_probs=True)
        identifier.set_languages(served)
        keep(path, _as_arrays(identifier))
        return identifier


def _as_arrays(identifier):  # type: ignore[no-untyped-def]
    """What the identifier needs for the served languages, uncompressed: the shipped model is
    LZMA-compressed, and decompressing it costs about half a second at every start."""
    return {"ptc": identifier.nb_ptc, "pc": identifier.nb_pc,
            "classes": np.array(identifier.nb_classes),
            "nextmove": _unsigned(identifier.tk_nextmove), "row": _unsigned(identifier.tk_row),
            "output": np.array(identifier.tk_output, dtype=np.int64)}


def _from_arrays(identifier_class, arrays):  # type: ignore[no-untyped-def]
    """An identifier as `_as_arrays` kept it."""
    return identifier_class(arrays["ptc"], arrays["pc"], arrays["classes"].tolist(),
                            _packed(arrays["nextmove"]), arrays["output"].tolist(),
                            norm_probs=True, tk_row=_packed(arrays["row"]))


def _unsigned(packed: array) -> np.ndarray:
    return np.frombuffer(packed, dtype=f"u{packed.itemsize}")


def _packed(values: np.ndarray) -> array:
    packed = array({2: "H", 4: "I", 8: "Q"}[values.dtype.itemsize])
    packed.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
    return packed


def load() -> None:
    """Load the language identifiers now rather than on the first message."""
    _identifier()
    language_classifier()


def detect_language(text: str, previous: str | None = None) -> str:
    """The language a message is written in: one of `LANGUAGES`, or of `OTHER_LANGUAGES`.

    Order ids, numbers, e-mail addresses and punctuation are left out; a message with too
    few letters left, one of names and numbers only (an address: "Bahnhofstrasse 12, 8001
    Zürich"), or one the classifiers are unsure of, keeps the previous language. Which
    served language it is comes from a classifier trained on the corpus of customer messages;
    py3langid, which knows many more, tells when a sentence is in one the agent does not serve.

    Args:
        text: The customer's message (read up to its first 1,000 characters).
        previous: The language of the conversation so far, if known.
    """
    fallback = previous if previous in LANGUAGES else DEFAULT_LANGUAGE
    words = _PUNCTUATION.sub(" ", " ".join(
        word for word in text[:1000].split() if not _MARKED.search(word))).split()
    if sum(len(word) for word in words) < MIN_LETTERS:
        return fallback
    if _MARKED.search(text[:1000]) and all(word[:1].isupper() for word in words):
        return fallback  # "8001 Zürich, Switzerland": the names of a place, not a language
    cleaned = " ".join(words).lower()
    if len(words) >= MIN_WORDS_FOR_OTHER:
        language, confidence = _identifier().classify(cleaned)
        if language not in LANGUAGES and confidence >= OTHER_CONFIDENCE:
            return str(language)
    language, share = language_classifier().probabilities(cleaned)[0]
    return language if share >= MIN_SHARE else fallback
