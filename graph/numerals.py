"""Whole numbers written in words in English, Spanish, German, French and Portuguese."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_UNITS = {
    # English
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
    # Spanish
    "cero": 0, "uno": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    # German
    "null": 0, "eins": 1, "ein": 1, "eine": 1, "einen": 1, "zwei": 2, "zwo": 2, "drei": 3,
    "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    # French
    "zéro": 0, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9,
    # Portuguese
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "sete": 7, "oito": 8, "nove": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciséis": 16, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veintiuno": 21, "veintiún": 21, "veintiuna": 21, "veintidós": 22, "veintidos": 22,
    "veintitrés": 23, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiséis": 26, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
    "zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14,
    "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "dez": 10, "catorze": 14, "dezesseis": 16, "dezasseis": 16, "dezessete": 17,
    "dezassete": 17, "dezoito": 18, "dezenove": 19, "dezanove": 19,
}
"""Ten to nineteen, and the Spanish twenty-one to twenty-nine written as one word: no unit
follows any of them."""
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90,
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
    "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60,
}
_HUNDREDS = {
    "cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300,
    "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500,
    "quinientas": 500, "seiscientos": 600, "seiscientas": 600, "setecientos": 700,
    "setecientas": 700, "ochocientos": 800, "ochocientas": 800, "novecientos": 900,
    "novecientas": 900,
    "cem": 100, "cento": 100, "duzentos": 200, "duzentas": 200, "trezentos": 300,
    "trezentas": 300, "quatrocentos": 400, "quatrocentas": 400, "quinhentos": 500,
    "quinhentas": 500, "seiscentos": 600, "seiscentas": 600, "setecentos": 700,
    "setecentas": 700, "oitocentos": 800, "oitocentas": 800, "novecentos": 900,
    "novecentas": 900,
}
"""Hundreds written as one word, added to what follows ("ciento veinte" is 120)."""
_HUNDRED = frozenset({"hundred", "hundert", "cent", "cents"})
"""Words that multiply the number before them by a hundred ("deux cents" is 200)."""
_THOUSAND = frozenset({"thousand", "mil", "tausend", "mille"})
_CONNECTORS = frozenset({"and", "y", "e", "et", "und"})
"""Words that join the parts of one number ("treinta y cinco", "vingt et un")."""
_ARTICLES = frozenset({"a", "an"})
"""English articles, which stand for one only before a hundred or a thousand."""
_GERMAN = (
    "eins ein eine einen zwei zwo drei vier fünf fuenf sechs sieben acht neun zehn elf zwölf "
    "zwoelf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig dreißig "
    "dreissig vierzig fünfzig sechzig siebzig achtzig neunzig hundert tausend und"
).split()
# German writes a number as one word ("fünfundzwanzig"): its parts, the longest tried first.
_GERMAN_PART = re.compile("|".join(sorted(_GERMAN, key=len, reverse=True)))
_MAX_WORDS = 12
"""Words one number may take at most ("nine hundred and ninety nine thousand ...")."""

WORDS = frozenset({*_UNITS, *_TEENS, *_TENS, *_HUNDREDS, *_HUNDRED, *_THOUSAND})
"""Every word that can begin or continue a number."""


@lru_cache(maxsize=1024)
def _pieces(word: str) -> tuple[str, ...] | None:
    """A word split into number words: "dix-sept" and "fünfundzwanzig" are two and three.

    Returns None when the word is not wholly made of number words.
    """
    if word in WORDS:
        return (word,)
    if "-" in word:
        parts = tuple(word.split("-"))
        numbers = [part for part in parts if part not in _CONNECTORS]
        return parts if numbers and all(part in WORDS for part in numbers) else None
    if len(word) > 40:
        return None
    found, position = [], 0
    while position < len(word):  # German compounds, longest part first
        match = _GERMAN_PART.match(word, position)
        if match is None:
            return None
        found.append(match.group())
        position = match.end()
    return tuple(found) if len(found) > 1 else None


def is_number_word(word: str) -> bool:
    """True when the lower-cased word is, or is made of, number words."""
    return _pieces(word) is not None


def read_number(words: Sequence[str], start: int = 0) -> tuple[int, int] | None:
    """The whole number written in words from `words[start]`, and the index after it.

    Words are lower-cased tokens; a hyphenated token ("twenty-five", "quatre-vingt-dix") and a
    German compound ("einhundertzwanzig") are split into their parts. The longest sensible
    number is read: "twenty five" is 25, "one two" stops after "one".

    Args:
        words: The message's words, lower-cased.
        start: Where the number may begin.

    Returns:
        (value, end) with `words[start:end]` the number, or None when no number starts there.
    """
    pieces: list[tuple[str, int]] = []  # each part with the index of the word after it
    index = start
    while index < len(words) and index - start < _MAX_WORDS:
        word = words[index]
        split = _pieces(word)
        if split is None:
            if word in _CONNECTORS and pieces or word in _ARTICLES and not pieces:
                pieces.append((word, index + 1))
                index += 1
                continue
            break
        pieces.extend((part, index + 1) for part in split)
        index += 1
    value, used = _value_of([part for part, _ in pieces])
    if not used:
        return None
    return value, pieces[used - 1][1]


def _value_of(parts: list[str]) -> tuple[int, int]:
    """The number the leading parts spell and how many parts it takes (0 for none)."""
    total = current = used = i = 0
    last = ""  # what the last part was: unit, teen, ten, hundred or thousand
    while i < len(parts):
        part, before = parts[i], parts[i - 1] if i else ""
        after = parts[i + 1] if i + 1 < len(parts) else ""
        step = 1
        if part in _CONNECTORS:
            if not used or not (after in WORDS or _pieces(after)):
                break
            i += 1
            continue
        if part in _ARTICLES:
            if used or after not in ("hundred", "thousand"):
                break
            current, last = 1, "unit"
        elif part in _UNITS:
            unit = _UNITS[part]
            if before == "dix" and part in ("sept", "huit", "neuf"):
                current += unit  # "dix-sept"
            elif last not in ("", "ten", "hundred", "thousand"):
                break
            elif after == "und" and i + 2 < len(parts) and parts[i + 2] in _TENS \
                    and last != "ten":
                current += unit + _TENS[parts[i + 2]]  # "ein und zwanzig"
                last, step = "ten", 3
            else:
                current, last = current + unit, "unit"
        elif part in _TEENS:
            french = last == "ten" and current % 100 in (60, 80)  # "soixante-dix"
            if last not in ("", "hundred", "thousand") and not french:
                break
            current, last = current + _TEENS[part], "teen"
        elif part in _TENS:
            if part in ("vingt", "vingts") and before == "quatre" and last == "unit":
                current, last = current + 76, "ten"  # "quatre-vingts"
            elif last not in ("", "hundred", "thousand"):
                break
            else:
                current, last = current + _TENS[part], "ten"
        elif part in _HUNDREDS:
            if last not in ("", "thousand"):
                break
            current, last = current + _HUNDREDS[part], "hundred"
        elif part in _HUNDRED:
            if last == "unit":
                unit = current % 10
                current += unit * 99
            elif last in ("", "thousand"):
                current += 100
            else:
                break
            last = "hundred"
        elif part in _THOUSAND:
            if total or last == "thousand":
                break
            total, current, last = (current or 1) * 1000, 0, "thousand"
        else:
            break
        i += step
        used = i
    return total + current, used
