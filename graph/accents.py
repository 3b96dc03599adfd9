"""Letters without their accents, so that "sartén" and "sarten", "Überweisung" and
"uberweisung" are one word to the readers."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """The text with its combining marks dropped ("Où" -> "Ou"); other letters unchanged."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
