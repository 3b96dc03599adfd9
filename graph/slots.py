"""Slot parsers that pull e-mails, codes, order ids, amounts and phones from text (addresses:
`graph/addresses.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from graph.addresses import UK_POSTCODE, extract_address
from graph.limits import MAX_PARSED_CHARS


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
_CURRENCY_SIGNS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
_CURRENCY_WORDS = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD", "eur": "EUR", "euro": "EUR",
    "euros": "EUR", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "cad": "CAD",
    "aud": "AUD", "chf": "CHF", "jpy": "JPY", "yen": "JPY",
}
# At most five groups of thousands: an unbounded group run would be rescanned from every group.
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3}){1,5}(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100,
}
_CUR_WORD = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))
_AMOUNT_PATTERNS = (
    re.compile(rf"(?P<cur>[$£€¥])\s?(?P<num>{_NUMBER})(?![\d])"),
    re.compile(rf"\b(?P<cur>usd|eur|gbp|cad|aud|chf|us\$)\s?\$?(?P<num>{_NUMBER})(?![\d])", re.I),
    re.compile(rf"(?<![\w.,])(?P<num>{_NUMBER})\s?(?P<cur>[$£€¥]|(?:{_CUR_WORD})\b)", re.I),
    re.compile(r"(?<![\w.,])(?P<num>\d+)\s?(?P<cur>cents?)\b", re.I),
    re.compile(rf"\b(?P<word>{'|'.join(_WORD_NUMBERS)})\s(?P<cur>(?:{_CUR_WORD})\b)", re.I),
)
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


@lru_cache(maxsize=32)
def _amount_spans(text: str) -> tuple[tuple[int, int, Amount], ...]:
    found: list[tuple[int, int, Amount]] = []
    taken = bytearray(len(text) + 1)  # 1 where an amount already found covers the character
    for pattern in _AMOUNT_PATTERNS:
        for match in pattern.finditer(text):
            if taken[match.start()]:
                continue
            cur = match.group("cur").lower()
            groups = match.groupdict()
            if groups.get("word"):
                value: Decimal | None = Decimal(_WORD_NUMBERS[groups["word"].lower()])
            else:
                value = _to_decimal(match.group("num"))
            if value is None:
                continue
            if cur.startswith("cent"):
                value, currency = value / 100, None
            else:
                currency = _CURRENCY_SIGNS.get(cur) or _CURRENCY_WORDS.get(cur.rstrip("$")) or "USD"
            found.append((match.start(), match.end(), Amount(value.quantize(_CENT), currency)))
            taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    return tuple(sorted(found, key=lambda span: span[0]))


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


_ORDER_WORD = r"(?:order|ord|purchase|ref|reference|confirmation)"
_ORDER_CONTEXT = re.compile(
    rf"(?:{_ORDER_WORD}s?\b\W*(?:(?:number|no|num|nr|id|code|is|was|=)\b\W*){{0,3}}|#\s?)$", re.I
)
_TOKEN = re.compile(
    r"(?<![\w@.$£€/-])#?\s?([A-Za-z0-9]+(?:-[A-Za-z0-9]+){0,3})(?![\w@/-]|[.,]\d)"
)
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

    Args:
        text: Free customer text.
        assume_order: The customer was just asked for an order number, so a bare number of
            three or more digits counts even without the word "order".
    """
    text = text[:MAX_PARSED_CHARS]
    masked = _masked(text)
    says_code = bool(_CODE_WORD.search(text))
    ids: dict[str, None] = {}
    for match in _TOKEN.finditer(masked):
        token = match.group(1)
        digits = sum(ch.isdigit() for ch in token)
        if not digits or not 3 <= len(token) <= 20 or _NOT_AN_ID.match(token):
            continue
        in_context = _in_order_context(masked, match.start(1))
        if token.isdigit():
            if says_code and len(token) == 6 and not in_context:
                continue
            if not (in_context and digits >= 4) and not (assume_order and digits >= 3):
                continue
        elif digits < 3 and not in_context:
            continue
        ids.setdefault(token.upper())
    return list(ids)


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
