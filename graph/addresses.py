"""The postal address in a customer's message: street line, flat, city, postcode and country."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from graph.limits import MAX_PARSED_CHARS
from graph.postcodes import (
    BR_STATES,
    US_STATES,
    country_of,
    find_country,
    is_state_before_zip,
    postcode_in,
)


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


# Street words by where they stand. Spanish and Portuguese streets start with the word and end
# with the number ("Calle Mayor 12", "Rua das Flores 45"); French ones follow the number ("12
# rue des Lilas"); English ones end the name ("14 Harbour Road"); German and Dutch ones are the
# end of one word ("Hauptstraße 5", "Lindenweg 3a", "Kerkstraat").
_NAMED_FIRST = frozenset(
    "calle c/ avenida avda av plaza pza paseo pº p° camino carrera cra ronda glorieta calzada "
    "travesía travesia callejón carrer avinguda rua r travessa tv praça praca largo alameda "
    "estrada rodovia ladeira beco".split()
)
_AFTER_NUMBER = frozenset(
    "rue avenue av bd boulevard bld bvd chemin place allée allee impasse quai cours square "
    "route calle rua avenida".split()
)
"""Street words that follow the house number in French ("7 avenue Foch")."""
_ENDING = frozenset(
    "street st road rd avenue ave av lane ln drive dr way boulevard blvd place pl close court ct "
    "square sq terrace crescent cres grove gardens gdns mews parade highway hwy parkway pkwy "
    "circle cir trail wharf alley esplanade embankment rise".split()
)
"""Street words that end an English street name ("Harbour Road")."""
_SURE_ENDINGS = frozenset(
    "street st road rd avenue ave lane ln boulevard blvd terrace crescent cres gardens gdns "
    "mews highway hwy parkway pkwy alley esplanade embankment".split()
)
"""English street words that are seldom anything else ("drive", "way", "place" often are)."""
_SOMETIMES_STREETS = frozenset("place square route cours av".split())
"""French street words that are also English or French words ("2 place settings")."""
_SHORT_ENDINGS = frozenset("st rd ln dr pl ct sq cres gdns hwy pkwy cir ave av blvd".split())
"""Abbreviations, which end a street name but never continue one ("Church Road St Albans")."""
_COMPOUND_ENDING = re.compile(
    r"[\w-](?:stra(?:ß|ss)e|str\.?|weg|gasse|platz|allee|damm|chaussee|steig|pfad|zeile|ufer"
    r"|straat|laan|gracht|plein|gade|gatan|vej)$",
    re.I,
)
_HOUSE_NUMBER = re.compile(r"(?:n[º°o]\.?)?\d{1,5}[A-Za-z]?(?:-\d{1,5}[A-Za-z]?)?|s/n", re.I)
_LINE2_WORDS = (
    r"apt|apartment|apartamento|apto|ap|appt|appartement|suite|ste|unit|flat|floor|fl|room|"
    r"building|bldg|bloco|bloque|bl|bâtiment|batiment|bât|bat|étage|etage|escalier|esc|escalera|"
    r"porte|puerta|pta|piso|planta|dpto|depto|departamento|interior|int|wohnung|whg|stock|"
    r"stiege|stg|tür|tuer|top|andar|sala|conjunto|cj|col|colonia|lote|#"
)
_LINE2 = re.compile(
    rf"(?:(?:{_LINE2_WORDS})\.?(?![^\W\d])\s?(?:n[º°o]\.?\s?)?[\w/-]{{1,8}}"
    r"|\d{1,2}\s?[º°ª](?:\s?(?:[a-z]{1,4}|izquierda|derecha|esquerdo|direito)(?![^\W\d]))?"
    r"|\d{1,2}(?:\.|er|e|ème|st|nd|rd|th)\s?(?:og|stock|etage|étage|floor|piso|andar)(?!\w))",
    re.I,
)
"""A flat, floor or door: "Apt 5", "apto 52", "3º B", "2º izq", "3. OG", "appartement 4"."""
_LINE2_AT_END = re.compile(rf"(?<![^\W\d])(?:{_LINE2_WORDS})\.?\s?(?:n[º°o]\.?\s?)?[\w/-]{{1,8}}$",
                           re.I)
_SEPARATOR = re.compile(r"[,;\n]|\s[-–—/]\s")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ABBREVIATIONS = frozenset(
    "st str av ave avda apt apto ap appt nr no n nº n° dr rd blvd bd col pza esq dto izq dcha bl "
    "bat bât sr sra mt ft ln pl sq ct fl ste bldg jr r c tv cra sta sto hwy pkwy whg etc mr mrs "
    "ms prof gral pte vd esc pta dpto depto int".split()
)
"""Words a full stop shortens rather than ends a sentence after ("Av. Paulista")."""
_STOP_WORDS = frozenset(
    "please pls plz thanks thank thx ty instead now asap and or but can could would will is "
    "por favor gracias y o pero bitte danke und oder aber s'il merci et ou mais svp "
    "obrigado obrigada e ou mas for para pour für to".split()
)
"""Words that end a city written without a comma after it ("10115 Berlin bitte")."""
_CITY_PARTICLES = frozenset("de del da do das dos la le les am an der im sur en y".split())
_MAX_CITY_WORDS = 4


def _words(part: str) -> list[tuple[int, int, str]]:
    """The part's words with their spans, trailing commas and stops left out of the word."""
    return [(m.start(), m.end(), m.group().rstrip(".:").lower())
            for m in re.finditer(r"\S+", part)]


