"""The languages the agent serves, and which one a customer's message is written in."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from graph.classifier import language_classifier

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

    with _LOCK:
        identifier = langid.LanguageIdentifier.from_modelpath(
            Path(langid.__file__).parent / langid.MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(LANGUAGES + OTHER_LANGUAGES))
        return identifier


def load() -> None:
    """Load the language identifiers now rather than on the first message."""
    _identifier()
    language_classifier()


def detect_language(text: str, previous: str | None = None) -> str:
    """The language a message is written in: one of `LANGUAGES`, or of `OTHER_LANGUAGES`.

    Order ids, numbers, e-mail addresses and punctuation are left out; a message with too
    few letters left, or one the classifiers are unsure of, keeps the previous language. Which
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
    cleaned = " ".join(words).lower()
    if len(words) >= MIN_WORDS_FOR_OTHER:
        language, confidence = _identifier().classify(cleaned)
        if language not in LANGUAGES and confidence >= OTHER_CONFIDENCE:
            return str(language)
    language, share = language_classifier().probabilities(cleaned)[0]
    return language if share >= MIN_SHARE else fallback
