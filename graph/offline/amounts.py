"""Sums of money the slot parser cannot hold: "-10", "0.001", "1e9", "0 euros"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# A number where one begins (never again inside it), with a minus sign or currency sign before
# it and an exponent after it allowed; its digits and separators are matched by one alternative
# each, so nothing is tried twice.
_NUMBER = re.compile(
    r"(?<![\w.,\-−])(?P<minus>[-−]?)(?P<sign>[£$€¥]?)(?P<minus_after>[-−]?)"
    r"(?P<num>\d++(?:[.,]\d++)?|[.,]\d++)(?P<exp>e[+-]?\d{1,9})?(?![\w.,]*\d)",
    re.I,
)
_CURRENCY_AFTER = re.compile(
    r"\s?(?:[£$€¥]|(?:eur|euros?|usd|dollars?|gbp|pounds?|quid|bucks|cad|aud|chf|yen)\b)", re.I)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class WrittenAmount:
    """A number written as a sum of money, kept as written for the refund tool to judge.

    Attributes:
        value: The number in the form `Decimal` reads: "-10", "0.001", "1e9", "0".
        start: Where it starts in the text (its currency sign included).
        end: Where it ends.
    """

    value: str
    start: int
    end: int


def unread_amounts(text: str, *, bare_zero: bool = False) -> list[WrittenAmount]:
    """Numbers meant as money that no refund can be: negative, in exponent form, under a cent.

    A plain zero counts when it has a currency ("0 euros", "€0") or when `bare_zero` is set,
    as when the customer was just asked for an amount.

    Args:
        text: The customer's message.
        bare_zero: Count a zero without a currency too.
    """
    found: list[WrittenAmount] = []
    for match in _NUMBER.finditer(text):
        digits = match["num"].replace(",", ".")
        negative = bool(match["minus"] or match["minus_after"])
        value = f"{'-' if negative else ''}{digits}{match['exp'] or ''}"
        odd = negative or bool(match["exp"]) or Decimal(digits) < _CENT
        has_currency = bool(match["sign"]) or bool(_CURRENCY_AFTER.match(text, match.end()))
        if odd and (Decimal(digits) != 0 or negative or has_currency or bare_zero):
            found.append(WrittenAmount(value, match.start(), match.end()))
    return found


def blank(text: str, amounts: list[WrittenAmount]) -> str:
    """The text with these amounts replaced by spaces, so no other parser reads them."""
    chars = list(text)
    for amount in amounts:
        chars[amount.start:amount.end] = " " * (amount.end - amount.start)
    return "".join(chars)
