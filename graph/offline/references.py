"""Resolving what the customer points at: an order id, "the second one", "the mug", "it"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.limits import MAX_PARSED_CHARS
from graph.offline.by_price import pick_by_total
from graph.offline.intents import VOCABULARY, tokenize
from graph.offline.items import orders_named
from graph.offline.lexicon import (
    BACK_REFERENCES,
    BY_DATE,
    DETERMINERS,
    FILLERS,
    FOLLOW_UP_OPENERS,
    FUNCTION_WORDS,
    MIDDLE,
    NOT_PRODUCTS,
    ORDINALS,
    STATUS_WORDS,
)
from graph.offline.state import DialogueState
from graph.offline.timing import pick_by_time

_COUNTED = frozenset("number no num option nr".split())
_AFTER_ORDINAL = frozenset("one order item purchase of on in".split())
_TIME_WORDS = frozenset("time times week weeks day days month year few couple".split())
_CARDINALS = frozenset("one two three four five six seven eight".split())
_ELSEWHERE = frozenset("other another different else orders all every each new".split())
_SHORT = 5
_NUMBERED = re.compile(r"#\s*(\d)\b")
# Words that tie a time phrase to an order: "the one from last week", "what I bought monday".
_PLACED = frozenset("one order ordered bought placed purchased from got made".split())
_OTHER = frozenset("other".split())
_ID_LETTERS = 3
"""Letters an order id may open with, when the customer puts a space after them."""


@dataclass(frozen=True)
class Mention:
    """The order a message points at without writing its number.

    Attributes:
        order_id: The order meant, when it is clear.
        by: How it was picked: "position" in the last list, "product" named, "pronoun"
            ("it", "that order") or "context" (a short follow-up about the order in focus).
        product: A product the customer named that matches no single order seen yet
            ("the sofa"); "" when several orders hold it.
        follow_up: The message carries on from the last one ("and the mug?", "what about it").
    """

    order_id: str | None = None
    by: str = ""
    product: str | None = None
    follow_up: bool = False

    @property
    def strong(self) -> bool:
        """The order was picked by position or product, not only by "it" or context."""
        return self.by in ("position", "product")


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


def known_ids_in(text: str, known: list[str]) -> list[str]:
    """Tokens that are exactly one of the customer's order ids, even without the word order,
    or written with a space after its letters ("vb 52012" for VB-52012)."""
    tokens = re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", text[:MAX_PARSED_CHARS])
    canonical = {_canonical(k): k for k in known}
    found = []
    for before, token in zip(["", *tokens], tokens, strict=False):
        spaced = before + token if before.isalpha() and len(before) <= _ID_LETTERS else ""
        for written in (token, spaced):
            if any(map(str.isdigit, written)) and (c := _canonical(written)) in canonical:
                found.append(canonical[c])
    return found


def resolve_order_ids(candidates: list[str], known_ids: list[str]) -> list[str]:
    """Map what the customer wrote onto known ids where possible, keeping the rest as written."""
    resolved: dict[str, None] = {}
    for candidate in candidates:
        resolved.setdefault(match_known_id(candidate, known_ids) or candidate)
    return list(resolved)


def _position(words: list[str], index: int, strict: bool) -> int | None:
    word = words[index]
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    counted = before in _COUNTED or (word.isdigit() and len(words) == 1)
    if word.isdigit() and len(word) == 1:
        return int(word) if counted or not strict or len(words) <= 4 else None
    if word not in ORDINALS:
        return None
    if word in _CARDINALS and strict and not counted:
        return None
    if strict and not counted and len(words) > 4 and after not in _AFTER_ORDINAL:
        if before != "the" or after in _TIME_WORDS:
            return None
    return ORDINALS[word]


def pick_by_position(
    words: list[str], options: list[str], orders: list[dict[str, Any]], *, strict: bool = False
) -> str | None:
    """The option picked by "the second one", "number 3", "the last", "the newest".

    Args:
        words: The customer's words.
        options: Order ids as shown to the customer.
        orders: Known order summaries, for picking by date.
        strict: Count a number only when it is plainly a position, as when no list was just
            shown; otherwise any ordinal or single digit counts.
    """
    for index, word in enumerate(words):
        if word in BY_DATE and options:
            dated = [o for o in orders if o["id"] in options and o.get("placed_at")]
            if len(dated) == len(options):
                dated.sort(key=lambda o: str(o["placed_at"]), reverse=BY_DATE[word] > 0)
                return str(dated[0]["id"])
            return options[0] if BY_DATE[word] > 0 else options[-1]
        if word in MIDDLE and len(options) % 2 == 1:
            return options[len(options) // 2]
        position = _position(words, index, strict)
        if position is None:
            continue
        slot = position - 1 if position > 0 else len(options) + position
        if 0 <= slot < len(options):
            return options[slot]
    return None


def _by_description(
    words: list[str], options: list[str], orders: list[dict[str, Any]]
) -> str | None:
    """Pick the single offered order whose products or status the words name."""
    offered = [order for order in orders if order["id"] in options]
    named = orders_named(words, offered)
    if len(named) == 1:
        return named[0]
    statuses = {STATUS_WORDS[w] for w in words if w in STATUS_WORDS}
    pool = [o for o in offered if o["id"] in named] if named else offered
    fitting = [o["id"] for o in pool if statuses and o.get("status") in statuses]
    return fitting[0] if len(fitting) == 1 else None


def choose_option(
    text: str, candidates: list[str], options: list[str], orders: list[dict[str, Any]],
    *, shown: bool = True,
) -> str | None:
    """Return the offered order the customer picked, or None when the text does not pick one.

    Args:
        text: The customer's message.
        candidates: Order ids extracted from the message.
        options: Order ids the customer was asked to choose from, in the order shown.
        orders: Known order summaries (ids, items, status).
        shown: Whether the customer saw the options when writing; if not, a number in the
            message ("Flat 2") is no position in a list.
    """
    words = [t.text for t in tokenize(_NUMBERED.sub(r"number \1", text))]
    for candidate in candidates + [w.upper() for w in words if any(c.isdigit() for c in w)]:
        if chosen := match_known_id(candidate, options):
            return chosen
    return (_by_description(words, options, orders) or pick_by_total(text, options, orders)
            or pick_by_time(words, options, orders)
            or (pick_by_position(words, options, orders) if shown else None))


def _the_other(words: list[str], pool: list[str], current: str | None) -> str | None:
    """ "The other one" when two orders are in play and one of them was just discussed."""
    if not _OTHER & set(words) or current not in pool or len(pool) != 2:
        return None
    return next(order_id for order_id in pool if order_id != current)


def named_product(words: list[str]) -> str | None:
    """A word that names a product after "the", "my", "that"..., if one is there."""
    for before, word in zip(words, words[1:], strict=False):
        if before not in DETERMINERS or len(word) < 3 or word.isdigit():
            continue
        if word in FUNCTION_WORDS or word in VOCABULARY or word in NOT_PRODUCTS:
            continue
        if word in ORDINALS or word in BY_DATE or word in STATUS_WORDS:
            continue
        return word
    return None


def find_mention(text: str, state: DialogueState) -> Mention:
    """Work out which remembered order a message means without naming its number."""
    words = [t.text for t in tokenize(_NUMBERED.sub(r"number \1", text))]
    opening = next((i for i, w in enumerate(words) if w not in FILLERS), len(words))
    lowered = " ".join(words[opening:])
    follow_up = any(lowered == o or lowered.startswith(o + " ") for o in FOLLOW_UP_OPENERS)
    focus = state.focus or state.slots.get("order_id")
    pool = state.listed or [str(o["id"]) for o in state.orders]
    if other := _the_other(words, pool, focus):
        return Mention(other, "position", None, follow_up)
    if picked := pick_by_total(text, pool, state.orders):  # "the £25 one"
        return Mention(picked, "position", None, follow_up)
    if _PLACED & set(words) and (dated := pick_by_time(words, pool, state.orders)):
        return Mention(dated, "position", None, follow_up)
    if state.listed and (picked := pick_by_position(words, state.listed, state.orders,
                                                    strict=True)):
        return Mention(picked, "position", None, follow_up)
    named = orders_named(words, state.orders)
    if len(named) == 1:
        return Mention(named[0], "product", None, follow_up)
    product = named_product(words)
    if named or product:
        return Mention(None, "", product or "", follow_up)
    points_back = bool(set(words) & BACK_REFERENCES) or "the order" in lowered
    # A short follow-up such as "tracking number?" carries on with the order in focus.
    elliptic = len(words) <= _SHORT and not set(words) & _ELSEWHERE
    if focus and (points_back or elliptic):
        return Mention(focus, "pronoun" if points_back else "context", None, follow_up)
    return Mention(None, "", None, follow_up)
