"""Knowledge answers: Markdown articles searched with SQLite FTS5."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_CHARS = 1_000
MAX_TERMS = 24
"""A search reads at most this much of a question, and this many distinct words of it, so a
long question (from any model) costs no more than a short one."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STOPWORDS = frozenset(
    "a an and are can do does for from how i if in is it me my of on or the to what when "
    "where which who why will with you your we our us be have has there this that".split()
)


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
        self._index.execute("CREATE VIRTUAL TABLE articles USING fts5(title, body, "
                            "tokenize='porter unicode61')")
        for path in sorted(folder.glob("*.md")):
            title, body = _split_title(path)
            self._index.execute("INSERT INTO articles (title, body) VALUES (?, ?)", (title, body))
        self._index.commit()

    def search(self, query: str, limit: int = 2) -> list[Article]:
        """The articles that best match a question, best first."""
        words = _WORD.findall(query[:MAX_QUERY_CHARS].lower())
        terms = list(dict.fromkeys(w for w in words if w not in _STOPWORDS))[:MAX_TERMS]
        if not terms:
            return []
        match = " OR ".join(f'"{term}"*' for term in terms)
        rows = self._index.execute(
            "SELECT title, body FROM articles WHERE articles MATCH ? "
            "ORDER BY bm25(articles, 5.0, 1.0) LIMIT ?",
            (match, limit),
        ).fetchall()
        return [Article(title=title, snippet=_best_passage(body, terms)) for title, body in rows]


def _best_passage(body: str, terms: list[str], sentences: int = 2) -> str:
    """The article's sentences that share most words with the question, whole and in order."""
    found = [s.strip() for s in _SENTENCE.split(" ".join(body.split())) if s.strip()]

    def hits(sentence: str) -> int:
        words = _WORD.findall(sentence.lower())
        return sum(any(w.startswith(t[:5]) for w in words) for t in terms)

    ranked = sorted(range(len(found)), key=lambda i: (-hits(found[i]), i))[:sentences]
    return " ".join(found[i] for i in sorted(ranked))


def _split_title(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip(), text.replace(line, "", 1).strip()
    return path.stem.replace("-", " ").title(), text
