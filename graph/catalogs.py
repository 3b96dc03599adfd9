"""Message catalogs: the fixed texts the agent says, in the language of the conversation.

Texts are written in English in the code, wrapped in `_()` (or marked with `N_()` where they
are defined as constants and translated where they are used), and translated from the gettext
catalogs in `graph/locale/<language>/LC_MESSAGES/<domain>.po`, read with Babel. The language a
text comes out in is the one made active for the turn with `speaking(language)`.

    with speaking("de"):
        reply = _("Which order is this about?")
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from graph.languages import DEFAULT_LANGUAGE

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAINS = ("agent", "offline")
"""One catalog per package of texts: the graph's nodes, and the offline model's replies."""
_ACTIVE: ContextVar[str] = ContextVar("caseloop_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=32)
def translations(language: str) -> gettext.NullTranslations:
    """The catalogs of one language, chained; English (the source language) as they are."""
    chained: gettext.NullTranslations = gettext.NullTranslations()
    for domain in reversed(DOMAINS):
        path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain=domain)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        found = gettext.GNUTranslations(compiled)
        found.add_fallback(chained)
        chained = found
    return chained


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Make `language` the one fixed texts come out in, for the code run inside."""
    token = _ACTIVE.set(language)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_language() -> str:
    """The language fixed texts come out in now."""
    return _ACTIVE.get()


def _(message: str) -> str:
    """Translate a text into the active language."""
    return translations(_ACTIVE.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a text whose wording depends on a count."""
    return translations(_ACTIVE.get()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark a constant text for translation where it is used; returns it unchanged."""
    return message


def in_language(message: str, language: str) -> str:
    """Translate a text into a given language, whatever is active."""
    return translations(language).gettext(message)
