"""What calls a person in however calm the customer is: asking for one, or a safety incident."""

from __future__ import annotations

import re

_PERSON = re.compile(
    r"\b(?:(?:speak|talk|chat|connect|transfer|escalate)\b.{0,30}\b"
    r"(?:human|person|agent|someone|somebody|manager|supervisor|operator|"
    r"representative|colleague)|"
    r"(?:real|live|actual|human)\s+(?:person|people|human|agent|being|support)|"
    r"(?:human|agent|manager|supervisor|operator|representative)\s*(?:please|pls|now|!|\?|$)|"
    r"not\s+(?:a|another|this)\s+(?:bot|robot|machine)|"
    r"(?:stop|enough)\b.{0,20}\b(?:bot|robot|machine)|"
    r"(?:is there|isn'?t there) (?:anyone|anybody|someone|somebody|a (?:real )?person)\b.{0,40}\b"
    r"(?:can|could|who|that|to)\b|(?:can|could) (?:someone|somebody|anyone|a person) (?:actually |"
    r"please |just )?(?:look|check|call|ring|deal)\b|"
    r"(?:habl(?:o|e|ar)|pasar) con (?:una |un |alguna |alg(?:ú|u)n )?"
    r"(?:persona|humano|agente|encargad[oa]|responsable|alguien)\b|persona (?:real|de verdad)|"
    r"(?:alguien|una persona) (?:que|pueda|puede) (?:lo )?(?:mire|revise|mirar|revisar)\b|"
    r"(?:sprechen|reden) (?:mit|zu) (?:einem |einer )?(?:mensch|mitarbeiter|jemand|berater)\w*|"
    r"mit (?:einem |einer )?(?:mensch|mitarbeiter|berater)\w* (?:sprechen|reden)|"
    r"(?:echte[rnm]?|richtige[rnm]?) (?:mensch|mitarbeiter)\w*|"
    r"(?:ein|einen?) mensch\w* (?:an|drauf|sprechen|schauen)|"
    r"kann (?:sich )?(?:das )?(?:bitte )?(?:mal )?(?:ein|jemand)\w* (?:mensch|mitarbeiter|"
    r"anschauen|ansehen|pr(?:ü|ue)fen)|"
    r"parler (?:(?:à|a|avec) )?(?:quelqu'un|(?:une? )?(?:vraie? )?(?:personne|humain|"
    r"conseill\w*|agent)\b)|vraie personne|(?:un |une )?(?:humain|conseill\w*) (?:svp|s'il vous "
    r"pla(?:î|i)t)|quelqu'un (?:peut|pourrait|qui peut) (?:regarder|v(?:é|e)rifier|m'aider|voir)|"
    r"falar com (?:uma |um )?(?:pessoa|atendente|humano|algu(?:é|e)m)\b|pessoa (?:de verdade|real)|"
    r"atendente (?:humano|real)|algu(?:é|e)m (?:que )?(?:possa|pode) (?:ver|verificar|olhar)\b)",
    re.IGNORECASE,
)
_DANGER = re.compile(
    r"\b(?:caught fire|on fire|set fire|burst into flames|flames|smoking|burning smell|"
    r"smell(?:s|ed)? (?:of )?burning|huele a quemado|ol(?:í|i)a a quemado|riecht verbrannt|"
    r"roch verbrannt|d(?:é|e)gag\w* de la fum(?:é|e)e|sent(?:ait)? le br(?:û|u)l(?:é|e)|"
    r"cheir\w* (?:a|de) queimado|"
    r"(?:gave|giving|gives) off smoke|smoke (?:came|coming|pouring)|burn(?:ed|t) (?:me|my|him|her)|"
    r"injur\w*|hospital|electric shock|dangerous|hazard(?:ous)?|poison\w*|allergic reaction|"
    r"incendi\w*|se quem(?:ó|o)|me quem(?:é|e)|quemadura|(?:ech|sal|sol)\w* humo|herid[oa]s?|"
    r"peligros[oa]|intoxica\w*|descarga el(?:é|e)ctrica|"
    r"feuer gefangen|brennt|rauchte?|qualm\w*|verbrannt|verletzt|krankenhaus|"
    r"\w*gef(?:ä|ae)hrlich|stromschlag|vergift\w*|"
    r"pris feu|incendie|fumait|fum(?:é|e)e (?:sort|sortait)|br(?:û|u)lure|bless(?:é|e)e?s?|"
    r"h(?:ô|o)pital|dangereu\w*|(?:é|e)lectrocut\w*|"
    r"pegou fogo|inc(?:ê|e)ndio|(?:sai|saiu|soltou|deitou) (?:fumo|fuma(?:ç|c)a)|queimou|"
    r"queimadura|ferid[oa]s?|perigos[oa]|choque el(?:é|e)trico|"
    # harm done to a child or a pet, or a charger melting
    r"(?:child|kid|son|daughter|baby|toddler|dog|cat|puppy|kitten|pet|he|she) (?:has |had |just )?"
    r"(?:swallowed|choked)|swallowed (?:a |an |the |some |one of )?(?:\w+ )?(?:batter(?:y|ies)|"
    r"magnets?|piece|part|bit)|(?:ate|eaten|eating) (?:some|it|a bit)\b.{0,40}\bmou?ld\w*|"
    r"(?:fish|dog|cat|puppy|kitten|pet|hamster|rabbit|bird)s? (?:is |are |was |were )?"
    r"(?:dead|died)(?! (?:after|last|years?|months?|a while))|"
    r"(?:charger|plug|socket|cable|adapter|battery|outlet)s? .{0,20}\bmelted|"
    r"melted (?:\w+ ){0,4}(?:socket|plug|outlet|cable|case)|"
    r"(?:carregador|tomada|ficha|cabo|bateria) .{0,20}\bderreteu|"
    r"derreteu (?:\w+ ){0,3}(?:tomada|ficha|cabo)|"
    r"(?:niñ[oa]|hij[oa]|beb(?:é|e)|perr[oa]|gat[oa]) (?:se )?trag(?:ó|o)|"
    r"se trag(?:ó|o) (?:una? )?(?:pila|im(?:á|a)n|pieza|trozo)|"
    r"(?:kind|sohn|tochter|baby|hund|katze)\w* (?:\w+ ){0,4}verschluckt|"
    r"(?:enfant|fils|fille|b(?:é|e)b(?:é|e)|chien|chat)\w* (?:\w+ ){0,3}aval(?:é|e)|"
    r"(?:filh[oa]|crian(?:ç|c)a|beb(?:ê|e)|c(?:ã|a)o|cachorr[oa]|gat[oa]) (?:\w+ ){0,2}"
    r"engoli\w*)\b",
    re.IGNORECASE,
)
"""A safety incident (fire, smoke, an injury, a danger, a child or a pet harmed, a charger
melting): a person steps in however calm."""


def asks_for_person(text: str) -> bool:
    """True when the customer asks for a person, in so many words, in any of the languages."""
    return _PERSON.search(text) is not None


def is_danger(text: str) -> bool:
    """True when the message tells of a safety incident."""
    return _DANGER.search(text) is not None
