"""An action the customer says not to do: "don't cancel it", "oubliez le remboursement".

The intent classifier reads words, not their negation, so "doch nicht stornieren" can read as a
cancellation. These patterns find a cancellation or a refund said not to be done, in the five
languages: a negated imperative or wish right before the action ("no lo canceles", "je ne veux
plus être remboursé"), no need for it ("não precisa cancelar"), or the action let go ("forget
the refund", "vergessen Sie die Erstattung"). A clause that asks ("why didn't you cancel
it?") withdraws nothing, and neither does a report ("I haven't had my refund"), which none of
the patterns reads.
"""

from __future__ import annotations

import re

from graph.limits import MAX_PARSED_CHARS
from graph.offline.lexicon import CANCEL, REFUND

_EN_NOT = r"(?:don'?t|do not|no need to|rather not|no longer (?:want|need) to)\s+(?:\w+\s+){0,2}?"
_EN_LET_GO = r"(?:forget|never ?mind|scrap|skip|drop)(?: about)?(?: the| my| that| this)?\s+"
_LET_GO = r"(?:vergiss|vergessen sie)(?: das mit)?(?: der| die)?\s+"
_WITHDRAWN = {
    CANCEL: re.compile(
        rf"\b{_EN_NOT}cancel|\b{_EN_LET_GO}cancell?ation"
        r"|\bno\s+(?:lo |la |los |las |me )?(?:cancel|anul)(?:es|e|en|éis)\b"
        r"|\b(?:ya )?no (?:quiero|hace falta|necesito)\s+(?:cancelar|anular)"
        r"|\bolvid\w{0,4}(?: lo de)?(?: la)? (?:cancelaci|anulaci)"
        r"|\b(?:doch )?nicht\s+(?:mehr\s+)?stornier(?:en|e)\b|\bkeine\s+stornierung"
        rf"|\b{_LET_GO}stornierung"
        r"|\bn'annul\w{0,6}\s+pas|\bne\s+(?:l'|la |le |les )?annul\w{0,6}\s+pas|\bne pas annuler"
        r"|\b(?:pas|plus) besoin d'annuler|\bje ne veux plus annuler|\boubli\w{0,3}\s+l'annulation"
        r"|\bn[ãa]o\s+(?:cancel|anul)(?:a|e|em|ar)\b"
        r"|\bn[ãa]o\s+(?:precisa|quero)(?: mais)?(?: de)?\s+(?:cancelar|anular)"
        r"|\besque(?:ce|ça)\s+o\s+cancelamento",
        re.IGNORECASE),
    REFUND: re.compile(
        rf"\b{_EN_NOT}(?:refund|money back)|\b{_EN_LET_GO}refund"
        r"|\bno longer (?:want|need)(?: the| my| a)? refund"
        r"|\bolvid\w{0,4}(?: lo de)?(?: el| mi)? reembolso"
        r"|\b(?:ya )?no (?:quiero|hace falta|necesito)(?: el| mi)? reembolso"
        r"|\bno\s+(?:me\s+)?(?:reembols|devolv)(?:es|éis|an|e)\b"
        rf"|\b{_LET_GO}(?:r(?:ü|ue)ck)?erstattung|\bkeine\s+(?:r(?:ü|ue)ck)?erstattung"
        r"|\b(?:r(?:ü|ue)ck)?erstattung\s+(?:brauche|will|möchte)\s+ich\s+(?:doch\s+)?nicht"
        r"|\boubli\w{0,3}\s+(?:le\s+)?remboursement|\bje ne veux plus (?:être |le )?rembours"
        r"|\b(?:pas|plus) besoin d'(?:être )?rembours|\bne (?:me )?rembours\w{0,6} pas"
        r"|\besque(?:ce|ça)\s+o\s+reembolso|\bn[ãa]o quero (?:mais )?o reembolso"
        r"|\bj[áa] n[ãa]o quero(?: o)? reembolso|\bn[ãa]o precisa(?: mais)?(?: de)? reembols",
        re.IGNORECASE),
}
_NAMED = {
    CANCEL: re.compile(r"cancel|annul|anul|storn", re.IGNORECASE),
    REFUND: re.compile(r"refund|money back|reembols|erstatt|rembours|devol", re.IGNORECASE),
}
_CLAUSE = re.compile(r"[^.!?;,\n]+[.!?;,\n]?")


def withdraws(text: str, action: str) -> bool:
    """Whether the message says not to do `action` (a cancellation or a refund) and never asks
    for it: every clause that names it withdraws it, and none of them is a question."""
    if action not in _WITHDRAWN:
        return False
    named = [clause for clause in _CLAUSE.findall(text[:MAX_PARSED_CHARS])
             if _NAMED[action].search(clause)]
    return bool(named) and all(
        "?" not in clause and _WITHDRAWN[action].search(clause) for clause in named)
