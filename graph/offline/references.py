"""Resolving what the customer points at: an order id, "the second one", "the mug one"."""

from __future__ import annotations

import re
from typing import Any

from graph.offline.intents import tokenize, word_similarity
from graph.offline.lexicon import ORDINALS, STATUS_WORDS


def _canonical(order_id: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", order_id.upper())


def match_known_id(candidate: str, known_ids: list[str]) -> str | None:
    """Return the known order id the candidate names ("a1001", "1001", "#A-1001"), if any."""
    wanted = _canonical(candidate)
    for known in known_ids:
        if _canonical(known) == wanted:
            return known
    if wanted.isdigit() and len(wanted) >= 3:
        suffixed = [k for k in known_ids if re.sub(r"\D", "", k) == wanted]
        if len(suffixed) == 1:
            return suffixed[0]
    return None


def resolve_order_ids(candidates: list[str], known_ids: list[str]) -> list[str]:
    """Map what the customer wrote onto known ids where possible, keeping the rest as written."""
    resolved: list[str] = []
    for candidate in candidates:
        order_id = match_known_id(candidate, known_ids) or candidate
        if order_id not in resolved:
            resolved.append(order_id)
    return resolved


def _by_ordinal(words: list[str], options: list[str]) -> str | None:
    for word in words:
        position = ORDINALS.get(word)
        if position is None and word.isdigit() and len(word) == 1:
            position = int(word)
        if position is None:
            continue
        index = position - 1 if position > 0 else len(options) + position
        if 0 <= index < len(options):
            return options[index]
    return None


def _by_description(
    words: list[str], options: list[str], orders: list[dict[str, Any]]
) -> str | None:
    """Pick the single offered order whose item names or status the words mention."""
    scores: dict[str, float] = {}
    for order in orders:
        if order["id"] not in options:
            continue
        item_words = {w.text for name in order.get("items", []) for w in tokenize(name)}
        item_words = {w for w in item_words if len(w) >= 3}
        score = sum(
            max((word_similarity(item, w) for w in words), default=0.0) for item in item_words
        )
        status_hits = [STATUS_WORDS[w] for w in words if w in STATUS_WORDS]
        if status_hits and order.get("status") in status_hits:
            score += 0.9
        if score:
            scores[order["id"]] = score
    if not scores:
        return None
    best = max(scores.values())
    winners = [order_id for order_id, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else None


def choose_option(
    text: str, candidates: list[str], options: list[str], orders: list[dict[str, Any]]
) -> str | None:
    """Return the offered order the customer picked, or None when the text does not pick one.

    Args:
        text: The customer's message.
        candidates: Order ids extracted from the message.
        options: Order ids the customer was asked to choose from, in the order shown.
        orders: Known order summaries (ids, items, status).
    """
    words = [t.text for t in tokenize(text)]
    for candidate in candidates + [w.upper() for w in words if any(c.isdigit() for c in w)]:
        if chosen := match_known_id(candidate, options):
            return chosen
    return _by_description(words, options, orders) or _by_ordinal(words, options)
