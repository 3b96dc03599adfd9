"""City, postcode and country in what follows a street line ("Exeter EX1 2AB, UK")."""

from __future__ import annotations

from graph.flats import FLAT
from graph.postcodes import (
    BR_STATES,
    US_STATES,
    country_of,
    find_country,
    is_state_before_zip,
    postcode_in,
)

STOP_WORDS = frozenset(
    "please pls plz thanks thank thx ty instead now asap and or but can could would will is "
    "por favor gracias y o pero bitte danke und oder aber s'il merci et ou mais svp "
    "obrigado obrigada e ou mas for para pour für to".split()
)
"""Words that end a city written without a comma after it ("10115 Berlin bitte")."""
_CITY_PARTICLES = frozenset("de del da do das dos la le les am an der im sur en y".split())
_MAX_CITY_WORDS = 4
"""Words of a city's name, its particles ("de", "am") aside."""
_CITY_FIRST = frozenset({"GB", "US"})
"""Countries whose addresses name the city before the postcode."""


def place_of(inline: str, parts: list[str]) -> tuple[str | None, str | None, str | None] | None:
    """City, postcode and country from what follows the street line.

    `inline` is what follows on the street's own line, without a comma; `parts` are the
    comma-separated parts after it.
    """
    segments = ([inline] if inline else []) + parts
    if not segments:
        return None
    country = None
    last = segments[-1]
    code, before = find_country(last, whole_part=bool(parts) or not inline)
    if code is None:
        for i, segment in enumerate(segments[:-1]):
            if is_state_before_zip(segment, (segments[i + 1].split() or [""])[0]):
                continue  # "CA, 94105" is California
            if (code := country_of(segment)) is not None:
                segments = segments[:i] + segments[i + 1:]
                break
        country = code
    else:
        country = code
        segments = segments[:-1] + ([before] if before.strip() else [])
    postcode = inferred = None
    city = None
    for i, segment in enumerate(segments):
        found = postcode_in(segment)
        if found is None:
            continue
        postcode, inferred, start, end = found
        city = _city_around(segment, start, end, segments[:i], segments[i + 1:],
                            first=inferred in _CITY_FIRST)
        if inferred is None and i and is_state_before_zip(segments[i - 1], postcode):
            inferred = "US"
        break
    if postcode is None:
        first = segments[0] if segments else ""
        if first and (first is not inline or _looks_like_city(first)):
            city = _city_words(first)
    return city, postcode, country or inferred


def _city_around(segment: str, start: int, end: int, before: list[str],
                 after: list[str], first: bool) -> str | None:
    """The city beside a postcode: before it ("Exeter EX1 2AB"), after it ("10115 Berlin"),
    or in the nearest part without one ("London, SW1A 2AA"). Where the city comes `first`
    (a UK postcode, a US ZIP), a part before the postcode goes before the words after it
    ("Inverness, IV2 3EB rather than my home address")."""
    nearby = [segment[:start], *reversed(before), segment[end:]] if first else \
        [segment[:start], segment[end:], *reversed(before)]
    for candidate in [*nearby, *after]:
        if (city := _city_words(candidate)) is not None:
            return city
    return None


def _city_words(segment: str) -> str | None:
    """A city's name from a segment: a state code and the words after the name left out."""
    words = segment.replace("/", " ").split()
    kept: list[str] = []
    mixed_case = not segment.islower()
    for word in words:
        bare = word.strip(" .()")
        lowered = bare.lower()
        if kept and word.startswith("("):
            break  # "Bilbao (Bizkaia)": the province
        if not bare or lowered in STOP_WORDS or any(ch.isdigit() for ch in bare):
            break
        if bare.isupper() and len(bare) == 2 and (bare in BR_STATES or bare in US_STATES):
            break  # "São Paulo SP"
        if bare.upper() in ("CDMX",):
            break
        if mixed_case and kept and bare.islower() and lowered not in _CITY_PARTICLES:
            break  # "Berlin bitte ändern"
        kept.append(bare)
        if sum(w.lower() not in _CITY_PARTICLES for w in kept) == _MAX_CITY_WORDS:
            break  # "Las Palmas de Gran Canaria"
    while kept and kept[-1].lower() in _CITY_PARTICLES:
        kept.pop()
    if not kept or country_of(" ".join(kept)) or FLAT.fullmatch(" ".join(kept)):
        return None
    return " ".join(kept)


def _looks_like_city(segment: str) -> bool:
    """True when words written on the street's line, without a comma, name a town: they
    start with a capital in a message that uses capitals ("14 Harbour Road Exeter")."""
    first = segment.split()[0] if segment.split() else ""
    return bool(first) and first[0].isupper() and not segment.isupper() \
        and first.lower() not in STOP_WORDS
