"""Postcodes and country names as customers write them: the formats of the UK, the US, Brazil,
Portugal and the 4-6 digit ones, and country names in the five served languages."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from graph.accents import strip_accents

UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.I)
"""A UK postcode ("NW1 6XE"), which also marks digits that are never an order id or code."""
SHIPPING_COUNTRIES = ("GB", "US", "CA", "DE", "AT", "CH", "FR", "ES", "PT", "BR", "MX", "IT", "NL",
                      "BE", "IE", "PL", "SE", "DK", "NO", "FI", "AU", "NZ", "JP", "IN", "AR",
                      "CL", "CO", "PE", "LU")
"""The countries an address may name, by ISO code."""
_NAMES_IN = ("en", "es", "de", "fr", "pt")
_COLLOQUIAL = {
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "inglaterra": "GB", "angleterre": "GB", "us": "US",
    "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "united states of america": "US",
    "eeuu": "US", "ee.uu.": "US", "eua": "US", "grande-bretagne": "GB", "holland": "NL",
    "nederland": "NL",
}


@cache
def _country_names() -> dict[str, str]:
    """Each shipping country's name in the five languages (CLDR, through Babel), with and
    without accents, its ISO code in lower case, and the colloquial names above. Built on the
    first address read, not at start: loading five locales' data costs about 0.1 s."""
    names: dict[str, str] = {code.lower(): code for code in SHIPPING_COUNTRIES}
    for language in _NAMES_IN:
        territories = Locale.parse(language).territories
        for code in SHIPPING_COUNTRIES:
            name = territories[code].lower()
            plain = strip_accents(name)
            names |= {name: code, plain: code, name.replace("-", " "): code,
                      name.replace("ö", "oe"): code}
    return names | _COLLOQUIAL

_CAPITALS_ONLY = frozenset("gb us ca de at ch fr es pt br mx it nl ie au".split())
"""Two-letter codes that are also words ("de", "es", "it", "us"): a country only in capitals,
or when they are the whole part ("..., us")."""
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)
"""US states by their postal codes ("NY 10118")."""
BR_STATES = frozenset(
    "AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split()
)
"""Brazilian states by their codes ("São Paulo - SP")."""
_US_STATE_ZIP = re.compile(r"\b([A-Za-z]{2})\.?,?[ \t]{1,3}(\d{5}(?:-\d{4})?)\b")
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_CEP = re.compile(r"(?<![\w-])\d{5}-\d{3}(?![\w-])")
"""A Brazilian CEP ("01310-100")."""
_PT_POSTCODE = re.compile(r"(?<![\w-])\d{4}-\d{3}(?![\w-])")
"""A Portuguese postcode ("1200-195")."""
_GENERIC_POSTCODE = re.compile(r"(?<![\w-])(\d{4}\s?[A-Z]{2}(?![\w])|\d{4,6}(?:-\d{4})?)(?![\w-])")
"""A Dutch postcode ("1017 GJ") or one of 4-6 digits ("10115", "1010", "400001")."""


def country_of(segment: str) -> str | None:
    """The ISO-2 code of the country a whole segment names ("Deutschland", "UK"), or None.

    A two-letter code that is also a word ("de", "es", "it") counts only in capitals.
    """
    key = segment.strip(" .,").lower()
    if key in _CAPITALS_ONLY and not segment.strip(" .,").isupper():
        return None
    names = _country_names()
    return names.get(key) or names.get(segment.strip(" ,").lower())


def find_country(segment: str, whole_part: bool) -> tuple[str | None, str]:
    """A country named in the address's last segment, and the words before it.

    Words after the country ("France instead?", "UK please") are dropped; a country word
    inside a city's name ("Ciudad de México", "Mexico City") and a US state before its ZIP
    ("CA 94105") are not a country.

    Args:
        segment: The last comma-separated part of an address.
        whole_part: The segment is a part of its own, so "us" alone is the country.

    Returns:
        The ISO-2 code or None, and the words before the country (the whole segment when
        there is none).
    """
    if whole_part and (code := _country_names().get(segment.strip(" .").lower())):
        return code, ""
    words = segment.split()
    for start in range(len(words)):
        for size in (3, 2, 1):
            if start + size > len(words):
                continue
            candidate = " ".join(words[start:start + size]).strip("?!")
            code = country_of(candidate)
            before = words[start - 1].lower() if start else ""
            after = words[start + size].lower() if start + size < len(words) else ""
            if code and before not in ("de", "of", "do", "da") and after not in ("city",) \
                    and not is_state_before_zip(candidate, after):
                return code, " ".join(words[:start])
    return None, segment


def is_state_before_zip(word: str, following: str) -> bool:
    """True for a US state written before its ZIP code ("CA 94105"), which is no country."""
    word = word.strip(" .,")
    return word.isupper() and word in US_STATES and bool(_ZIP.fullmatch(following.strip(" .,")))


def postcode_in(segment: str) -> tuple[str, str | None, int, int] | None:
    """The first postcode in a segment, the country its form implies, and where it stands.

    UK postcodes imply GB, a US state and ZIP imply US, a CEP ("01310-100") BR and a
    hyphenated Portuguese postcode ("1200-195") PT; a 4-6 digit one implies nothing.

    Returns:
        (postcode, country or None, start, end), or None when the segment holds none.
    """
    if (match := UK_POSTCODE.search(segment)) and not match.group(1).isdigit():
        return f"{match.group(1)} {match.group(2)}".upper(), "GB", match.start(), match.end()
    for match in _US_STATE_ZIP.finditer(segment):
        if match.group(1).upper() in US_STATES and (
                match.group(1).isupper() or segment.islower()):
            return match.group(2), "US", match.start(), match.end()
    if match := _CEP.search(segment):
        return match.group(), "BR", match.start(), match.end()
    if match := _PT_POSTCODE.search(segment):
        return match.group(), "PT", match.start(), match.end()
    if match := _GENERIC_POSTCODE.search(segment):
        return match.group(1), None, match.start(), match.end()
    return None


_HOME_FORMATS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "es": ((re.compile(r"\d{5}"), "ES"),),
    "de": ((re.compile(r"\d{5}"), "DE"), (re.compile(r"\d{4}"), "AT")),
    "fr": ((re.compile(r"\d{5}"), "FR"),),
    "pt": ((re.compile(r"\d{4}-\d{3}"), "PT"), (re.compile(r"\d{5}-\d{3}"), "BR")),
    "en": ((UK_POSTCODE, "GB"),),
}


def likely_country(postcode: str, language: str) -> str | None:
    """The country an address with no country named is most likely in: the one whose postcode
    format it has, among the countries where the customer's language is spoken ("28013" in
    Spanish is Spain). The customer sees it in the confirmation and can correct it."""
    for pattern, country in _HOME_FORMATS.get(language, ()):
        if pattern.fullmatch(postcode.strip()):
            return country
    return None