def _is_number(word: str) -> bool:
    return bool(_HOUSE_NUMBER.fullmatch(word)) and not word.endswith(("º", "ª", "°"))


def _street_in(part: str, next_part: str) -> tuple[int, int, bool] | None:
    """Where the street line starts and ends in one comma-separated part, or None, and
    whether it is a street beyond doubt (else only a postcode makes it an address).

    Looks once at each word: a house number before a French street word, a Spanish or
    Portuguese street word before a house number (which may open the next part: "Rua
    Augusta, 1500"), a German compound before its number, or an English street word with a
    house number and a name before it (the last number before it: "send 2 parcels to 14
    Harbour Road"). Words that are street words only sometimes ("2 place settings", "kids
    who drive") make a street beyond doubt only before or after a capitalized name.
    """
    words = _words(part)
    last_number = -1  # index of the last house number seen
    searched_to = -1  # a street word before this index found no number after it
    for i, (start, end, word) in enumerate(words):
        following = words[i + 1][2] if i + 1 < len(words) else ""
        if _is_number(word):
            at = i + 2 if following in ("bis", "ter") and i + 2 < len(words) else i + 1
            if at < len(words) and words[at][2] in _AFTER_NUMBER:
                named = at + 1 < len(words) and part[words[at + 1][0]].isupper()
                sure = words[at][2] not in _SOMETIMES_STREETS or named
                return start, _french_end(part, words, at), sure
            last_number = i
            continue
        if word in _ENDING and last_number >= 0 and i - last_number >= 2:
            named = all(part[begin].isupper() for begin, _, _ in words[last_number + 1:i])
            return words[last_number][0], _english_end(words, i), word in _SURE_ENDINGS or named
        if _COMPOUND_ENDING.search(word) and _is_number(following):
            return start, words[i + 1][1], True
        if word in _NAMED_FIRST and i >= searched_to and (word != "r" or part[end - 1] == "."):
            stop, searched_to = _number_end(part, words, i + 1, next_part)
            if stop is not None:
                return start, stop, True
    return None


def _french_end(part: str, words: list[tuple[int, int, str]], street_word: int) -> int:
    """The end of "12 rue des Lilas": before a flat, a postcode or a word that ends a city."""
    end = words[street_word][1]
    for start, stop, word in words[street_word + 1:]:
        if _LINE2.match(part, start) or word.isdigit() or word in _STOP_WORDS:
            break
        end = stop
    return end


def _number_end(part: str, words: list[tuple[int, int, str]], begin: int,
                next_part: str) -> tuple[int | None, int]:
    """The end of the house number after a street word ("Calle 5 de Mayo 123" ends at 123),
    and the index of the word where the search stopped."""
    found = None
    for i in range(begin, len(words)):
        start, end, word = words[i]
        if _is_number(word):
            following = words[i + 1][2] if i + 1 < len(words) else ""
            found = end
            if not following or not following[0].isalpha() or following in _STOP_WORDS \
                    or _LINE2.match(part, words[i + 1][0]):
                return end, i
        elif _LINE2.match(part, start):
            return found, i
    if found is None and _opens_with_number(next_part):
        return len(part), len(words)  # the number opens the next part: "Rua Augusta, 1500"
    return found, len(words)


def _opens_with_number(part: str) -> int | None:
    """The end of the house number a part starts with ("1500 - Consolação"), or None."""
    match = re.match(r"\s*(\S+)", part)
    if match is None or not _is_number(match.group(1).rstrip(".")):
        return None
    return match.end()


def _english_end(words: list[tuple[int, int, str]], ending: int) -> int:
    """The end of "14 Harbour Road" or "12 Court Lane": the street words that follow each
    other, an abbreviation ending the run."""
    i = ending
    while i + 1 < len(words) and words[i][2] not in _SHORT_ENDINGS \
            and words[i + 1][2] in _ENDING and words[i + 1][2] not in _SHORT_ENDINGS:
        i += 1
    return words[i][1]


_CORRECTION = re.compile(
    r"^[\s,;]*(?:not|instead of|rather than|no|nicht|statt|pas|n[ãa]o)\s+\d{1,4}[a-z]?\b[.,;]?"
    r"(?:\s*(?:the\s+)?same\s+(?:post\s?code|zip(?:\s+code)?))?",
    re.IGNORECASE)
