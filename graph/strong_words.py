"""Words and ways of writing that show how a customer feels: swearing and threats, strong
words, capitals, signs of impatience."""

from __future__ import annotations

import re

_SEVERE = re.compile(
    r"\b(?:f+u+c+k\w*|shit\w*|bullshit|wtf|scam\w*|pathetic|in[ck]omp[eé]ten\w*|furious|livid|"
    r"crooks?|thie(?:f|ves)|liars?|lying|idiots?|morons?|clowns|damn\w*|"
    r"lawyers?|solicitors?|sue|suing|chargeback|trading standards|small claims|ombudsman|"
    r"bad reviews?|(?:1|one)[- ]star|trustpilot|consumer (?:rights|protection)|"
    r"mierda|joder|estafa\w*|abogad[oa]s?|denuncia\w*|ladr(?:ó|o)n\w*|mentiros[oa]s|"
    r"sinverg(?:ü|u)enzas?|maldit[oa]s?|hoja de reclamaciones|"
    r"schei(?:ss|ß)e?\w*|betrug\w*|betr(?:ü|ue)ger\w*|anwalt|verarsch\w*|l(?:ü|ue)gner\w*|"
    r"diebe|idioten|verdammt\w*|verbraucherzentrale|"
    r"merde|putain|arnaque\w*|escroc\w*|avocat|voleurs?|menteurs?|"
    r"merda|porra|golpe|golpistas?|advogad[oa]s?|processar|ladr(?:ão|ões|ao|oes)|vigarist\w*|"
    r"livro de reclama(?:ç|c)(?:õ|o)es|procon|reclame aqui|"
    r"(?:revers|disput|claw)\w* (?:the|this|that|my|your|it)\b.{0,25}\b"
    r"(?:payment|charge|money|bank)|"
    r"(?:call|ring|phon|contact|go|going|talk)\w* (?:to |with )?my bank|dispute with my bank|"
    r"(?:llam|habl|recl|denunci)\w* (?:a |con |en )?mi banco|retrocargo|"
    r"r(?:ü|ue|u)ckbuch\w*|zur(?:ü|ue|u)ckbuch\w*|lastschrift zur(?:ü|ue|u)ck\w*|"
    r"(?:appel|contact|pr(?:é|e)ven)\w* ma banque|faire opposition|r(?:é|e)trofacturation|"
    r"(?:lig|fal|contest)\w* (?:para |com |ao |no )?(?:o )?meu banco)\b",
)
"""Words that mean a person is needed whatever else the message says: swearing, threats; in
lower case, matched against the lower-cased message (`is_severe`)."""
_STRONG = re.compile(
    r"\b(?:ridiculous|unacceptable|outrageous|useless|fed up|sick of|never again|"
    r"disgrace\w*|appalling|shocking|hate|stupid|crap\w*|"
    r"vergüenza|inaceptable|inútil|harto|odio|"
    r"frechheit|unverschämt|inakzeptabel|nutzlos|sauer|hasse|"
    r"honte|inadmissible|inacceptable|inutile|marre|nuls?|d(?:é|e)teste|"
    r"vergonha|inaceitável|absurdo|palhaçada|farto|odeio|"
    r"worst|(?:is|what|such|absolute|total|complete) a joke|beyond a joke|hell|nightmare|"
    r"terrible|awful|horrible|rubbish|garbage|junk|ashamed|"
    r"in tears|crying|had enough|last straw|done with you|you people|waste of (?:time|money)|"
    r"pesadilla|llorando|vergonzos[oa]|tomadura de pelo|lo peor|cansad[oa] de|"
    r"albtraum|katastroph\w*|zum heulen|reicht mir|schlechteste\w*|"
    r"cauchemar|en larmes|honteux|scandaleu\w*|n'importe quoi|j'en ai assez|ras le bol|"
    r"pesadelo|a chorar|chorando|vergonhos[oa]|rid(?:í|i)cul[oa]|o pior|cansad[oa] de|"
    # anger named, not denied ("I'm not angry, just asking")
    r"(?<!not )(?<!nicht )(?<!pas )(?<!no estoy )(?<!n(?:ã|a)o estou )(?:"
    r"(?:i'm|i am|im|i was|i feel|so|very|really|extremely|quite|absolutely|totally) upset|"
    r"angry|fuming|seething|disgusted|never coming back|"
    r"cabread[oa]s?|furios[oa]s?|enfadad[oa]s?|enojad[oa]s?|indignad[oa]s?|basta ya|"
    r"wut|w(?:ü|ue)tend|stinksauer|ver(?:ä|ae)rgert|emp(?:ö|oe)rt|"
    r"en col(?:è|e)re|furieu(?:x|se)|(?:é|e)nerv(?:é|e)e?s?|outr(?:é)e?s?|r(?:é|e)volt(?:é|e)e?s?|"
    r"zangad[oa]s?|revoltad[oa]s?|(?:estou|fiquei|muito|t(?:ã|a)o|t(?:ô|o)) irritad[oa]s?|"
    r"(?:es reicht|(?:ç|c)a suffit)(?=\s*(?:!|\.|$))))\b",
)
"""Strong words a calm, clear request may still contain ("it's useless, I'd like a refund");
in lower case, matched against the lower-cased message (`is_strong`)."""
_IMPATIENCE = re.compile(
    # insisting
    r"\b(?:i said|i told you|already (?:said|told|asked|gave)|how many times|"
    r"(?:still|yet) (?:no|not|nothing|waiting)|te dije|ya (?:te )?(?:dije|lo dije)|"
    r"sigo esperando|todav(?:í|i)a no|ich sagte|schon (?:gesagt|wieder)|immer noch|j'ai dit|"
    r"je vous ai dit|toujours pas|toujours rien|eu disse|j(?:á|a) disse|ainda n(?:ã|a)o|"
    r"ainda nada|"
    # not being heard
    r"(?:same|identical) (?:answer|reply|response|text)s? (?:again|over and over|every time)|"
    r"keep (?:getting|sending|giving|saying) (?:me )?the same|"
    r"not (?:what i (?:asked|meant|said|wanted)|my question|the question)|"
    r"(?:do|did|can) you even (?:read|understand|listen)|are you even (?:reading|listening)|"
    r"you (?:don't|do not|can't|cannot) (?:read|understand|listen)|"
    r"(?:otra vez|siempre) la misma respuesta|la misma respuesta (?:otra vez|de nuevo)|"
    r"no es mi pregunta|no es (?:eso )?lo que (?:pregunt|ped|dije)\w*|"
    r"(?:no|es que no) me (?:lees|entiendes|escuchas)|"
    r"(?:immer|schon wieder|wieder) (?:die ?selbe|die gleiche) antwort|"
    r"nicht (?:meine frage|das,? was ich (?:gefragt|wollte|meinte))|"
    r"(?:verstehst du (?:mich )?|(?:verstehen sie|versteht ihr) mich )"
    r"(?:eigentlich |(?:ü|ue)berhaupt )?nicht|"
    r"(?:toujours|encore) la m(?:ê|e)me r(?:é|e)ponse|pas ma question|"
    r"pas ce que (?:j'ai|je) (?:demand|dit|voul)\w*|"
    r"(?:tu|vous) ne (?:lis|lisez|comprends|comprenez) pas|"
    r"(?:sempre|de novo) a mesma resposta|a mesma resposta (?:de novo|outra vez)|"
    r"n(?:ã|a)o (?:é|foi) (?:isso )?(?:o )?que (?:eu )?(?:perguntei|pedi|disse)|"
    r"voc(?:ê|e)s? (?:n(?:ã|a)o|nem) (?:l(?:ê|e)|entende|leu|est(?:á|a) lendo)|"
    # sarcasm, giving up
    r"thanks for nothing|thanks a lot for (?:nothing|ruining|wasting)|"
    r"cheers for (?:nothing|wasting)|gracias por nada|danke f(?:ü|ue)r nichts|merci pour rien|"
    r"obrigad[oa] por nada|i give up|me rindo|ich gebe auf|j'abandonne|desisto)\b|"
    # an opening word of praise, then a full stop, and no thanks after it ("great. another week")
    r"^\W{0,3}(?:whatever|great|brilliant|lovely|wonderful|fantastic|marvell?ous|super|genial|"
    r"estupendo|fant(?:á|a)stico|maravilloso|toll|prima|klasse|g(?:é|e)nial|formidable|"
    r"magnifique|(?:ó|o)timo|maravilha|excelente)\.(?!.*\b(?:thank|thanks|cheers|gracias|danke|"
    r"merci|obrigad))",
)
"""Signs short of strong words that a customer is losing patience, in lower case (matched as
`is_severe` says): insisting ("I said", "still nothing"), not being heard ("the same answer
again", "that's not what I asked", "do you even read this?") and sarcasm or giving up ("great.
another week", "thanks for nothing", "I give up"). A sign, not a verdict: the mood model must
also find the conversation far from calm (see `graph.escalation_signals.is_hinted`)."""
SHOUTING_MIN_LETTERS = 12
SHOUTING_RATIO = 0.8


def is_severe(text: str) -> bool:
    """True when the message swears or threatens. The patterns are matched case-sensitively on
    the lower-cased text: several times faster than an IGNORECASE search of the long
    alternation, which Python's engine cannot narrow by a literal prefix."""
    return _SEVERE.search(text.lower()) is not None


def is_strong(text: str) -> bool:
    """True when the message uses a strong word (see `is_severe` for how it is matched)."""
    return _STRONG.search(text.lower()) is not None


def has_strong_words(text: str) -> bool:
    """True when the message swears, threatens or uses a strong word."""
    lowered = text.lower()
    return _SEVERE.search(lowered) is not None or _STRONG.search(lowered) is not None


def shows_impatience(text: str) -> bool:
    """True when the message insists, says it is not being heard, or is sarcastic or giving up
    (`_IMPATIENCE`)."""
    return _IMPATIENCE.search(text.lower()) is not None


def is_shouting(text: str) -> bool:
    """True for a message written (almost) all in capitals, long enough to mean it."""
    letters = sum(map(str.isalpha, text))
    if letters < SHOUTING_MIN_LETTERS:
        return False
    return sum(map(str.isupper, filter(str.isalpha, text))) / letters >= SHOUTING_RATIO
