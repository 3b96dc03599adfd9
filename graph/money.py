"""Sums of money as customers write them: with a sign or a currency's name, in words in the
five served languages ("cinco euros", "a tenner"), with a decimal comma ("4,50 €")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from graph.numerals import is_number_word, read_number


@dataclass(frozen=True)
class Amount:
    """A sum of money the customer wrote.

    Attributes:
        value: The amount, quantized to two decimal places.
        currency: ISO 4217 code when the text names one, else None.
    """

    value: Decimal
    currency: str | None = None


_CURRENCY_SIGNS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "r$": "BRL"}
_CURRENCY_WORDS = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "dólar": "USD", "dólares": "USD",
    "dolar": "USD", "dolares": "USD", "bucks": "USD", "buck": "USD", "eur": "EUR",
    "euro": "EUR", "euros": "EUR", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP",
    "libra": "GBP", "libras": "GBP", "pfund": "GBP", "livre sterling": "GBP",
    "livres sterling": "GBP", "livre": "GBP", "livres": "GBP", "brl": "BRL", "reais": "BRL",
    "real": "BRL", "mxn": "MXN", "pesos": "MXN", "cad": "CAD", "aud": "AUD", "chf": "CHF",
    "franken": "CHF", "jpy": "JPY", "yen": "JPY",
}
"""Currencies by the words customers write in the five languages, lower-cased."""
_SLANG_WORDS = frozenset({"balles", "pavos", "paus", "mäuse", "kröten"})
"""Slang for money that names no currency ("10 balles", "40 pavos", "50 paus", "20 Mäuse"):
a sum in the shop's own currency, as a banknote's nickname is."""
_THINGS_OF = re.compile(r"\s+(?:de|d'|do|da|of)\b(?!\s*(?:volta|vuelta|retour)\b)", re.I)
"""What makes a slang word things of a kind ("3 balles de golf"), but not "30 paus de volta"."""
_BOOK_OR_POUND = frozenset({"livre", "livres"})
"""French for a pound and for a book: money only with pence ("4,50 livres") or "sterling"."""
_ONLY_ONE = frozenset({"real"})
"""Currency words that are money only after one ("um real"); "2 real problems" is not."""
_CENT_WORDS = frozenset(
    "cent cents penny pence pennies céntimo céntimos centimo centimos cêntimo cêntimos "
    "centavo centavos centime centimes".split()
)
_NOTES = {"fiver": 5, "fivers": 5, "tenner": 10, "tenners": 10}
"""A banknote by its nickname: "a tenner" is ten in whatever currency the shop uses."""
# At most five groups of thousands: an unbounded group run would be rescanned from every group.
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3}){1,5}(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CUR_WORD = "|".join(sorted([*_CURRENCY_WORDS, *_SLANG_WORDS], key=len, reverse=True))
_CENT_WORD = "|".join(sorted(_CENT_WORDS, key=len, reverse=True))
_AMOUNT_PATTERNS = (
    re.compile(rf"(?P<cur>(?<![^\W\d_])R\$|[$£€¥])\s?(?P<num>{_NUMBER})(?![\d])"),
    re.compile(rf"\b(?P<cur>usd|eur|gbp|brl|mxn|cad|aud|chf|us\$)\s?\$?(?P<num>{_NUMBER})(?![\d])",
               re.I),
    re.compile(rf"(?<![\w.,])(?P<num>{_NUMBER})\s?(?P<cur>[$£€¥]|(?:{_CUR_WORD})\b)", re.I),
    re.compile(rf"(?<![\w.,])(?P<num>\d+)\s?(?P<cur>{_CENT_WORD})\b", re.I),
)
# A word with its inner hyphens and apostrophes ("twenty-five", "quatre-vingts"): each part
# starts after a separator, so no letter is tried twice.
_WORD_RUN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_BARE_DECIMAL = re.compile(r"(?<![\w.,:/-])(?P<num>\d+[.,]\d{1,2})(?![\w.,:/-]*\d)")
_BARE_INTEGER = re.compile(r"(?<![\w.,:/#-])(?P<num>\d{1,6})(?![\w.,:/-])")
_REFUND_INTEGER = re.compile(
    r"\b(?:refund(?:ed)?|reembols\w*|erstatt\w*|rembours\w*)\s+(?:of\s+|de\s+|von\s+)?"
    r"(?P<num>\d{1,4})(?![\w.,:/-])", re.IGNORECASE)
"""A whole number right after the word for a refund ("a refund of 389"): the sum asked for."""
_CENT = Decimal("0.01")


def _to_decimal(raw: str) -> Decimal | None:
    raw = raw.replace(" ", "")
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        raw = raw.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    elif raw.count(".") > 1 or (raw.count(".") == 1 and len(raw.rpartition(".")[2]) == 3):
        raw = raw.replace(".", "")
    try:
        return Decimal(raw).quantize(_CENT)
    except InvalidOperation:
        return None


def _currency_of(cur: str, raw_number: str, value: Decimal) -> str | None:
    """The ISO code for a sign or word after or before a number, or None when it is no money."""
    cur = " ".join(cur.lower().split())
    if cur in _BOOK_OR_POUND and not any(mark in raw_number for mark in ".,"):
        return None
    if cur in _ONLY_ONE and value != 1:
        return None
    return _CURRENCY_SIGNS.get(cur) or _CURRENCY_WORDS.get(cur.rstrip("$")) or "USD"


@lru_cache(maxsize=32)
def amount_spans(text: str) -> tuple[tuple[int, int, Amount], ...]:
    found: list[tuple[int, int, Amount]] = []
    taken = bytearray(len(text) + 1)  # 1 where an amount already found covers the character
    for pattern in _AMOUNT_PATTERNS:
        for match in pattern.finditer(text):
            if taken[match.start()]:
                continue
            value = _to_decimal(match.group("num"))
            if value is None:
                continue
            cur = match.group("cur")
            if cur.lower() in _CENT_WORDS:
                value, currency = value / 100, None
            elif cur.lower() in _SLANG_WORDS:
                if _THINGS_OF.match(text, match.end()):
                    continue  # "3 balles de tennis" are balls
                currency = None
            elif (currency := _currency_of(cur, match.group("num"), value)) is None:
                continue
            found.append((match.start(), match.end(), Amount(value.quantize(_CENT), currency)))
            taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    for start, end, amount in _amounts_in_words(text):
        if not any(taken[start:end]):
            found.append((start, end, amount))
    return tuple(sorted(found, key=lambda span: span[0]))


def _amounts_in_words(text: str) -> list[tuple[int, int, Amount]]:
    """Sums written in words: "twenty quid", "veinte euros", "fünfundzwanzig Euro", "a tenner"."""
    runs = list(_WORD_RUN.finditer(text))
    words = [run.group().lower() for run in runs]
    found: list[tuple[int, int, Amount]] = []
    i = 0
    while i < len(words):
        note = i + 1 if words[i] in ("a", "an") and i + 1 < len(words) else i
        if words[note] in _NOTES:  # "a tenner"
            value = Decimal(_NOTES[words[note]]).quantize(_CENT)
            found.append((runs[i].start(), runs[note].end(), Amount(value)))
            i = note + 1
            continue
        if words[i] not in ("a", "an") and not is_number_word(words[i]):
            i += 1  # no number starts here: what `read_number` would find at once
            continue
        before = text[max(0, runs[i].start() - 8):runs[i].start()].rstrip()
        after_digits = before[-1:].isdigit()  # "5 mil euros" is not a thousand
        read = read_number(words, i) if not after_digits else None
        if read is None:
            i += 1
            continue
        number, end = read
        amount = _money_after(text, runs, words, end, Decimal(number))
        if amount is None and words[end - 1] in _CENT_WORDS and end - 1 > i:
            shorter = read_number(words[i:end - 1])  # "one cent" is a cent, not a hundred
            if shorter is not None:
                number, end = shorter[0], i + shorter[1]
                amount = _money_after(text, runs, words, end, Decimal(number))
        if amount is None:
            i = end
            continue
        value, stop = amount
        found.append((runs[i].start(), runs[stop - 1].end(), value))
        i = stop
    return found


def _money_after(text: str, runs: list[re.Match[str]], words: list[str], at: int,
                 number: Decimal) -> tuple[Amount, int] | None:
    """The amount when a currency word, a cent word or a note's name follows the number."""
    if at >= len(words) or text[runs[at - 1].end():runs[at].start()].strip():
        return None  # nothing follows, or not right after the number
    word = words[at]
    if word in _NOTES:
        return Amount((number * _NOTES[word]).quantize(_CENT)), at + 1
    if word in _CENT_WORDS:
        return Amount((number / 100).quantize(_CENT)), at + 1
    if word == "sterling" or word not in _CURRENCY_WORDS:
        return None
    two = f"{word} {words[at + 1]}" if at + 1 < len(words) else ""
    if two in _CURRENCY_WORDS:
        return Amount(number.quantize(_CENT), _CURRENCY_WORDS[two]), at + 2
    if word in _BOOK_OR_POUND or word in _ONLY_ONE and number != 1:
        return None  # "deux livres" are two books
    return Amount(number.quantize(_CENT), _CURRENCY_WORDS[word]), at + 1


def bare_amount(masked: str, *, allow_bare_integer: bool = False) -> Amount | None:
    """A sum written with no currency: a decimal like "12.5", a whole number right after the
    word for a refund, or any whole number when the caller asked for an amount. `masked` has
    the other references (e-mails, phones, order ids, postcodes) blanked out, so none of their
    digits is read as money."""
    patterns = [_BARE_DECIMAL, _REFUND_INTEGER] + ([_BARE_INTEGER] if allow_bare_integer else [])
    for pattern in patterns:
        match = pattern.search(masked)
        if match and (value := _to_decimal(match.group("num"))) is not None:
            return Amount(value, None)
    return None
