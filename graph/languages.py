"""The languages the agent serves, and which one a customer's message is written in."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

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
MIN_LETTERS = 12
"""Shorter messages ("ok", "G7731", "sí") keep the language the customer wrote in before."""
MIN_CONFIDENCE = 0.9
MIN_WORDS_FOR_OTHER = 4
"""A language the agent does not serve is believed only on a sentence, not a word or two."""
_NOT_WORDS = re.compile(r"\S*[\d@/#]\S*|[^\w\s]")
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
    """Load the language identifier now rather than on the first message."""
    _identifier()


def detect_language(text: str, previous: str | None = None) -> str:
    """The language a message is written in: one of `LANGUAGES`, or of `OTHER_LANGUAGES`.

    Order ids, numbers, e-mail addresses and punctuation are left out; a message with too
    few letters left, or one the identifier is unsure of, keeps the previous language.

    Args:
        text: The customer's message (read up to its first 1,000 characters).
        previous: The language of the conversation so far, if known.
    """
    fallback = previous if previous in LANGUAGES else DEFAULT_LANGUAGE
    words = _NOT_WORDS.sub(" ", text[:1000]).split()
    if sum(len(word) for word in words) < MIN_LETTERS:
        return fallback
    language, confidence = _identifier().classify(" ".join(words).lower())
    if confidence < MIN_CONFIDENCE:
        return fallback
    if language not in LANGUAGES and len(words) < MIN_WORDS_FOR_OTHER:
        return fallback
    return str(language)
