"""Every reader of customer text takes time in proportion to the text, however it is written."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from graph.addresses import extract_address
from graph.affirmation import classify_reply
from graph.escalation_signals import escalation_signal
from graph.identity import asks_for_new_code
from graph.languages import detect_language
from graph.offers import read_offer_reply
from graph.offline.amounts import relative_share, unread_amounts
from graph.offline.quantities import unit_price, units_affected
from graph.slots import (
    extract_amount,
    extract_code,
    extract_email,
    extract_order_ids,
    extract_phone,
)
from tests.graph.offline.conversation import Chat

LONG = 100_000
"""Characters in a long message: far past what any channel lets through by default."""
SHORT = 500
GROWTH = 8.0
"""Four times the text may take at most this many times as long: four for linear time, twice
that for noise. Time that grows with the square of the text would take sixteen."""
NOISE = 0.002
"""Seconds a reading may take longer than that, for a busy machine."""
REALISTIC = (
    "Hi, it's me again about order 48213 (ref #A-1001): the glass vase arrived smashed, so "
    "please refund £8.50 to my card, or send it to 10 Downing St, London SW1A 2AA, UK. Call "
    "+44 20 7946 0958 or mail me at noor.haddad@example.org, code 123 456. THANKS!!! "
)


def _repeated(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


FAMILIES: dict[str, Callable[[int], str]] = {
    "letters": _repeated("a"),
    "digits": _repeated("1"),
    "unicode letters": _repeated("é"),
    "number and word": _repeated("1 a "),
    "at signs": _repeated("a@"),
    "letters then at": lambda n: "a" * (n - 1) + "@",
    "dots": _repeated("."),
    "commas": _repeated("1,"),
    "dashes": _repeated("1-"),
    "hashes": _repeated("#1 "),
    "street words": _repeated("astrasse"),
    "house numbers": _repeated("12 high street "),
    "currency signs": _repeated("$1 "),
    "thousands": _repeated("111 "),
    "spaces after a number": lambda n: "5" + " " * (n - 2) + "x",
    "sub-cent amounts": _repeated("-0.001 "),
    "newlines": _repeated("a\n"),
    "order words": _repeated("order number is "),
    "shouting": _repeated("HELP ME NOW "),
    "yes and no": _repeated("yes no cancel keep "),
    "emoji": _repeated("👍"),
    "number words": _repeated("one two three "),
    "number words and currency": _repeated("twenty five euros "),
    "german compound numbers": _repeated("fünfundzwanzig"),
    "hyphenated numbers": _repeated("quatre-vingt-"),
    "cent words": _repeated("one cent "),
    "banknotes": _repeated("a tenner "),
    "slang for money": _repeated("10 balles de "),
    "letter and digits": _repeated("g 7731 "),
    "order words elsewhere": _repeated("pedido nº "),
    "street words first": _repeated("calle "),
    "street words and numbers": _repeated("calle mayor 12 "),
    "french streets": _repeated("12 rue "),
    "abbreviations with dots": _repeated("av. "),
    "flats": _repeated("apto 5 "),
    "ordinal floors": _repeated("3º B "),
    "flat then comma": _repeated("Flat 3, "),
    "postcode and city": _repeated("28013 madrid "),
    "hyphen separators": _repeated(" - "),
    "percentages": _repeated("50% "),
    "halves": _repeated("half "),
    "negated parts": _repeated("not the "),
    "yes and no elsewhere": _repeated("sí no ja nein oui non sim não "),
    "per piece": _repeated("8 € cada uno "),
    "counts of the": _repeated("1 de los "),
    "realistic": _repeated(REALISTIC),
}
OFFER: dict[str, Any] = {
    "order_id": "48213", "question": "Reply 1 to keep it, or 2 to cancel.",
    "options": [{"number": 1, "label": "Keep it", "words": ["keep"], "action": "keep"},
                {"number": 2, "label": "Cancel the order", "words": ["cancel"]}],
}


@dataclass(frozen=True)
class Parser:
    name: str
    read: Callable[[str], object]
    bound: float = 1.0
    """Seconds it may take on one long message."""


PARSERS = [
    Parser("extract_address", extract_address),
    Parser("detect_language", detect_language),
    Parser("extract_order_ids", lambda text: extract_order_ids(text, assume_order=True)),
    Parser("extract_amount", lambda text: extract_amount(text, allow_bare_integer=True)),
    Parser("extract_code", extract_code),
    Parser("extract_email", extract_email),
    Parser("extract_phone", lambda text: extract_phone(text, "GB")),
    Parser("classify_reply", classify_reply),
    Parser("relative_share", relative_share),
    Parser("unread_amounts", lambda text: unread_amounts(text, bare_zero=True)),
    Parser("units_affected", units_affected),
    Parser("unit_price", unit_price),
    Parser("escalation_signal", lambda text: escalation_signal(text, [text, text])),
    Parser("asks_for_new_code", asks_for_new_code),
    Parser("read_offer_reply", lambda text: read_offer_reply(OFFER, text)),
    Parser("offline model", lambda text: Chat().say(text), bound=3.0),
]


def _seconds(read: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    read(text)
    return time.perf_counter() - started


def _best_of_three(read: Callable[[str], object], text: str) -> float:
    """The fastest of three readings, each of a text not seen before (nothing cached helps)."""
    return min(_seconds(read, text + " " * copy) for copy in range(3))


@pytest.fixture(autouse=True, scope="module")
def _classifiers_trained() -> None:
    """The classifiers are trained when the server starts, not on a customer's message."""
    from graph.classifier import load

    load()


@pytest.mark.parametrize("parser", PARSERS, ids=[parser.name for parser in PARSERS])
def test_a_long_adversarial_message_is_read_in_bounded_time(parser: Parser) -> None:
    slow = {family: round(took, 2) for family, make in FAMILIES.items()
            if (took := _seconds(parser.read, make(LONG))) > parser.bound}
    assert slow == {}, f"{parser.name} on {LONG:,} characters took seconds: {slow}"


@pytest.mark.parametrize("parser", PARSERS, ids=[parser.name for parser in PARSERS])
def test_four_times_the_text_takes_about_four_times_as_long(parser: Parser) -> None:
    grown = {}
    for family, make in FAMILIES.items():
        short = _best_of_three(parser.read, make(SHORT))
        long = _best_of_three(parser.read, make(4 * SHORT))
        if long > GROWTH * short + NOISE:
            grown[family] = f"{short * 1000:.1f} ms, then {long * 1000:.1f} ms"
    assert grown == {}, f"{parser.name} on {SHORT} and {4 * SHORT} characters: {grown}"
