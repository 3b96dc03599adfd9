"""Knowledge answers: Markdown articles searched with SQLite FTS5, in the customer's language
when the business wrote them in it."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[^\W_]+")
MAX_QUERY_CHARS = 1_000
MAX_TERMS = 24
"""A search reads at most this much of a question, and this many distinct words of it, so a
long question (from any model) costs no more than a short one."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STOPWORDS = frozenset(
    "a an and are can do does for from how i if in is it me my of on or the to what when "
    "where which who why will with you your we our us be have has there this that "
    # Spanish
    "el la los las un una unos de del al y o en que es por para con se su sus mi mis me "
    "lo le les como cuando donde qué cómo cuánto cuanto puedo puede si no hay tengo "
    # German
    "der die das den dem des ein eine einen einem und oder in im ist sind zu zum zur mit "
    "von vom für auf an am wie was wann wo ich mein meine mich mir sie es kann ich wir "
    # French
    "le la les un une des du de et ou en est sont pour par avec sur au aux ce cette mon ma mes "
    "je me vous nous il elle que qui quand comment combien où est-ce puis peut "
    # Portuguese
    "o os as um uma uns umas do da dos das e ou em no na nos nas é são para por com se seu sua "
    "meu minha eu me como quando onde quanto posso pode".split()
)
_PHRASES = (
    (re.compile(r"\b(?:send|take|bring|post|ship)\s++(?:\w++\s++){0,2}?back\b"), "return"),
    (re.compile(r"\b(?:money|cash)\s+back\b"), "refund"),
    (re.compile(r"\b(?:get here|arrive|turn up|come)\b"), "delivery"),
)
"""How customers say what the articles call a return, a refund, a delivery."""
LANGUAGE_FOLDERS = ("en", "es", "de", "fr", "pt")
"""Subfolders holding the articles in one language; the folder's own articles are the default
ones, searched when the customer's language has none (or none that matches)."""


@dataclass(frozen=True)
class Article:
    """A search hit: the article's title and the passage that matched."""

    title: str
    snippet: str


class KnowledgeBase:
    """An in-memory full-text index over a folder of Markdown articles.

    Each `*.md` file is one article; its first `# ` heading is the title.
    """

    def __init__(self, folder: Path) -> None:
        self._index = sqlite3.connect(":memory:", check_same_thread=False)
        self._shelves: dict[str, str] = {}
        """Each language's articles in an index of their own (so one language's words do not
        weigh on another's ranking): language ("" for the default articles) -> table."""
        folders = [("", folder), *((code, folder / code) for code in LANGUAGE_FOLDERS)]
        for language, place in folders:
            paths = sorted(place.glob("*.md"))
            if not paths:
                continue
            table = self._shelves[language] = f"articles_{language or 'default'}"
            self._index.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(title, body, "
                                "tokenize='porter unicode61 remove_diacritics 2')")
            for path in paths:
                title, body = _split_title(path)
                self._index.execute(f"INSERT INTO {table} (title, body) VALUES (?, ?)",
                                    (title, body))
        self._index.commit()

    def search(self, query: str, limit: int = 2, language: str | None = None) -> list[Article]:
        """The articles that best match a question, best first: those written in `language`
        when there are any that match, else the default ones."""
        lowered = query[:MAX_QUERY_CHARS].lower()
        words = list(dict.fromkeys(w for w in _WORD.findall(lowered)
                                   if w not in _STOPWORDS))[:MAX_TERMS]
        terms = list(dict.fromkeys(
            [*words, *(term for phrase, term in _PHRASES if phrase.search(lowered))]))
        if not terms:
            return []
        match = " OR ".join(f'"{term}"*' for term in terms)
        for shelf in dict.fromkeys([language or "", ""]):
            table = self._shelves.get(shelf)
            if table is None:
                continue
            rows = self._index.execute(
                f"SELECT title, body FROM {table} WHERE {table} MATCH ? "
                f"ORDER BY bm25({table}, 5.0, 1.0) LIMIT ?", (match, limit)).fetchall()
            if rows:
                return [Article(title=title, snippet=_best_passage(body, terms))
                        for title, body in rows]
        return []


def _best_passage(body: str, terms: list[str], sentences: int = 2) -> str:
    """The article's sentences that share most with the question, whole and in order: a word
    of the question counts for less the more sentences have it ("return" in a returns article
    says little; "personalised" says which sentence)."""
    found = [s.strip() for s in _SENTENCE.split(" ".join(body.split())) if s.strip()]
    words = [_WORD.findall(s.lower()) for s in found]
    having = [{t for t in terms if any(w.startswith(t[:5]) for w in said)} for said in words]
    weight = {t: 1 / sum(t in has for has in having) for t in set().union(*having)}

    def score(index: int) -> float:
        return sum(weight[t] for t in having[index])

    ranked = sorted(range(len(found)), key=lambda i: (-score(i), i))[:sentences]
    return " ".join(found[i] for i in sorted(ranked))


def _split_title(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip(), text.replace(line, "", 1).strip()
    return path.stem.replace("-", " ").title(), text
