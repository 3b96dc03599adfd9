"""Matching what a customer calls a product ("my lmap", "the shelf") to the items of orders."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import OSA

from graph.offline.intents import fold_accents
from graph.offline.lexicon import COMMON_WORDS, FUNCTION_WORDS, ITEM_SYNONYMS

PRODUCT_WORDS = Path(__file__).with_name("products.tsv")
"""Kinds of product and what customers call them in the five languages, one kind a line."""
_GERMAN = 2
"""The column of German words, which also end compounds ("Beistelltisch" ends in "tisch")."""
_MIN_COMPOUND_PART = 4


def _read_kinds(path: Path) -> tuple[dict[str, frozenset[int]], frozenset[str]]:
    """Each word with the kinds of product it names, and the German words among them."""
    groups = [[cell.split() for cell in line.split("\t")]
              for line in path.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    groups += [[list(group)] for group in ITEM_SYNONYMS]
    kinds: dict[str, set[int]] = {}
    german: set[str] = set()
    for index, cells in enumerate(groups):
        for column, cell in enumerate(cells):
            for word in map(fold_accents, cell):
                kinds.setdefault(word, set()).add(index)
                kinds.setdefault(stem(word), set()).add(index)
                if column == _GERMAN and len(word) >= _MIN_COMPOUND_PART:
                    german.add(word)
    return {word: frozenset(found) for word, found in kinds.items()}, frozenset(german)

# Words in product names that say little about which product it is.
_VAGUE = frozenset(
    "set pack piece pieces pcs pc kit size edition new classic original premium deluxe mini "
    "xs xl xxl small medium large regular standard model version type style item items".split()
)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Reduce a plural to its singular well enough for matching ("shelves" -> "shelf")."""
    if len(word) > 4 and word.endswith("ves"):
        return word[:-3] + "f"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _kinds_of(word: str) -> frozenset[int]:
    """The kinds of product a word names, a German compound by its last part."""
    if found := _KINDS.get(word):
        return found
    for start in range(_MIN_COMPOUND_PART - 1, len(word) - _MIN_COMPOUND_PART + 1):
        if word[start:] in _GERMAN_WORDS:
            return _KINDS[word[start:]]
    return frozenset()


@lru_cache(maxsize=8192)
def name_similarity(name_word: str, said: str) -> float:
    """How well a word the customer wrote names a word of a product name (0 when not)."""
    a, b = stem(name_word), stem(said)
    if a == b or _kinds_of(a) & _kinds_of(b):
        return 1.0
    if len(a) < 4 or len(b) < 3 or b in FUNCTION_WORDS:
        return 0.0
    if said not in COMMON_WORDS and (_misspelt(a, b) or _misspelt(name_word, said)):
        return 0.85  # "compas" stems to "compa"; "last" is a word, no typo of "cast"
    if len(b) >= 4 and a.endswith(b) and len(a) - len(b) >= 3:
        return 0.7  # "shelf" for "bookshelf", "phones" for "headphones"
    return 0.0


_KINDS, _GERMAN_WORDS = _read_kinds(PRODUCT_WORDS)


def _misspelt(a: str, b: str) -> bool:
    allowed = 1 if len(a) <= 7 else 2
    close = len(b) >= 4 and abs(len(a) - len(b)) <= allowed  # else the distance is larger
    return close and OSA.distance(a, b) <= allowed and (a[0] == b[0] or a[1:3] == b[1:3])


def said_words(words: list[str]) -> list[str]:
    """The customer's words plus adjacent pairs joined ("book shelf" -> "bookshelf")."""
    joined = [a + b for a, b in zip(words, words[1:], strict=False) if len(a) >= 3 and len(b) >= 3]
    return [w for w in words if w not in FUNCTION_WORDS] + joined


def _name_words(name: str) -> list[str]:
    words = [w for w in "".join(c if c.isalnum() else " " for c in name.lower()).split()]
    return [w for w in words if w not in FUNCTION_WORDS and w not in _VAGUE and not w.isdigit()]


def item_score(items: list[str], words: list[str]) -> float:
    """How strongly the words point at an order with these item names (0 when not at all)."""
    said = set(said_words(words))
    best = 0.0
    for name in items:
        name_words = _name_words(name)
        score = 0.0
        for index, name_word in enumerate(name_words):
            weight = 1.0 if index == len(name_words) - 1 else 0.6  # the head noun comes last
            score += weight * max((name_similarity(name_word, w) for w in said), default=0.0)
        best = max(best, score)
    return best


def orders_named(words: list[str], orders: list[dict[str, Any]]) -> list[str]:
    """Ids of the orders whose items the words name, best first; ties all included."""
    scored = [(item_score(order.get("items") or [], words), order["id"]) for order in orders]
    scored = [(score, order_id) for score, order_id in scored if score > 0]
    if not scored:
        return []
    top = max(score for score, _ in scored)
    return [order_id for score, order_id in scored if score >= top - 1e-9]
