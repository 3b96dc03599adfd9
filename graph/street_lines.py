"""The street line of a postal address, as each country writes it: "14 Harbour Road",
"12 rue des Lilas", "Calle Mayor 12", "Rua das Flores 45", "Hauptstraße 5"."""

from __future__ import annotations

import re
from functools import lru_cache

from graph.address_places import STOP_WORDS
from graph.flats import FLAT

# Street words by where they stand. Spanish and Portuguese streets start with the word and end
# with the number ("Calle Mayor 12", "Rua das Flores 45"); French ones follow the number ("12
# rue des Lilas"); English ones end the name ("14 Harbour Road"); German and Dutch ones are the
# end of one word ("Hauptstraße 5", "Lindenweg 3a", "Kerkstraat").
_NAMED_FIRST = frozenset(
    "calle c/ avenida avda av plaza pza paseo pº p° camino carrera cra ronda glorieta calzada rúa "
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
_GERMAN_WORDS = frozenset(
    "straße strasse str weg allee gasse damm ufer chaussee".split())
"""German street words written apart from the name before them ("Kölner Straße 5")."""
_NON_SPACE = re.compile(r"\S+")
_POSTCODE_LIKE = re.compile(r"\d{5}(?:-\d{3})?|\d{4}-\d{3}")
_NAME_WORDS = 4
"""At most this many words name an English street between its number and its street word."""
_HOUSE_NUMBER = re.compile(r"(?:n[º°o]\.?)?\d{1,5}[A-Za-z]?(?:-\d{1,5}[A-Za-z]?)?|s/n", re.I)


Words = tuple[tuple[int, int, str], ...]
"""A part's words, each with its span."""


@lru_cache(maxsize=64)
def words_of(part: str) -> Words:
    """The part's words with their spans, trailing commas and stops left out of the word (once
    per part: a part is looked at as a street line and again as a house number)."""
    return tuple((m.start() + len(m.group()) - len(m.group().lstrip("(")), m.end(),
                  m.group().lstrip("(").rstrip(".:)").lower()) for m in _NON_SPACE.finditer(part))


def is_house_number(word: str) -> bool:
    return bool(_HOUSE_NUMBER.fullmatch(word)) and not word.endswith(("º", "ª", "°"))



def street_line(body: str) -> tuple[int, int, bool] | None:
    """The span of the street line, and whether a street word was found in it."""
    parts = [(m.start(), m.end()) for m in re.finditer(r"[^,;\n]+", body)]
    for index, (start, end) in enumerate(parts):
        next_part = body[parts[index + 1][0]:parts[index + 1][1]] if index + 1 < len(parts) \
            else ""
        if (found := _street_in(body[start:end], next_part)) is not None:
            line_start, line_end, sure = found
            without_number = not any(ch.isdigit() for ch in body[start:end])
            if without_number and (opens := opens_with_number(next_part)):
                line_end = parts[index + 1][0] + opens - start  # "Rua Augusta, 1500"
            return start + line_start, start + line_end, sure
        words = words_of(body[start:end])
        if len(words) == 1 and is_house_number(words[0][2]) and next_part:
            following = words_of(next_part)
            if following and following[0][2] in _AFTER_NUMBER:  # "12, rue des Lilas"
                stop = french_end(next_part, following, 0)
                return start + words[0][0], parts[index + 1][0] + stop, True
    match = _house_number_guess(body)
    if match is None:
        return None
    end = _LINE_END.search(body, match.start())
    return match.start(), len(body) if end is None else end.start(), False


_LINE_END = re.compile(r"[,\n]")
_NUMBER_THEN_WORD = re.compile(r"(?<![\w#-])\d+[A-Za-z]?\s+(?=[^\W\d])")
_LIKELY_HOUSE_NUMBER = 4
"""A house number has at most four digits; an order number often has more."""


def _house_number_guess(body: str) -> re.Match[str] | None:
    """With no street word, the number before a word most like a house number: the first one
    before a capitalized name ("order 58244 is wrong, it should be 42 Kingsway"), else the
    first."""
    found = list(_NUMBER_THEN_WORD.finditer(body))
    named = [m for m in found if body[m.end()].isupper()
             and sum(map(str.isdigit, m.group())) <= _LIKELY_HOUSE_NUMBER]
    return named[0] if named else found[0] if found else None


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
    words = words_of(part)
    last_number = -1  # index of the last house number seen
    searched_to = -1  # a street word before this index found no number after it
    for i, (start, end, word) in enumerate(words):
        following = words[i + 1][2] if i + 1 < len(words) else ""
        if is_house_number(word):
            at = i + 2 if following in ("bis", "ter") and i + 2 < len(words) else i + 1
            if at < len(words) and words[at][2] in _AFTER_NUMBER:
                if words[at][2] in _NAMED_FIRST and any(
                        is_house_number(w) for _, _, w in words[at + 1:]):
                    stop, _ = _number_end(part, words, at + 1, "")  # "não 23: Rua Augusta 32"
                    if stop is not None:
                        return words[at][0], stop, True
                named = at + 1 < len(words) and part[words[at + 1][0]].isupper()
                sure = words[at][2] not in _SOMETIMES_STREETS or named
                return start, french_end(part, words, at), sure
            last_number = i
            continue
        if word in _ENDING and last_number >= 0 and 2 <= i - last_number <= _NAME_WORDS + 1 \
                and all(w[0].isalnum() for _, _, w in words[last_number + 1:i]):
            named = all(part[begin].isupper() for begin, _, _ in words[last_number + 1:i])
            return words[last_number][0], _english_end(words, i), word in _SURE_ENDINGS or named
        if _COMPOUND_ENDING.search(word) and is_house_number(following):
            return start, words[i + 1][1], True
        if (german := _german_street(part, words, i)) is not None:
            return german
        if word in _NAMED_FIRST and i >= searched_to and (word != "r" or part[end - 1] == "."):
            stop, searched_to = _number_end(part, words, i + 1, next_part)
            if stop is not None:
                return start, stop, True
    return None


def _german_street(part: str, words: Words, i: int) -> tuple[int, int, bool] | None:
    """A German street of two words or more, starting at word `i`, and its number: a name
    before a street word ("Holtenauer Str. 112", "Lange Straße 5") or after a place word ("Am
    Mühlbach 3a", "An der Alster 12"), which only a postcode makes sure ("am Montag 3 Pakete"
    is none)."""
    word = words[i][2]
    if i + 2 < len(words) and part[words[i][0]].isupper() and words[i + 1][2] in _GERMAN_WORDS \
            and is_house_number(words[i + 2][2]):
        return words[i][0], words[i + 2][1], True
    after = i + 1 if word in ("am", "im", "zum", "zur") else i + 2 if (
        word in ("an", "auf", "in") and i + 1 < len(words)
        and words[i + 1][2] in ("der", "dem", "den")) else None
    if after is None:
        return None
    for j in range(after, min(after + 2, len(words) - 1)):
        if not part[words[j][0]].isupper():
            return None
        if is_house_number(words[j + 1][2]):
            return words[i][0], words[j + 1][1], False
    return None


def french_end(part: str, words: Words, street_word: int) -> int:
    """The end of "12 rue des Lilas": before a flat, a postcode or a word that ends a city."""
    end = words[street_word][1]
    for start, stop, word in words[street_word + 1:]:
        if FLAT.match(part, start) or word.isdigit() or word in STOP_WORDS:
            break
        end = stop
    return end


def _number_end(part: str, words: Words, begin: int,
                next_part: str) -> tuple[int | None, int]:
    """The end of the house number after a street word ("Calle 5 de Mayo 123" ends at 123),
    and the index of the word where the search stopped."""
    found = None
    for i in range(begin, len(words)):
        start, end, word = words[i]
        if found is not None and _POSTCODE_LIKE.fullmatch(word):
            return found, i  # "calle san juan 5 pamplona 31001": the postcode ends the street
        if is_house_number(word):
            following = words[i + 1][2] if i + 1 < len(words) else ""
            found = end
            if not following or not following[0].isalpha() or following in STOP_WORDS \
                    or FLAT.match(part, words[i + 1][0]):
                return end, i
        elif FLAT.match(part, start):
            return found, i
    if found is None and opens_with_number(next_part):
        return len(part), len(words)  # the number opens the next part: "Rua Augusta, 1500"
    return found, len(words)


def opens_with_number(part: str) -> int | None:
    """The end of the house number a part starts with ("1500 - Consolação"), or None."""
    match = re.match(r"\s*(\S+)", part)
    if match is None or not is_house_number(match.group(1).rstrip(".")):
        return None
    return match.end()


def _english_end(words: Words, ending: int) -> int:
    """The end of "14 Harbour Road" or "12 Court Lane": the street words that follow each
    other, an abbreviation ending the run."""
    i = ending
    while i + 1 < len(words) and words[i][2] not in _SHORT_ENDINGS \
            and words[i + 1][2] in _ENDING and words[i + 1][2] not in _SHORT_ENDINGS:
        i += 1
    return words[i][1]
