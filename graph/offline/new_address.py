"""The new delivery address a customer gives, as the address-change tool should receive it."""

from __future__ import annotations

import re
from typing import Any

from graph.addresses import PostalAddress, extract_address
from graph.catalogs import active_language
from graph.postcodes import likely_country


def new_address(address: PostalAddress, order_ids: list[str]) -> dict[str, Any]:
    """The address read from a message, without the request around its street line and with
    the country its postcode and the customer's language point at when none was named."""
    return _with_country(street_only(address.as_dict(), order_ids))


def _with_country(address: dict[str, Any]) -> dict[str, Any]:
    """An address with the country its postcode and the customer's language point at."""
    if address.get("country") or not address.get("postcode"):
        return address
    country = likely_country(str(address["postcode"]), active_language())
    return {**address, "country": country} if country else address


_LEAD_IN = re.compile(r"(?:\bto\b|\bis\b|:)\s*", re.I)
_REQUEST_WORDS = frozenset(
    "address change send ship deliver delivery order new moved my it the update of please "
    "redirect move instead can you could".split()
)


def street_only(address: dict[str, Any], order_ids: list[str]) -> dict[str, Any]:
    """Drop the request around a street line: "48390 to 10 Downing St" -> "10 Downing St"."""
    line1 = str(address.get("line1") or "")
    leads = list(_LEAD_IN.finditer(line1))
    if leads:
        before = line1[: leads[-1].start()]
        words = set(re.findall(r"[a-z]+", before.lower()))
        names_order = any(ch.isdigit() for ch in before)  # "48390 to 10 Downing St"
        if words & _REQUEST_WORDS or names_order:
            line1 = line1[leads[-1].end():]
    lowered = line1.lower()
    for order_id in [o for o in order_ids if o.lower() in lowered]:  # one pattern each
        line1 = re.sub(rf"#?\b{re.escape(order_id)}\b", " ", line1, flags=re.I)
    line1 = " ".join(line1.split()).strip(" ,;-")
    return {**address, "line1": line1} if line1 else address


def complete_address(partial: dict[str, Any], text: str) -> dict[str, Any] | None:
    """Fill an incomplete address from a follow-up such as "UK" or "SW1A 2AA"."""
    known = [partial.get(k) for k in ("line1", "line2", "city", "postcode", "country")]
    combined = extract_address(", ".join([str(v) for v in known if v] + [text]))
    if combined is None:
        return None
    merged = {k: v for k, v in combined.as_dict().items() if v}
    return {**merged, **{k: v for k, v in partial.items() if v}}