"""A house number corrected right after the street ("19 Burton Road not 9. same postcode"),
which is not part of the city."""


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
    found = _street_line(body)
    if found is None:
        return None
    start, end, street_found = found
    line1 = " ".join(body[start:end].split()).strip(" ,")
    line2 = _line2_before(body[:start])
    tail = _CORRECTION.sub(" ", body[end:], count=1)
    tail = tail[:_sentence_end(tail)]
    parts = [part.strip(" .\t") for part in _SEPARATOR.split(tail)]
    inline, parts = parts[0], [part for part in parts[1:] if part]
    if line2 is None and inline:
        line2, inline = _line2_at_start(inline, whole=False)
    elif line2 is None and parts:
        line2, first = _line2_at_start(parts[0], whole=True)
        parts = ([first] if first else []) + parts[1:]
    address = _place_of(inline, parts)
    if address is None:
        return None if not street_found else PostalAddress(line1, None, None, None, line2)
    city, postcode, country = address
    if postcode is None and not street_found:
        return None
    return PostalAddress(line1, city, postcode, country, line2)


def _street_line(body: str) -> tuple[int, int, bool] | None:
    """The span of the street line, and whether a street word was found in it."""
    parts = [(m.start(), m.end()) for m in re.finditer(r"[^,;\n]+", body)]
    for index, (start, end) in enumerate(parts):
        next_part = body[parts[index + 1][0]:parts[index + 1][1]] if index + 1 < len(parts) \
            else ""
        if (found := _street_in(body[start:end], next_part)) is not None:
            line_start, line_end, sure = found
            without_number = not any(ch.isdigit() for ch in body[start:end])
            if without_number and (opens := _opens_with_number(next_part)):
                line_end = parts[index + 1][0] + opens - start  # "Rua Augusta, 1500"
            return start + line_start, start + line_end, sure
        words = _words(body[start:end])
        if len(words) == 1 and _is_number(words[0][2]) and next_part:
            following = _words(next_part)
            if following and following[0][2] in _AFTER_NUMBER:  # "12, rue des Lilas"
                stop = _french_end(next_part, following, 0)
                return start + words[0][0], parts[index + 1][0] + stop, True
    match = re.search(r"(?<![\w#-])\d+[A-Za-z]?\s+(?=[^\W\d])", body)
    if match is None:
        return None
    end = body.find(",", match.start())
    return match.start(), len(body) if end < 0 else end, False


def _line2_at_start(segment: str, whole: bool) -> tuple[str | None, str]:
    """A flat at the start of a segment, and the rest of it: "3º B 28013 Madrid".

    A part of its own that starts with a word for a flat is that flat whole ("apto 52",
    "Col. Roma Norte") unless a postcode follows in it.
    """
    match = _LINE2.match(segment)
    if match is None:
        return None, segment
    if whole and not segment[0].isdigit() and postcode_in(segment) is None:
        return segment, ""
    return match.group().strip(), segment[match.end():].strip()


def _line2_before(head: str) -> str | None:
    """A flat written before the street: "Flat 3, 14 Harbour Road"."""
    head = head[-60:].rstrip(" ,")
    match = _LINE2_AT_END.search(head)
    return match.group().strip() if match else None


def _place_of(inline: str, parts: list[str]) -> tuple[str | None, str | None, str | None] | None:
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
        city = _city_around(segment, start, end, segments[:i], segments[i + 1:])
        if inferred is None and i and is_state_before_zip(segments[i - 1], postcode):
            inferred = "US"
        break
    if postcode is None:
        first = segments[0] if segments else ""
        if first and (first is not inline or _looks_like_city(first)):
            city = _city_words(first)
    return city, postcode, country or inferred


def _city_around(segment: str, start: int, end: int, before: list[str],
                 after: list[str]) -> str | None:
    """The city beside a postcode: before it ("Exeter EX1 2AB"), after it ("10115 Berlin"),
    or in the nearest part without one ("London, SW1A 2AA")."""
    ahead = _city_words(segment[:start])
    behind = _city_words(segment[end:])
    if ahead:
        return ahead
    if behind:
        return behind
    for candidate in [*reversed(before), *after]:
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
        if not bare or lowered in _STOP_WORDS or any(ch.isdigit() for ch in bare):
            break
        if bare.isupper() and len(bare) == 2 and (bare in BR_STATES or bare in US_STATES):
            break  # "São Paulo SP"
        if bare.upper() in ("CDMX",):
            break
        if mixed_case and kept and bare.islower() and lowered not in _CITY_PARTICLES:
            break  # "Berlin bitte ändern"
        kept.append(bare)
        if len(kept) == _MAX_CITY_WORDS:
            break
    while kept and kept[-1].lower() in _CITY_PARTICLES:
        kept.pop()
    if not kept or country_of(" ".join(kept)) or _LINE2.fullmatch(" ".join(kept)):
        return None
    return " ".join(kept)


def _looks_like_city(segment: str) -> bool:
    """True when words written on the street's line, without a comma, name a town: they
    start with a capital in a message that uses capitals ("14 Harbour Road Exeter")."""
    first = segment.split()[0] if segment.split() else ""
    return bool(first) and first[0].isupper() and not segment.isupper() \
        and first.lower() not in _STOP_WORDS
