"""Partial refunds by count: "only one of the 3 glasses was broken, they were 8 each", "dos de
los vasos llegaron rotos", "nur eins war kaputt, je Stück 8 €"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.limits import MAX_PARSED_CHARS
from graph.numerals import read_number
from graph.offline.items import item_score

_NUMBER_WORDS = {
    "a": 1, "an": 1, "single": 1, "pair": 2, "couple": 2, "half": 0, "mitad": 0, "hälfte": 0,
    "moitié": 0, "metade": 0,
}
_COUNT_WORDS = (
    "one two three four five six seven eight nine ten "
    "uno una un dos tres cuatro cinco seis siete ocho nueve diez "
    "ein eine einer eins zwei drei vier fünf sechs sieben acht neun zehn "
    "une deux trois quatre cinq sept huit neuf dix "
    "um uma dois duas três sete oito nove dez"
).split()
"""Counts up to ten in the five languages (shared words such as "seis" once each)."""
_COUNT = (r"(\d{1,2}|a couple|a pair|half|" + "|".join(dict.fromkeys(_COUNT_WORDS)) + ")")
_OF_THE = re.compile(
    rf"\b{_COUNT}\s+(?:(?:out\s+)?of\s+(?:the|my|them|those|these|all)"
    r"|de\s+(?:los|las|mis|ellos|ellas|estos|estas|esos|esas|mes|ces|meus|minhas|eles|elas)"
    r"|des|dos|das|der|von\s+(?:den|meinen|diesen|ihnen))\b",
    re.I,
)
_ONLY = re.compile(
    rf"\b(?:only|just|solo|sólo|solamente|nur|seulement|juste|só|apenas|somente)\s+{_COUNT}\b"
    r"(?!\s*(?:[.,]\d|%|days?|weeks?|días?|dias?|tage?n?|jours?|[£$€]))",
    re.I,
)
_VERBS = (
    "was|were|is|are|arrived|came|got|had|"
    "llegó|llego|llegaron|está|esta|están|estan|estaba|estaban|vino|vinieron|"
    "ist|sind|war|waren|kam|kamen|"
    "est|sont|était|étaient|etait|etaient|"
    "chegou|chegaram|veio|vieram|estão|estao|estava|estavam"
)
# "one glass was broken", "2 plates arrived smashed", "dos vasos llegaron rotos", "zwei Gläser
# sind kaputt": a count, at most three words, then a verb.
_COUNTED_NOUN = re.compile(
    rf"\b{_COUNT}\s+(?:[^\W\d_]+\s+){{0,2}}?[^\W\d_]+\s+(?:{_VERBS})\b",
    re.I,
)
_DAMAGED = (
    r"(?:broken|broke|cracked|chipped|smashed|shattered|damaged|dented|torn|ripped|faulty|"
    r"missing|rot[oa]s?|dañad[oa]s?|astillad[oa]s?|kaputt|beschädigt|zerbrochen|gesprungen|"
    r"cass[ée]e?s?|ab[îi]m[ée]e?s?|endommag[ée]e?s?|f[êe]l[ée]e?s?|quebrad[oa]s?|"
    r"danificad[oa]s?|partid[oa]s?|trincad[oa]s?)"
)
# "but 1 was cracked", "uno llegó roto": a count with no noun, said of damage only, since "4 is
# fine" names a sum, not pieces.
_COUNT_DAMAGED = re.compile(
    rf"\b{_COUNT}\s+(?:{_VERBS})\s+(?:(?:all|totally|completely|really|very|muy|ganz|"
    rf"completamente|totalement|tout)\s+)?{_DAMAGED}(?!\w)",
    re.I,
)
_PER_PIECE = (
    r"(?:each|apiece|a piece|per (?:piece|item|unit|one)|cada (?:uno|una|um|uma)|cada|"
    r"la unidad|por unidad|pro st[üu]ck|das st[üu]ck|je st[üu]ck|la pi[èe]ce|pi[èe]ce|"
    r"chacune?|l'unit[ée]|par pi[èe]ce|a unidade|por unidade|por pe[çc]a)"
)
_EACH_WAS = (
    r"(?:each (?:one )?(?:was|is|cost|costs|were)|"
    r"cada (?:uno|una|um|uma) (?:cost[óo]|costaba|cuesta|val[íi]a|vale|custou|custava|custa)|"
    r"jeweils|chacune? (?:co[ûu]tait|co[ûu]te|a co[ûu]t[ée]))"
)
# A price starts at its currency sign or where its digits begin, never again inside them, and
# spaces are taken whole (possessive): two optional runs of spaces side by side would be split
# every possible way before giving up.
_EACH = re.compile(
    r"(?:[£$€]\s*+)?(?<!\d)(\d++(?:[.,]\d{1,2})?)\s*+"
    r"(?:(?:[£$€]|eur|euros?|usd|dollars?|gbp|pounds?|quid|bucks|reais|libras?)\s*+)?"
    rf"{_PER_PIECE}\b"
    rf"|\b{_EACH_WAS}\s*+(?:[£$€]\s*+)?(\d+(?:[.,]\d{{1,2}})?)",
    re.I,
)


def _count(word: str) -> int | None:
    word = word.lower().replace("a couple", "couple").replace("a pair", "pair")
    if word.isdigit():
        return int(word)
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    read = read_number([word])
    return read[0] if read else None


def units_affected(text: str) -> int | None:
    """How many pieces the customer says had a problem, when they say a count."""
    text = text[:MAX_PARSED_CHARS]
    for pattern in (_OF_THE, _ONLY, _COUNTED_NOUN, _COUNT_DAMAGED):
        if match := pattern.search(text):
            count = _count(match.group(1))
            if count:
                return count
    return None


def unit_price(text: str) -> Decimal | None:
    """A price per piece the customer states ("8 each", "each was £4.50", "8 € pro Stück")."""
    text = text[:MAX_PARSED_CHARS]
    match = _EACH.search(text)
    if match is None:
        return None
    try:
        return Decimal((match.group(1) or match.group(2)).replace(",", "."))
    except InvalidOperation:
        return None


def item_amount(order: dict[str, Any] | None, units: int | None, price: Decimal | None,
                words: list[str]) -> tuple[str | None, bool]:
    """The refund for what the customer says was wrong, and whether it is unclear.

    A count of pieces ("one of the two mugs") is refunded as that many pieces of the line they
    name (at the price they state, else the line's); naming one item of an order with several
    ("a refund on the shoes") refunds that item's line. It is unclear, and the customer is
    asked how much, when the pieces cannot be priced or several items are named. (None, False)
    means the whole order.

    Args:
        order: The order's summary with its "lines" (name, qty, unit_price) and total, if known.
        units: Pieces affected, when the customer counted them.
        price: A price per piece the customer stated, preferred over the order's.
        words: The customer's words, to pick the line they name.
    """
    if order is None:
        return (None, True) if units else (None, False)
    lines = [line for line in order.get("lines") or [] if int(line.get("qty") or 1) > 0]
    named = lines_named(lines, words) if len(lines) > 1 else lines
    total = decimal_of(order.get("total"))
    if units:
        line = named[0] if len(named) == 1 else None
        each = price if price is not None else decimal_of(line.get("unit_price")) if line else None
        if line is not None and units >= int(line.get("qty") or 1):
            return (None, False) if len(lines) == 1 else (_line_total(line), False)
        if each is None and line is not None and len(lines) == 1 and total is not None:
            each = total / int(line.get("qty") or 1)
        if each is None or (total is not None and each * units > total):
            return None, True
        return f"{each * units:.2f}", False
    if len(lines) > 1 and len(named) == 1:
        return _line_total(named[0]), False
    return None, 1 < len(named) < len(lines)


_IS = frozenset("is are was were está están esta estan ist sind est sont va vont estão estao "
                "é são sao".split())
_FINE = frozenset("fine ok okay alright good perfect bien perfecto perfecta perfectos perfectas "
                  "gut perfekt parfait parfaits parfaite parfaites bem boa boas bom bons "
                  "perfeito perfeita perfeitos perfeitas".split())


def lines_named(lines: list[dict[str, Any]], words: list[str]) -> list[dict[str, Any]]:
    """The order lines whose product the words name best (ties all kept), [] when none; a
    product said to be fine ("the socks are fine") is not named."""
    fine = {words[i - 2] for i in range(2, len(words))
            if words[i] in _FINE and words[i - 1] in _IS}
    words = [word for word in words if word not in fine]
    scored = [(item_score([str(line.get("name", ""))], words), line) for line in lines]
    top = max((score for score, _ in scored), default=0.0)
    return [line for score, line in scored if top > 0 and score >= top - 1e-9]


def _line_total(line: dict[str, Any]) -> str | None:
    each = decimal_of(line.get("unit_price"))
    return f"{each * int(line.get('qty') or 1):.2f}" if each is not None else None


def decimal_of(value: Any) -> Decimal | None:
    """A price or total as stored (a string, a number or None), or None when it is none."""
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
