"""Slot parsers that pull e-mails, codes, order ids and phones from text (sums of money:
`graph/money.py`; addresses: `graph/addresses.py`)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from graph.addresses import extract_address
from graph.limits import MAX_PARSED_CHARS
from graph.money import Amount, amount_spans, bare_amount
from graph.postcodes import UK_POSTCODE

# A run of characters that can be part of an address, taken whole (it starts only where the
# run does): the whole run is the candidate when an @ sits inside it.
_EMAIL_CANDIDATE = re.compile(
    r"(?<![^\s<>()\[\],;:\"'])[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
_MAX_EMAIL_CHARS = 512
"""Longer candidates are not validated: no address on file is longer than 254 characters."""
_DOTS = frozenset(".\u3002\uff0e\uff61")
"""A domain needs one of these (IDNA reads the last three as dots) to be deliverable."""


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


def extract_amount(text: str, *, allow_bare_integer: bool = False) -> Amount | None:
    """Return the first sum of money in the text, or None.

    A number with a currency sign, code or word counts, and so does a bare decimal like
    "12.5". A bare integer counts only when the caller asked for an amount.

    Args:
        text: Free customer text.
        allow_bare_integer: Also accept a plain whole number such as "20".
    """
    text = text[:MAX_PARSED_CHARS]
    spans = amount_spans(text)
    if spans:
        return spans[0][2]
    if not _DIGIT.search(text):
        return None  # a sum with no currency is written in digits
    return bare_amount(_masked(text), allow_bare_integer=allow_bare_integer)


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
_PHONE_MARK = (r"[-xX\u2010-\u2015\u2212\u30fc\uff0d-\uff0f \u00a0\u00ad\u200b\u2060\u3000()"
               r"\uff08\uff09\uff3b\uff3d.\[\]/~\u2053\u223c\uff5e]")
"""What may part the digit blocks of a phone number: phonenumbers' valid punctuation."""
_PHONE_LIKE = re.compile(rf"(?:\d{_PHONE_MARK}{{0,4}}){{{_PHONE_DIGITS - 1}}}\d")
"""`_PHONE_DIGITS` digits, at most four marks between two of them: what a phone number the
matcher finds has, its blocks being parted by up to four marks, unless an extension
("+500 51234 ext. 5678") adds digits further off; a number with a plus sign is therefore looked
for whenever the text has the digits. Looked for before the matcher, which takes a fifth of a
millisecond on a long message."""
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
    spans += [(s, e) for s, e, _ in amount_spans(text)]
    spans += [m.span() for m in UK_POSTCODE.finditer(text) if not m.group(1).isdigit()]
    plus = "+" in text or "＋" in text
    if _PHONE_LIKE.search(text) or plus and len(_DIGIT.findall(text)) >= _PHONE_DIGITS:
        # without a region only numbers written with a plus sign are read
        regions = (None, "US") if plus else ("US",)
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
    if not _DIGIT.search(text):
        return []  # every id has a digit: no need to mask what is not there
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
        digits = sum(map(str.isdigit, token))
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
    if not _DIGIT.search(text):
        return None
    masked = _masked(text)
    for match in _CODE_PATTERN.finditer(masked):
        if _in_order_context(masked, match.start()):
            continue
        return re.sub(r"\D", "", match.group(1))
    return None
