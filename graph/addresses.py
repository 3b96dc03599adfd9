"""The postal address in a customer's message: street line, flat, city, postcode and country."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from graph.limits import MAX_PARSED_CHARS


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


UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.I)
"""A UK postcode ("NW1 6XE"), which also marks digits that are never an order id or code."""
_COUNTRIES = {
    "uk": "GB", "u.k.": "GB", "gb": "GB", "united kingdom": "GB", "great britain": "GB",
    "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "us": "US", "u.s.": "US",
    "usa": "US", "u.s.a.": "US", "united states": "US", "united states of america": "US",
    "america": "US", "canada": "CA", "ca": "CA", "germany": "DE", "deutschland": "DE", "de": "DE",
    "france": "FR", "fr": "FR", "spain": "ES", "españa": "ES", "es": "ES", "italy": "IT",
    "italia": "IT", "it": "IT", "netherlands": "NL", "holland": "NL", "nl": "NL",
    "belgium": "BE", "austria": "AT", "switzerland": "CH", "ireland": "IE", "ie": "IE",
    "portugal": "PT", "poland": "PL", "sweden": "SE", "denmark": "DK", "norway": "NO",
    "finland": "FI", "australia": "AU", "au": "AU", "new zealand": "NZ", "japan": "JP",
    "mexico": "MX", "brazil": "BR", "india": "IN",
}
_US_STATE_ZIP = re.compile(r"\b([A-Z]{2})\s+(\d{5}(?:-\d{4})?)\b")
_GENERIC_POSTCODE = re.compile(r"(?<![\w-])(\d{4}\s?[A-Z]{2}(?![\w])|\d{4,6}(?:-\d{4})?)(?![\w-])")
_LINE2 = re.compile(r"^(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|building|bldg|#)\b", re.I)
_STREET_WORD = re.compile(
    r"(?:stra(?:ß|ss)e|str\.|weg|gasse|platz|allee)\s*\d|"
    r"\w(?:straat|laan|gracht|plein|gade|gatan|vej|stra(?:ß|ss)e|weg|gasse|platz|allee)\b|"
    r"\b(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|boulevard|blvd|place|pl|close|court|"
    r"ct|square|sq|terrace|crescent|rue|via|calle)\b",
    re.I,
)
# A house number, or a street name run together with its word ("Hauptstraße 5"), which is
# looked for only where a run of letters begins, not again from each letter inside it.
_STREET_START = re.compile(
    r"(?<![\w#-])\d+[A-Za-z]?\s+(?=[^\W\d])|"
    r"(?<![^\W\d])[^\W\d]+(?:stra(?:ß|ss)e|str\.|weg|gasse|platz|allee)\s*\d",
    re.I,
)


def _find_country(segment: str) -> tuple[str | None, str]:
    """A country named in the address's last segment, and the words before it.

    Words after the country ("France instead?", "UK please") are dropped.
    """
    words = segment.split()
    for start in range(len(words)):
        for size in (3, 2, 1):
            candidate = " ".join(words[start:start + size]).strip("?!.")
            if start + size <= len(words) and (code := _country_of(candidate)):
                return code, " ".join(words[:start])
    return None, segment


def _street_start(body: str) -> int | None:
    """Where the street line begins: the first house number followed by a street word."""
    starts = [m.start() for m in _STREET_START.finditer(body)]
    searched_to = -1  # the end of a comma-separated part already searched in vain
    for start in starts:
        if start < searched_to:
            continue  # a later start in that part finds no street word either
        end = body.find(",", start)
        searched_to = len(body) if end < 0 else end
        if _STREET_WORD.search(body[start:searched_to]):
            return start
    return starts[0] if starts else None


def _country_of(segment: str) -> str | None:
    return _COUNTRIES.get(segment.strip(" .").lower())


def extract_address(text: str) -> PostalAddress | None:
    """Return the postal address written in the text, or None when there is no street line.

    The street line starts at the first house number followed by a street word (or a
    German-style "Hauptstraße 5"). Handles comma-separated addresses with UK postcodes,
    US state and ZIP, or a generic 4-5 digit postcode before or after the city. A stated
    country becomes its ISO-2 code; a UK postcode or a US state and ZIP imply GB or US
    when no country is named.
    """
    text = text[:MAX_PARSED_CHARS]
    return _address_in(text)


@lru_cache(maxsize=32)
def _address_in(text: str) -> PostalAddress | None:
    body = text.strip().rstrip(".!")
    start = _street_start(body)
    if start is None:
        return None
    parts = [part.strip() for part in re.split(r",|\n|;", body[start:]) if part.strip()]
    if not parts or not re.search(r"\d", parts[0]):
        return None
    line1, rest = parts[0], parts[1:]
    line2 = None
    if rest and _LINE2.match(rest[0]):
        line2, rest = rest[0], rest[1:]
    country = postcode = inferred = None
    if rest:
        country, before = _find_country(rest[-1])
        rest = rest[:-1] + ([before] if before else [])
    remainder = ", ".join(rest)
    if match := UK_POSTCODE.search(remainder):
        if not match.group(1).isdigit():
            postcode, inferred = f"{match.group(1)} {match.group(2)}".upper(), "GB"
            remainder = remainder[: match.start()] + remainder[match.end():]
    if postcode is None and (match := _US_STATE_ZIP.search(remainder)):
        postcode, inferred = match.group(2), "US"
        remainder = remainder[: match.start()] + remainder[match.end():]
    if postcode is None and (match := _GENERIC_POSTCODE.search(remainder)):
        postcode = match.group(1)
        remainder = remainder[: match.start()] + remainder[match.end():]
    city_parts = [p.strip(" .") for p in remainder.split(",") if p.strip(" .")]
    city = " ".join(city_parts[0].split()) if city_parts else None
    if postcode is None and not _STREET_WORD.search(line1):
        return None
    return PostalAddress(line1, city, postcode, country or inferred, line2)
