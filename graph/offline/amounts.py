"""Sums of money the slot parser cannot hold: "-10", "0.001", "1e9", "0 euros"; and sums said
as a part of the order ("half", "50%", "la mitad", "the full amount") or of a price the customer
names ("it cost £40, I'd like 25% back")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from graph.limits import MAX_PARSED_CHARS
from graph.money import Amount, amount_spans
from graph.numerals import read_number

# A number where one begins (never again inside it), with a minus sign or currency sign before
# it and an exponent after it allowed; its digits and separators are matched by one alternative
# each, so nothing is tried twice.
_NUMBER = re.compile(
    r"(?<![\w.,\-−])(?P<minus>[-−]?)(?P<sign>R\$|[£$€¥]|)(?P<minus_after>[-−]?)"
    r"(?P<num>\d++(?:[.,]\d++)?|[.,]\d++)(?P<exp>e[+-]?\d{1,9})?(?![\w.,]*\d)",
    re.I,
)
_CURRENCY_AFTER = re.compile(
    r"\s?(?:[£$€¥]|(?:eur|euros?|usd|dollars?|d[óo]lar(?:es)?|gbp|pounds?|quid|bucks|libras?|pfund"
    r"|livres?|brl|reais|real|mxn|pesos|cad|aud|chf|franken|yen)\b)", re.I)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class WrittenAmount:
    """A number written as a sum of money, kept as written for the refund tool to judge.

    Attributes:
        value: The number in the form `Decimal` reads: "-10", "0.001", "1e9", "0".
        start: Where it starts in the text (its currency sign included).
        end: Where it ends.
    """

    value: str
    start: int
    end: int


def unread_amounts(text: str, *, bare_zero: bool = False) -> list[WrittenAmount]:
    """Numbers meant as money that no refund can be: negative, in exponent form, under a cent.

    A plain zero counts when it has a currency ("0 euros", "€0") or when `bare_zero` is set,
    as when the customer was just asked for an amount.

    Args:
        text: The customer's message.
        bare_zero: Count a zero without a currency too.
    """
    found: list[WrittenAmount] = []
    for match in _NUMBER.finditer(text[:MAX_PARSED_CHARS]):
        digits = match["num"].replace(",", ".")
        negative = bool(match["minus"] or match["minus_after"])
        value = f"{'-' if negative else ''}{digits}{match['exp'] or ''}"
        odd = negative or bool(match["exp"]) or Decimal(digits) < _CENT
        has_currency = bool(match["sign"]) or bool(_CURRENCY_AFTER.match(text, match.end()))
        if odd and (Decimal(digits) != 0 or negative or has_currency or bare_zero):
            found.append(WrittenAmount(value, match.start(), match.end()))
    return found


def blank(text: str, amounts: list[WrittenAmount]) -> str:
    """The text with these amounts replaced by spaces, so no other parser reads them."""
    chars = list(text)
    for amount in amounts:
        chars[amount.start:amount.end] = " " * (amount.end - amount.start)
    return "".join(chars)


_HALF = frozenset("half halves mitad hälfte haelfte halbe halben moitié moitie metade".split())
_PARTS = {
    "third": 3, "thirds": 3, "tercio": 3, "tercios": 3, "drittel": 3, "tiers": 3,
    "terço": 3, "terços": 3, "terco": 3, "tercos": 3,
    "quarter": 4, "quarters": 4, "cuarto": 4, "cuartos": 4, "viertel": 4, "quart": 4,
    "quarts": 4, "quarto": 4, "quartos": 4,
}
"""Thirds and quarters, which need a number or article before them ("a third", "tres
cuartos"): alone, "cuarto" and "quarto" are rooms."""
_ORDINAL_PARTS = {"tercera": 3, "cuarta": 4, "terça": 3, "terca": 3, "quarta": 4}
_ONE = frozenset("a an one un una une ein eine einen um uma".split())
_NOT_MONEY_AFTER = frozenset(
    "hour hours past to an day days week weeks month months year years time way dozen asleep "
    "hora horas día dia días dias semana mes año camino stunde stunden tag tage woche jahr "
    "heure heures d'heure jour jours semaine mois an ans chemin mês ano caminho".split()
)
"""Words that make a part a time or a count, not money: "half an hour", "un quart d'heure"."""
_NOT_MONEY_BEFORE = frozenset("other better my your his her mi meine ma minha".split())
"""Words that make "half" a person: "my other half"."""
_ARTICLES = frozenset("the a an el la los las der die das den le les o os as".split())
_NEGATIONS = frozenset("not no nicht kein keine pas não nao ni nem".split())
_SHARE_CUES = frozenset(
    [*_HALF, *_PARTS, *_ORDINAL_PARTS, "percent", "prozent", "pourcent", "cent", "ciento",
     "cento"])
"""The words `_part_in` reads a share from; any other word is passed over at once."""
_PERCENT_WORDS = ("percent", "per cent", "pct", "por ciento", "prozent", "pour cent",
                  "pourcent", "por cento")
_SURE = frozenset(
    "sure certain positive correct seguro segura sicher sûr sûre sur certo certa".split()
)
"""Words after "100%" that make it a certainty, not a sum."""
# A percentage written with digits: the number starts where digits begin and has at most
# three whole digits, so nothing is tried twice.
_PERCENT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,2})?)\s?(?:%|(?:" + "|".join(_PERCENT_WORDS) + r")\b)"
)
_DIGIT_FRACTION = re.compile(r"(?<![\w/.,])([1-3])/([2-4])(?![\w/.,])")
_SHARE_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|%")
_FULL_PHRASES = [phrase.split() for phrase in (
    # English
    "full amount|full refund|full price|full sum|in full|whole amount|whole thing|whole lot|"
    "entire amount|the total|total amount|all of it|all my money|all the money|all back|"
    "everything back|every penny|every cent|my money back|the lot|"
    # Spanish
    "todo el importe|importe completo|importe total|el total|la totalidad|todo el dinero|"
    "todo mi dinero|reembolso completo|reembolso total|devolución completa|devolución total|"
    "devolucion completa|devolucion total|todo de vuelta|precio completo|"
    # German
    "vollen betrag|voller betrag|ganzen betrag|gesamten betrag|gesamtbetrag|vollen preis|"
    "alles zurück|alles zurueck|ganze geld|ganzes geld|volle erstattung|"
    "vollständige erstattung|komplett erstatten|komplett zurück|vollständig erstatten|"
    # French
    "montant total|la totalité|la totalite|tout le montant|montant intégral|montant complet|"
    "remboursement intégral|remboursement complet|remboursement total|intégralement|"
    "integralement|en totalité|tout rembourser|tout mon argent|"
    # Portuguese
    "valor total|valor todo|valor inteiro|valor integral|a totalidade|reembolso integral|"
    "tudo de volta|todo o valor|todo o dinheiro|dinheiro de volta|integralmente"
).split("|")]
_FULL_BY_FIRST: dict[str, list[list[str]]] = {}
for _phrase in _FULL_PHRASES:
    _FULL_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)
