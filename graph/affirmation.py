"""Conservative yes/no reading of a customer's answer to a proposed action."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import OSA

from graph.limits import MAX_PARSED_CHARS
from graph.money import amount_spans

Reply = Literal["yes", "no", "other"]

_YES_WORDS = frozenset(
    "yes yeah yea yeh yah ya yep yup yas ye ys y sure ok okay okey oki okie k kk confirm "
    "confirmed affirmative absolutely definitely certainly correct agreed agree approve "
    "approved proceed exactly indeed alright aye si oui ja yessir kay ofc yesh".split()
)
"""English words for yes, also recognized with a typo ("yaeh")."""
_NO_WORDS = frozenset(
    "no nope nah naw n nay dont not never cancel stop wait hold abort negative wrong "
    "incorrect nevermind noo refuse".split()
)
"""English words for no, also recognized with a typo."""
_YES_ELSEWHERE = frozenset(
    # Spanish
    "sí sip claro vale dale venga correcto exacto exactamente perfecto adelante hazlo procede "
    "confirmo confirmado afirmativo "
    # German
    "jawohl jep jo jup genau klar gerne gern einverstanden passt richtig korrekt stimmt "
    "natürlich selbstverständlich bestätige bestätigt "
    # French
    "ouais ouaip ouep daccord dac exactement parfait certainement volontiers évidemment "
    "carrément confirme confirmé "
    # Portuguese
    "sim claro certo certeza beleza fechado perfeito exato exatamente correto confirmo "
    "confirmado bora".split()
)
"""Words for yes in Spanish, German, French and Portuguese, recognized only as written: a
typo away from one of them is too often another word ("dale", "date")."""
_NO_ELSEWHERE = frozenset(
    "nop nel nunca negativo tampoco nein nee nö noe nicht niemals stopp abbrechen non nan "
    "jamais não nao".split()
)
_FILLER = frozenset(
    "please pls plz thanks thank thx ty you that thats it its is right go ahead do so much "
    "then the a sir madam mate man lol great good perfect fine all i im am just one this for "
    "me now sounds works with lets and oh well cool awesome nice totally course of true "
    "exactly done already really very super dear friend hi hey thing "
    # Spanish
    "por favor gracias muchas muchísimas lo la el eso esto es está esta bien muy señor señora "
    "hola pues entonces ya porfa porfi que "
    # German
    "bitte danke das es ist mach machen sie so schön sehr gut okay hallo dann mal vielen "
    "gemacht "
    # French
    "merci sil vous plaît plait svp stp beaucoup cest ça ca le bon très tres alors allez "
    "faites fais monsieur madame bonjour salut "
    # Portuguese
    "obrigado obrigada valeu pode fazer faz isso bem bom muito então entao tá ta pois olá oi "
    "senhor senhora mesmo".split()
)
_ACTION_VERBS = frozenset(
    "cancel refund change update process send ship "
    # Spanish, with the object joined on ("cancélalo")
    "cancela cancelar cancele cancelad cancélalo cancelalo cancélala cancelala anula anular "
    "anúlalo anulalo anúlala anulala reembolsa reembolsar reembolsad reembólsalo reembolsalo "
    "devuélvelo devuelvelo cambia cambiar cambiala cámbiala cámbialo cambialo "
    # German
    "stornieren storniere storniert stornier erstatten erstatte erstattet ändern ändere "
    "ändert aendern "
    # French
    "annule annuler annulez rembourse rembourser remboursez change changez modifiez modifie "
    # Portuguese
    "cancele cancelem cancelar reembolse reembolsem reembolsar altere alterem mude mudem "
    "muda".split()
)
_OBJECT_PRONOUNS = frozenset("it lo la los las le les o a os as ihn sie es".split())
"""What follows the verb in "yes, cancel it", "oui, annulez-la", "sim, cancela-o"."""
_HEDGES = re.compile(
    r"\b(?:maybe|perhaps|possibly|probably|not sure|unsure|dunno|idk|don'?t know|do not know|"
    r"i guess|i think|depends|hmm+|kinda|sort of|not really|let me think|later|"
    r"quiz[áa]s?|tal vez|a lo mejor|no s[ée]|no estoy segur[oa]|depende|creo que|m[áa]s tarde|"
    r"luego|d[ée]jame pensar|"
    r"vielleicht|wei(?:ß|ss) nicht|keine ahnung|mal sehen|kommt drauf an|ich glaube|eventuell|"
    r"sp[äa]ter|"
    r"peut[- ][êe]tre|je (?:ne )?sais pas|sais pas|chais pas|[çc]a d[ée]pend|je pense|plus tard|"
    r"r[ée]fl[ée]chir|bof|"
    r"talvez|n[ãa]o sei|pode ser|acho que|mais tarde|depois|vou pensar|sei l[áa])(?!\w)"
)
_CONTRAST = frozenset(
    "but however although though except also instead unless only if more another other else "
    "plus yet pero sino excepto salvo también además otra otro otros solo sólo aber sondern "
    "außer ausser auch noch andere anderen anderes nur wenn falls mais sauf aussi autre "
    "autres seulement mas exceto também outra outro só se".split()
)
_YES_PHRASES = re.compile(
    r"\b(?:no problem|no worries|why not|go for it|of course|that works|all good|sounds good|"
    r"please do|do it|go ahead|go on|carry on|that'?s (?:right|correct|fine)|"
    r"that is (?:right|correct)|"
    r"no hay problema|sin problema|de acuerdo|por supuesto|est[áa] bien|por qu[ée] no|"
    r"kein problem|in ordnung|auf jeden fall|na klar|warum nicht|"
    r"pas de probl[èe]me|bien s[ûu]r|c'est bon|vas-y|allez-y|avec plaisir|pourquoi pas|"
    r"sem problema|com certeza|t[áa] bom|t[áa] bem|pode sim|manda ver|isso mesmo|"
    r"por que n[ãa]o)(?!\w)"
)
_NO_PHRASES = re.compile(
    r"\b(?:(?:of course|absolutely|definitely|certainly|surely|hell) not|hell no|"
    r"no thanks|no thank you|not yet|not now|never ?mind|hold on|"
    r"changed my mind|(?:do not|don'?t) (?:do|go ahead with) (?:it|that)|do not|don'?t|"
    r"claro que no|por supuesto que no|mejor no|todav[íi]a no|a[úu]n no|ahora no|para nada|"
    r"de ninguna manera|ni hablar|no gracias|"
    r"nat[üu]rlich nicht|lieber nicht|besser nicht|noch nicht|jetzt nicht|auf keinen fall|"
    r"keinesfalls|nein danke|"
    r"bien s[ûu]r que non|pas maintenant|pas encore|pas question|surtout pas|pas du tout|"
    r"non merci|"
    r"claro que n[ãa]o|melhor n[ãa]o|ainda n[ãa]o|agora n[ãa]o|nem pensar|de jeito nenhum|"
    r"n[ãa]o obrigad[oa])(?!\w)"
)
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_RUN_OF_THREE = re.compile(r"(.)\1{2,}")
_DOUBLED_END = re.compile(r"(s|o|p|h)\1$")
_YES_EMOJI = "👍👌✅✔☑🙆🆗💯"
_NO_EMOJI = "👎❌🚫✋🛑⛔🙅"


@lru_cache(maxsize=4096)
def _squeeze(word: str) -> str:
    """Collapse letters repeated three or more times, and "noo"/"yess" style doubling."""
    return _DOUBLED_END.sub(r"\1", _RUN_OF_THREE.sub(r"\1", word))


@lru_cache(maxsize=4096)
def _fuzzy_class(word: str) -> str | None:
    if len(word) < 3 or word in _FILLER or word in _CONTRAST:
        return None
    for lexicon, label in ((_YES_WORDS, "yes"), (_NO_WORDS, "no")):
        for known in lexicon:
            if len(known) >= 3 and known[0] == word[0] and abs(len(known) - len(word)) <= 1 \
                    and OSA.distance(word, known) <= 1:
                return label
    return None


def classify_reply(text: str, known: tuple[str, ...] = ()) -> Reply:
    """Classify a customer's answer to a yes/no question about an action.

    Only a plain agreement is "yes" (naming the action again, "yes, cancel it", is one); a clear
    refusal is "no"; anything that hedges, mixes yes and no, asks something back or adds a new
    request (digits other than `known`) is "other".

    Args:
        text: The customer's message (read up to `MAX_PARSED_CHARS` characters).
        known: Numbers the question itself stated (its amount, its order id): saying them
            again ("yes, 10 is fine") adds nothing new.

    Returns:
        "yes", "no" or "other".
    """
    lowered = text[:MAX_PARSED_CHARS].strip().lower().replace("’", "'")
    for number in sorted(known, key=len, reverse=True):
        lowered = lowered.replace(number.lower(), " ")
    if not lowered:
        return "other"
    emoji_yes = any(ch in _YES_EMOJI for ch in lowered)
    emoji_no = any(ch in _NO_EMOJI for ch in lowered)
    if _HEDGES.search(lowered) or "?" in lowered or "¿" in lowered:
        return "other"
    lowered = _NO_PHRASES.sub(" nope ", lowered)
    lowered = _YES_PHRASES.sub(" okay ", lowered)
    words = [_squeeze(w) for w in _WORD.findall(lowered.replace("'", ""))]
    has_digits = bool(_DIGIT.search(lowered))
    first = words[0] if words else ""
    starts_negative = first in _NO_WORDS or first in _NO_ELSEWHERE \
        or bool(first) and _fuzzy_class(first) == "no"
    seen_yes, seen_no, unknown = emoji_yes, emoji_no, False
    for word in words:
        if unknown and not starts_negative and not emoji_no:
            return "other"  # neither a plain yes nor, not opening with one, a no
        if word in _YES_WORDS or word in _YES_ELSEWHERE:
            seen_yes = True
        elif (word in _ACTION_VERBS or word in _OBJECT_PRONOUNS) and seen_yes:
            continue
        elif word in _NO_WORDS or word in _NO_ELSEWHERE:
            seen_no = True
        elif word in _CONTRAST:
            unknown = True
        elif word not in _FILLER:
            label = _fuzzy_class(word)
            seen_yes |= label == "yes"
            seen_no |= label == "no"
            unknown |= label is None
    if seen_no and not seen_yes and not _names_something_new(lowered):
        return "no" if starts_negative or not unknown or emoji_no else "other"
    if seen_yes and not seen_no and not unknown and not has_digits:
        return "yes"
    return "other"


_AMENDING = re.compile(r"\b(?:make it|just|only|instead|rather)\b[^\d]{0,12}\d|\d{4,}")


def _names_something_new(lowered: str) -> bool:
    """Whether a refusal says what to do instead: a sum ("wait, just 10 dollars", "nein, nur 5
    Euro"), "make it 15", or another order ("no, 48390"). It amends the action rather than
    refusing it; "no, not for 2 days" still refuses."""
    return bool(amount_spans(lowered)) or _AMENDING.search(lowered) is not None
