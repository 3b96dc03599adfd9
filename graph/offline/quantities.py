"""Partial refunds by count: "only one of the 3 glasses was broken, they were 8 each"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "pair": 2, "couple": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "half": 0,
}
_COUNT = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a couple|a pair|half)"
_OF_THE = re.compile(rf"\b{_COUNT}\s+(?:out\s+)?of\s+(?:the|my|them|those|these|all)\b", re.I)
_ONLY = re.compile(rf"\b(?:only|just)\s+{_COUNT}\b(?!\s*(?:[.,]\d|%|days?|weeks?|[£$€]))", re.I)
# "one glass was broken", "2 plates arrived smashed", "a cup is chipped"
_COUNTED_NOUN = re.compile(
    rf"\b{_COUNT}\s+(?:[a-z]+\s+){{0,2}}?[a-z]+\s+(?:was|were|is|are|arrived|came|got|had)\b",
    re.I,
)
# A price starts at its currency sign or where its digits begin, never again inside them, and
# spaces are taken whole (possessive): two optional runs of spaces side by side would be split
# every possible way before giving up.
_EACH = re.compile(
    r"(?:[£$€]\s*+)?(?<!\d)(\d++(?:[.,]\d{1,2})?)\s*+"
    r"(?:(?:[£$€]|eur|euros?|usd|dollars?|gbp|pounds?|quid|bucks)\s*+)?"
    r"(?:each|apiece|a piece|per (?:piece|item|unit|one))\b"
    r"|\beach (?:one )?(?:was|is|cost|costs|were)\s*+(?:[£$€]\s*+)?(\d+(?:[.,]\d{1,2})?)",
    re.I,
)


def _count(word: str) -> int | None:
    word = word.lower().replace("a couple", "couple").replace("a pair", "pair")
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def units_affected(text: str) -> int | None:
    """How many pieces the customer says had a problem, when they say a count."""
    for pattern in (_OF_THE, _ONLY, _COUNTED_NOUN):
        if match := pattern.search(text):
            count = _count(match.group(1))
            if count:
                return count
    return None


def unit_price(text: str) -> Decimal | None:
    """A price per piece the customer states ("8 each", "each was £4.50")."""
    match = _EACH.search(text)
    if match is None:
        return None
    try:
        return Decimal((match.group(1) or match.group(2)).replace(",", "."))
    except InvalidOperation:
        return None


def partial_amount(order: dict[str, Any] | None, units: int, price: Decimal | None,
                   product_words: list[str] | None = None) -> str | None:
    """The refund for `units` pieces of an order, or None when it cannot be worked out.

    Args:
        order: The order's summary with its "lines" (name, qty, unit_price) or total.
        units: Pieces affected.
        price: A price per piece the customer stated, preferred over the order's.
        product_words: Words the customer used for the product, to pick the line.
    """
    if order is None:
        return None
    lines = [line for line in order.get("lines") or [] if int(line.get("qty") or 1) > 0]
    if product_words and len(lines) > 1:
        named = [line for line in lines
                 if any(w in str(line.get("name", "")).lower() for w in product_words)]
        lines = named or lines
    line = lines[0] if len(lines) == 1 else None
    if line is not None and units >= int(line.get("qty") or 1):
        return None  # every piece: a full refund of that line, not a part
    each = price
    if each is None and line is not None:
        each = _decimal(line.get("unit_price"))
        if each is None and len(order.get("lines") or []) == 1:
            total = _decimal(order.get("total"))
            each = total / int(line.get("qty") or 1) if total is not None else None
    if each is None:
        return None
    amount = each * units
    total = _decimal(order.get("total"))
    if total is not None and amount > total:
        return None
    return f"{amount:.2f}"


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