_ALONE_FULL = frozenset(
    "all everything full total whole entire todo todos tudo tout alles komplett complet "
    "completo".split()
)
"""Words that ask for everything when they are the whole answer ("all", "tudo, por favor"),
though not inside a sentence ("todo bien", "thanks for everything")."""
_POLITE = frozenset(
    "please pls plz thanks thank you the it of back refund por favor gracias bitte danke "
    "s'il vous plaît plait svp merci obrigado obrigada de volta zurück zurueck ok okay just "
    "yes sí si ja oui sim".split()
)
_PARTIAL = frozenset("part some partial portion parte algo teil etwas partie".split())
"""Words that make a following full-amount phrase only a part of it: "part of the total"."""


def relative_share(text: str) -> Fraction | None:
    """The part of the order's total the customer asks for, or None when they name none.

    Reads halves, thirds and quarters ("half of it", "la mitad", "die Hälfte", "la moitié",
    "metade", "two thirds", "un quart"), percentages ("50%", "fifty percent", "25 Prozent")
    and the whole ("the full amount", "everything back", "todo el importe", "alles zurück",
    "la totalité", "o valor total", a lone "all" or "tudo") as 1. A sum of money the text
    names is not looked at: call this when `extract_amount` found none.

    Args:
        text: The customer's message, read up to `MAX_PARSED_CHARS` characters.

    Returns:
        A fraction above 0 and at most 1, or None.
    """
    lowered = text[:MAX_PARSED_CHARS].lower().replace("’", "'")
    runs = list(_SHARE_WORD.finditer(lowered))
    words = [run.group() for run in runs]

    def negated(i: int) -> bool:
        return _negated(lowered, runs, i)

    for share in (_percent_in(lowered), _part_in(words, negated), _digit_fraction_in(lowered)):
        if share is not None:
            return share
    return Fraction(1) if _asks_for_everything(words, negated) else None


_PRICE_WORDS = frozenset(
    "cost costs paid pay priced was were costó costo cuesta costaba pagué pague pagado pagó "
    "valía era gekostet kostet kostete bezahlt gezahlt war payé paye payée coûté coute coûtait "
    "coûte était paguei pago custou custava".split())
"""Words that make the sum beside them a price rather than the sum asked for: "it cost £40",
"j'ai payé la lampe 50 euros", "die Vase hat 30 Euro gekostet"."""
_CLAUSE_END = re.compile(r"[,.;:!?\n]")


