"""The postal address in a customer's message: street line, flat, city, postcode and country.

The street line is found by `graph/street_lines.py`, a flat by `graph/flats.py`, and the city,
postcode and country after it by `graph/address_places.py`; this module puts them together.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from graph.address_places import place_of
from graph.flats import flat_at_start, flat_before
from graph.limits import MAX_PARSED_CHARS
from graph.postcodes import postcode_in
from graph.street_lines import street_line


@dataclass(frozen=True)
class PostalAddress:
    """A postal address read from free text; fields the text lacks are None.

    Attributes:
        line1: Street and house number.
        city: Town or city.
        postcode: Postal or ZIP code.
        country: ISO 3166-1 alpha-2 code, or None when not stated.
        line2: Flat, suite or unit, when given.
    """

    line1: str
    city: str | None
    postcode: str | None
    country: str | None
    line2: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """Return the address as a plain dict, leaving out an empty line2."""
        data = asdict(self)
        if data["line2"] is None:
            del data["line2"]
        return data

    @property
    def missing(self) -> list[str]:
        """Names of the required fields that are still unknown."""
        return [name for name in ("city", "postcode", "country") if getattr(self, name) is None]



_SEPARATOR = re.compile(r"[,;\n]|\s[-–—/]\s")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ABBREVIATIONS = frozenset(
    "st str av ave avda apt apto ap appt nr no n nº n° dr rd blvd bd col pza esq dto izq dcha bl "
    "bat bât sr sra mt ft ln pl sq ct fl ste bldg jr r c tv cra sta sto hwy pkwy whg etc mr mrs "
    "ms prof gral pte vd esc pta dpto depto int".split()
)
"""Words a full stop shortens rather than ends a sentence after ("Av. Paulista")."""


_CORRECTION = re.compile(
    r"^[\s,;]*(?:not|instead of|rather than|no|nicht|statt|pas|n[ãa]o)\s+\d{1,4}[a-z]?\b[.,;]?"
    r"(?:\s*(?:the\s+)?same\s+(?:post\s?code|zip(?:\s+code)?))?",
    re.IGNORECASE)
"""A house number corrected right after the street ("19 Burton Road not 9. same postcode"),
which is not part of the city."""


_POSTCODE_REACH = 160
"""How far before the street a postcode is looked for."""
_NEGATED = re.compile(r"(?:\bnot|instead of|rather than|\bnicht|\bpas|\bn[ãa]o|\bno)\s*$",
                      re.IGNORECASE)


def _postcode_before(head: str) -> tuple[str, str | None] | None:
    """A postcode of a form that names its country, written before the street ("should be
    BN1 4GH not BN1 4HG. address is 56 Western Road, Brighton"), one not corrected away."""
    head, offset = head[-_POSTCODE_REACH:], 0
    while (found := postcode_in(head[offset:])) is not None:
        code, country, start, end = found
        if country is not None and not _NEGATED.search(head[max(0, offset + start - 15):
                                                            offset + start]):
            return code, country
        offset += end
    return None


def _sentence_end(tail: str) -> int:
    """Where the sentence holding the address ends ("... EX1 2AB. Can you ..." ends at "B")."""
    for match in _SENTENCE_END.finditer(tail):
        if match.group() != ".":
            return match.start()
        word = tail[max(0, match.start() - 12):match.start()].split()
        last = word[-1].lower() if word else ""
        ordinal = last.isdigit() and len(last) <= 2  # "3. OG"
        if last in _ABBREVIATIONS or last.endswith("str") or len(last) == 1 or ordinal:
            continue
        return match.start()
    return len(tail)


def extract_address(text: str) -> PostalAddress | None:
    """Return the postal address written in the text, or None when there is no street line.

    Reads the street line as each country writes it ("14 Harbour Road", "12 rue des Lilas",
    "Calle Mayor 12", "Rua das Flores 45", "Hauptstraße 5"), a flat before or after it, and
    the postcode and city in either order, with or without commas: UK postcodes, US state
    and ZIP, Brazilian and Portuguese postcodes with a hyphen, and 4-6 digit ones. A stated
    country becomes its ISO-2 code; a UK postcode, a US state and ZIP, a CEP or a
    Portuguese postcode imply GB, US, BR or PT when no country is named. The address ends
    with its sentence: what the customer writes after it is not taken into the city.
    """
    text = text[:MAX_PARSED_CHARS]
    return _address_in(text)


@lru_cache(maxsize=32)
def _address_in(text: str) -> PostalAddress | None:
    body = text.strip()
    found = street_line(body)
    if found is None:
        return None
    start, end, street_found = found
    line1 = " ".join(body[start:end].split()).strip(" ,")
    line2 = flat_before(body[:start])
    tail = _CORRECTION.sub(" ", body[end:], count=1)
    tail = tail[:_sentence_end(tail)]
    parts = [part.strip(" .\t") for part in _SEPARATOR.split(tail)]
    inline, parts = parts[0], [part for part in parts[1:] if part]
    if line2 is None and inline:
        line2, inline = flat_at_start(inline, whole=False)
    elif line2 is None and parts:
        line2, first = flat_at_start(parts[0], whole=True)
        parts = ([first] if first else []) + parts[1:]
    address = place_of(inline, parts)
    if address is None:
        return None if not street_found else PostalAddress(line1, None, None, None, line2)
    city, postcode, country = address
    if postcode is None and (earlier := _postcode_before(body[:start])):
        postcode, country = earlier[0], country or earlier[1]
    if postcode is None and not street_found:
        return None
    return PostalAddress(line1, city, postcode, country, line2)
