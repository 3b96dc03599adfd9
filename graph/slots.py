"""Slot parsers that pull e-mails, codes, order ids, amounts and phones from text (addresses:
`graph/addresses.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from graph.addresses import extract_address
from graph.limits import MAX_PARSED_CHARS
from graph.numerals import read_number
from graph.postcodes import UK_POSTCODE


@dataclass(frozen=True)
class Amount:
    """A sum of money the customer wrote.

    Attributes:
        value: The amount, quantized to two decimal places.
        currency: ISO 4217 code when the text names one, else None.
    """

    value: Decimal
    currency: str | None = None


# A run of characters that can be part of an address, taken whole (it starts only where the
# run does): the whole run is the candidate when an @ sits inside it.
_EMAIL_CANDIDATE = re.compile(
    r"(?<![^\s<>()\[\],;:\"'])[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
_MAX_EMAIL_CHARS = 512
"""Longer candidates are not validated: no address on file is longer than 254 characters."""
_DOTS = frozenset(".\u3002\uff0e\uff61")
"""A domain needs one of these (IDNA reads the last three as dots) to be deliverable."""
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
_CUR_WORD = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))
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
_CENT = Decimal("0.01")


def extract_email(text: str) -> str | None:
    """Return the first valid e-mail address in the text, normalized, or None."""
    text = text[:MAX_PARSED_CHARS]
    for match in _EMAIL_CANDIDATE.finditer(text):
        candidate = match.group().strip(".!?")
        domain = candidate.rpartition("@")[2]
        if len(candidate) > _MAX_EMAIL_CHARS or not _DOTS.intersection(domain):
            continue  # the validator refuses these: too long, or a domain without a dot
        try:
            return validate_email(candidate, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


def extract_phone(text: str, default_region: str | None = None) -> str | None:
    """Return the first valid phone number in E.164 form, or None.

    Args:
        text: Free customer text.
        default_region: ISO-2 region used for numbers written without a country code.
    """
    text = text[:MAX_PARSED_CHARS]
    for match in phonenumbers.PhoneNumberMatcher(text, default_region):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


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
def _amount_spans(text: str) -> tuple[tuple[int, int, Amount], ...]:
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


def extract_amount(text: str, *, allow_bare_integer: bool = False) -> Amount | None:
    """Return the first sum of money in the text, or None.

    A number with a currency sign, code or word counts, and so does a bare decimal like
    "12.5". A bare integer counts only when the caller asked for an amount.

    Args:
        text: Free customer text.
        allow_bare_integer: Also accept a plain whole number such as "20".
    """
    text = text[:MAX_PARSED_CHARS]
    spans = _amount_spans(text)
    if spans:
        return spans[0][2]
    masked = _masked(text)
    patterns = [_BARE_DECIMAL] + ([_BARE_INTEGER] if allow_bare_integer else [])
    for pattern in patterns:
        match = pattern.search(masked)
        if match and (value := _to_decimal(match.group("num"))) is not None:
            return Amount(value, None)
    return None


_ORDER_WORD = (
    r"(?:order|ord|purchase|ref|reference|confirmation|pedido|compra|bestellung(?:en)?"
    r"|bestell|auftrag|auftr[äa]ge|commande|encomenda|referencia|refer[êe]ncia|r[ée]f[ée]rence"
    r"|referenz|bestellnummer|auftragsnummer|bestellnr)"
)
"""Words for an order or its reference in the five languages ("Bestell-Nr." starts with one)."""
_ORDER_FILLER = (
    r"(?:(?:number|no|num|nr|nro|id|code|is|was|n[úu]mero|nummer|num[ée]ro|n[úu]m|lautet|ist"
    r"|war|es|era|est|é|el|la|le|mi|meu|minha|mein|meine|ma|mon)\b|n[º°o]|=)"
)
"""Words between the word for an order and its id: "pedido nº", "Bestellung Nr.", "order is"."""
_NUMBER_SIGN = r"(?<!\w)(?:n[º°]|nr\.?|nro\.?|no\.|n[úu]m\.|#)"
"""Signs that say a reference number follows even without a word for an order."""
_ORDER_CONTEXT = re.compile(
    rf"(?:{_ORDER_WORD}s?\b\W*(?:{_ORDER_FILLER}\W*){{0,3}}|{_NUMBER_SIGN}\s?)$", re.I
)
_TOKEN = re.compile(
    r"(?<![\w@.$£€/-])#?\s?([A-Za-z0-9]+(?:-[A-Za-z0-9]+){0,3})(?![\w@/-]|[.,]\d)"
)
# One letter standing alone, a space, and the digits: "g 7731". The letter starts where a word
# would, and the digits run to their end, so each is tried once.
_SPACED_ID = re.compile(r"(?<![\w@.$£€/#'’-])#?([A-Za-z]) (\d{3,8})(?![\w@/-]|[.,]\d)")
_WORD_LETTERS = frozenset("aeiouyx")
"""Letters that are words of their own ("a", "I", "y", "o", "e", "x" in "5 x 1000"), never
the start of an id written with a space; an upper-case one counts after the word for order."""
_NOT_AN_ID = re.compile(
    r"^\d+(?:st|nd|rd|th|am|pm|h|hrs?|mins?|days?|weeks?|x|kg|g|lbs?|cm|mm|m|km|ml|l|k|gb|tb|mb"
    r"|usd|eur|gbp|ft|in)$|^(?:covid-?19|mp[34]|h264|4k|8k)$"
    r"|^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{2,4}$|^\d+(?:-\d+){2,}$",
    re.I,
)
_DIGIT = re.compile(r"\d")
_PHONE_DIGITS = 9
"""Digits a phone number has at least, to be kept apart from ids and codes."""
_CONTEXT_CHARS = 60
"""How far before a number the words that make it an order reference are looked for."""
_CODE_WORD = re.compile(r"\b(?:code|otp|pin|passcode|verification)\b", re.I)


@lru_cache(maxsize=32)
def _masked(text: str) -> str:
    """The text with e-mails, phone numbers, amounts and postcodes blanked out (once per text)."""
    chars = list(text)
    for start, end in _reference_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _in_order_context(masked: str, position: int) -> bool:
    """True when the words just before `position` say an order reference follows."""
    return bool(_ORDER_CONTEXT.search(masked, max(0, position - _CONTEXT_CHARS), position))


def _reference_spans(text: str) -> list[tuple[int, int]]:
    """Spans holding e-mails, phone numbers, amounts and postcodes: never ids or codes."""
    spans = [m.span() for m in _EMAIL_CANDIDATE.finditer(text)]
    spans += [(s, e) for s, e, _ in _amount_spans(text)]
    spans += [m.span() for m in UK_POSTCODE.finditer(text) if not m.group(1).isdigit()]
    if len(_DIGIT.findall(text)) >= _PHONE_DIGITS:  # else no phone number can be there
        # without a region only numbers written with a plus sign are read
        regions = (None, "US") if "+" in text or "＋" in text else ("US",)
        spans += [(m.start, m.end) for region in regions
                  for m in phonenumbers.PhoneNumberMatcher(text, region)
                  if len(_DIGIT.findall(m.raw_string)) >= _PHONE_DIGITS]
    address = extract_address(text)
    if address and address.postcode:
        spans += [m.span() for m in re.finditer(re.escape(address.postcode), text, re.I)]
    return spans


def extract_order_ids(text: str, *, assume_order: bool = False) -> list[str]:
    """Return order references the customer wrote, upper-cased, in order of appearance.

    An id written with a space after its letter ("g 7731") counts when the word for an
    order comes before it or when it is one letter and four or five digits; a letter that is a
    word of its own ("a 1000 times", "y 2024") is never read as the start of an id.

    Args:
        text: Free customer text.
        assume_order: The customer was just asked for an order number, so a bare number of
            three or more digits counts even without the word "order".
    """
    text = text[:MAX_PARSED_CHARS]
    masked = _masked(text)
    says_code = bool(_CODE_WORD.search(text))
    found: list[tuple[int, str]] = []
    for match in _SPACED_ID.finditer(masked):
        letter, digits = match.group(1), match.group(2)
        in_context = _in_order_context(masked, match.start(1))
        plain = 4 <= len(digits) <= 5 and letter.lower() not in _WORD_LETTERS
        if plain or in_context and letter not in _WORD_LETTERS:
            found.append((match.start(1), f"{letter}{digits}".upper()))
    spaced = {start for start, _ in found}
    for match in _TOKEN.finditer(masked):
        token = match.group(1)
        digits = sum(ch.isdigit() for ch in token)
        if not digits or not 3 <= len(token) <= 20 or _NOT_AN_ID.match(token):
            continue
        if token.isdigit() and _after_spaced_letter(masked, match.start(1), spaced):
            continue
        in_context = _in_order_context(masked, match.start(1))
        if token.isdigit():
            if says_code and len(token) == 6 and not in_context:
                continue
            if not (in_context and digits >= 4) and not (assume_order and digits >= 3):
                continue
        elif digits < 3 and not in_context:
            continue
        found.append((match.start(1), token.upper()))
    return list(dict.fromkeys(token for _, token in sorted(found)))


def _after_spaced_letter(masked: str, start: int, spaced: set[int]) -> bool:
    """True when these digits follow the letter of an id written with a space ("g 7731")."""
    return start - 2 in spaced and masked[start - 1] == " "


_CODE_PATTERN = re.compile(r"(?<![\w#$£€.,/-])(\d{3}[- ]?\d{3}|\d{2} \d{2} \d{2})(?![\w.,/-]*\d)")


def extract_code(text: str) -> str | None:
    """Return a six-digit one-time code ("123456", "12 34 56", "123-456"), or None.

    Digits that belong to an order id, phone number, price or postcode are never taken.
    """
    text = text[:MAX_PARSED_CHARS]
    masked = _masked(text)
    for match in _CODE_PATTERN.finditer(masked):
        if _in_order_context(masked, match.start()):
            continue
        return re.sub(r"\D", "", match.group(1))
    return None