def share_of_price(text: str) -> Amount | None:
    """The part asked of a price the message names: "it cost £40, I'd like 25% back" asks for
    £10, "paguei 80 reais, me devolvam metade" for 40. None unless the message names exactly
    one sum, said as what something cost, and a part of it below the whole.

    Args:
        text: The customer's message, read up to `MAX_PARSED_CHARS` characters.
    """
    lowered = text[:MAX_PARSED_CHARS].lower().replace("’", "'")
    spans = amount_spans(lowered)
    if len(spans) != 1:
        return None
    start, end, price = spans[0]
    clause_after = _CLAUSE_END.split(lowered[end:end + 40], maxsplit=1)[0]
    beside = {*_SHARE_WORD.findall(lowered[max(0, start - 40):start])[-3:],
              *_SHARE_WORD.findall(clause_after)[:5]}  # "48 Euro für die Lampe bezahlt"
    if not beside & _PRICE_WORDS:
        return None
    share = relative_share(lowered[:start] + " " * (end - start) + lowered[end:])
    if share is None or share >= 1:
        return None
    return Amount(share_of(price.value, share), price.currency)


def _negated(lowered: str, runs: list[re.Match[str]], i: int) -> bool:
    """True when a negation stands right before word i, an article between allowed ("not the
    full amount"); a comma parts them ("no, half" asks for half)."""
    j = i - 1
    if j > 0 and runs[j].group() in _ARTICLES:
        j -= 1
    if j < 0 or runs[j].group() not in _NEGATIONS:
        return False
    return all(not lowered[runs[k].end():runs[k + 1].start()].strip() for k in range(j, i))


def share_of(total: Decimal | str, share: Fraction) -> Decimal:
    """The share of a total in cents, rounded half up: a third of 10.00 is 3.33."""
    total = Decimal(str(total))
    exact = total * share.numerator / share.denominator
    return min(exact.quantize(_CENT, rounding=ROUND_HALF_UP), total)


def _percent_in(lowered: str) -> Fraction | None:
    for match in _PERCENT.finditer(lowered):
        after = lowered[match.end():match.end() + 20].split()
        if after and after[0].strip(".,!") in _SURE:
            continue  # "100% sure"
        share = Fraction(match.group(1).replace(",", ".")) / 100
        if 0 < share <= 1:
            return share
    return None


def _digit_fraction_in(lowered: str) -> Fraction | None:
    for match in _DIGIT_FRACTION.finditer(lowered):
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if numerator < denominator:
            return Fraction(numerator, denominator)
    return None


def _part_in(words: list[str], negated: Callable[[int], bool]) -> Fraction | None:
    """Halves, thirds, quarters and percentages said in words."""
    for i, word in enumerate(words):
        if word not in _SHARE_CUES:
            continue
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if negated(i) or before in _NOT_MONEY_BEFORE or set(words[i + 1:i + 4]) & _NOT_MONEY_AFTER:
            continue
        if word in _HALF:
            if before == "à" and after != "prix":
                continue  # "à moitié cassé" is half broken
            return Fraction(1, 2)
        if word in _ORDINAL_PARTS and after == "parte":  # "la tercera parte"
            return Fraction(1, _ORDINAL_PARTS[word])
        if word in _PARTS:
            count = _count_before(words, i)
            if count is not None and 0 < count < _PARTS[word]:
                return Fraction(count, _PARTS[word])
        spelled = word == "cent" and before in ("per", "pour") or word == "ciento" and \
            before == "por" or word == "cento" and before == "por"
        if word in ("percent", "prozent", "pourcent") or spelled:
            count = _count_before(words, i - 1 if spelled else i)
            if count is not None and 0 < count <= 100:
                return Fraction(count, 100)
    return None


def _count_before(words: list[str], at: int) -> int | None:
    """The number written in words just before `words[at]`: "three" in "three quarters"."""
    if at and words[at - 1] in _ONE:
        return 1  # "a third", "un quart", "ein Viertel"
    for start in range(max(0, at - 4), at):
        read = read_number(words[start:at])
        if read is not None and read[1] == at - start:
            return read[0]
    return None


def _asks_for_everything(words: list[str], negated: Callable[[int], bool]) -> bool:
    for i, word in enumerate(words):
        for phrase in _FULL_BY_FIRST.get(word, ()):
            if words[i:i + len(phrase)] != phrase or negated(i):
                continue
            if not set(words[max(0, i - 3):i]) & _PARTIAL:
                return True
    significant = [word for word in words if word not in _POLITE]
    return len(significant) == 1 and significant[0] in _ALONE_FULL
