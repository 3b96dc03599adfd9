"""An order picked by what it cost: "the £25 one", "the 18 dollar one", "the one for 33 euros".

A sum said this way describes an order the customer has seen; it is no sum asked for."""

from __future__ import annotations

import re
from typing import Any

from graph.limits import MAX_PARSED_CHARS
from graph.money import Amount, amount_spans
from graph.offline.quantities import decimal_of

_AFTER = re.compile(r"\s*(?:one|order|uno|una|pedido|compra|commande|encomenda|bestellung)\b",
                    re.I)
"""What follows a sum that describes an order: "the £25 one", "el pedido de 33 euros"."""
_BEFORE = re.compile(
    r"\b(?:(?:one|order|uno|una|pedido|compra|commande|encomenda|bestellung)"
    r"(?: (?:for|at|of|costing|that cost|which cost|de|für|zu|à))?"
    r"|(?:die|der|das|den|el|la|lo|le|celle|celui|o|a) (?:für|zu|von|de|à|por|do|da))\s*$",
    re.I)
"""What comes before one: "the one for £25", "the order at 18 dollars", "die für 95 Euro",
"la de 30 euros", "celle à 95 euros"."""
_MAX_WORDS = 8
"""Longer messages say more than which order they mean."""


def price_named(text: str) -> Amount | None:
    """The sum a short message describes an order by ("the £25 one"), or None."""
    return span[2] if (span := price_span(text)) else None


def price_span(text: str) -> tuple[int, int, Amount] | None:
    """Where a short message describes an order by a sum (start, end, the sum), or None."""
    text = text[:MAX_PARSED_CHARS]
    if len(text.split()) > _MAX_WORDS:
        return None
    spans = amount_spans(text)
    if len(spans) != 1:
        return None
    start, end, _amount = spans[0]
    if _AFTER.match(text, end) or _BEFORE.search(text[max(0, start - 30):start]):
        return spans[0]
    return None


def pick_by_total(text: str, pool: list[str], orders: list[dict[str, Any]]) -> str | None:
    """The one order among `pool` whose total is the sum the message describes it by."""
    named = price_named(text)
    if named is None:
        return None
    fitting = [str(order["id"]) for order in orders
               if str(order["id"]) in pool and decimal_of(order.get("total")) == named.value]
    return fitting[0] if len(fitting) == 1 else None

