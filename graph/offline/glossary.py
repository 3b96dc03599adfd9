"""Shop words in the five languages, each read as the English concept it stands for.

A business writes its actions' example requests in a few words of one language; a customer
asks in other words, or in another language. Reading both through these concepts ("devolver",
"zurückschicken", "send back" -> return) lets an example match a request that shares its
meaning rather than its spelling. A word ending in `*` stands for every word it begins; a
phrase written with `~` may have a few words between its two ends ("send the mug back").
"""

from __future__ import annotations

from functools import lru_cache

from graph.limits import MAX_PARSED_CHARS
from graph.offline.intents import tokenize

CONCEPTS: dict[str, str] = {
    "return": "return returns returning returned send_back sending_back post_back ship_back "
              "devolver devuelvo devolucion retourner retour retourne zuruckschick* "
              "zurucksend* zuruckgeb* rucksend* retoure* devolucao devolvo",
    "label": "label etiqueta etiquetas etikett* etiquette",
    "exchange": "exchange exchanged swap swapped switch trade change_for changed_for "
                "change~for replace_with "
                "cambiar cambio cambiarlo cambiarla umtausch* tausch* eintausch* echanger "
                "echange trocar troca",
    "size": "size sizes bigger smaller larger talla tamano grosse grosser kleiner taille "
            "tamanho maior menor size_up size_down",
    "colour": "colour color colours colors farbe couleur cor",
    "invoice": "invoice invoices receipt receipts bill vat_invoice factura facturas recibo "
               "rechnung* quittung beleg facture factures recu fatura faturas nota_fiscal",
    "again": "again resend resent re_send reship another_copy copy once_more otra_vez "
             "de_nuevo volver_a reenviar reenvio erneut nochmal noch_einmal nochmals "
             "de_nouveau a_nouveau renvoyer novamente outra_vez replacement replace new_one "
             "another_one reemplazo sustituto ersatz remplacement substituicao",
    "lost": "lost vanished missing disappeared never_arrived never_came never_showed "
            "never_turned never_got never_received perdido perdida perdio extraviado "
            "extraviada verloren verschwunden nie_angekommen perdu perdue disparu "
            "jamais_arrive pas_arrive nao_chegou nunca_chegou nunca_llego",
    "damaged": "damaged broken smashed crushed cracked shattered dented danado danada roto "
               "rota beschadigt kaputt zerbrochen endommage endommagee casse cassee abime "
               "abimee danificado danificada partido partida quebrado quebrada",
    "credit": "credit voucher vouchers store_credit goodwill gesture compensation compensate "
              "make_up un_vale vale_de vale_regalo cupon compensacion gutschein* gutschrift "
              "entschadigung kulanz "
              "avoir bon_d geste dedommagement credito compensacao cupom",
    "trouble": "trouble hassle inconvenience bother molestias molestia inconveniente "
               "arger unannehmlichkeit* desagrement derangement transtorno incomodo",
    "money": "money refund refunded dinero reembolso geld erstattung* ruckerstattung* "
             "argent remboursement rembourser dinheiro",
    "cancel": "cancel cancelar cancela storn* annuler annule",
    "send": "send sent ship dispatch post email mail enviar envie mandar schick* send* "
            "envoyer envoyez envoie",
    "warranty": "warranty guarantee garantia garantie gewahrleistung",
    "delivery": "parcel package delivery paquete pedido paket lieferung colis encomenda",
}
"""Each concept and the words (or `_`-joined phrases) that stand for it."""
MAX_PHRASE = 3
"""The longest phrase a concept is written with, in words."""
MIN_PREFIX = 4
GAP = 3
"""At most this many words between the two ends of a `~` phrase."""


def _index() -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]]]:
    words: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    split: dict[str, dict[str, str]] = {}
    for concept, members in CONCEPTS.items():
        for member in members.split():
            spelled = " ".join(member.split("_"))
            if "~" in spelled:
                head, tail = spelled.split("~")
                split.setdefault(head, {})[tail] = concept
            elif spelled.endswith("*"):
                prefixes[spelled[:-1]] = concept
            else:
                words[spelled] = concept
    return words, prefixes, split


_WORDS, _PREFIXES, _SPLIT = _index()
_LONGEST_PREFIX = max(map(len, _PREFIXES))


def _prefixed(word: str) -> str | None:
    for end in range(min(len(word), _LONGEST_PREFIX), MIN_PREFIX - 1, -1):
        if (concept := _PREFIXES.get(word[:end])) is not None:
            return concept
    return None


@lru_cache(maxsize=1024)
def concepts(text: str) -> tuple[str, ...]:
    """The concepts a text's words and short phrases stand for, in the order they come."""
    tokens = tokenize(text[:MAX_PARSED_CHARS])
    words = [token.text for token in tokens]
    found: list[str] = []
    for start, word in enumerate(words):
        for tail, concept in _SPLIT.get(word, {}).items():
            after = tokens[start + 1:start + GAP + 2]
            if any(t.text == tail and t.clause == tokens[start].clause for t in after):
                found.append(concept)
        for size in range(MAX_PHRASE, 1, -1):
            if start + size <= len(words):
                phrase = " ".join(words[start:start + size])
                if (concept := _WORDS.get(phrase)) is not None:
                    found.append(concept)
        concept = _WORDS.get(word) or _prefixed(word)
        if concept is not None:
            found.append(concept)
    return tuple(found)


REPEATS = 2
"""How many times each concept named is added: the meaning shared counts more than the
spelling shared."""


def glossed(text: str) -> str:
    """The text followed by the concepts it names, as words the examples can share."""
    named = concepts(text)
    return f"{text} {' '.join(named * REPEATS)}" if named else text
