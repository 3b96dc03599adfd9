"""Words and ways of writing that show how a customer feels: swearing and threats, strong
words, capitals, signs of impatience."""

from __future__ import annotations

import re

_SEVERE = re.compile(
    r"\b(?:f+u+c+k\w*|shit\w*|bullshit|wtf|scam\w*|pathetic|in[ck]omp[eé]ten\w*|furious|livid|"
    r"crooks?|thie(?:f|ves)|liars?|lying|idiots?|morons?|clowns|"
    # a mild curse aimed at the shop or its people, not at what happened
    r"(?:damn\w*|maldit[oa]s?|verdammt\w*) (?:(?:this |your )?(?:shop|store|company)|you|"
    r"empresa|tienda|vosotros|ustedes|laden|firma|euch|dich)|"
    r"lawyers?|solicitors?|sue|suing|chargeback|trading standards|small claims|ombudsman|"
    r"thanks (?:\w+ ){0,2}for (?:nothing|ruining|wasting(?! no\b))|"
    r"cheers for (?:nothing|ruining|wasting(?! no\b))|gracias por (?:nada|arruinar)|"
    r"danke f(?:ü|ue)r nichts|merci pour rien|obrigad[oa] por nada|lied to (?:me|us)|"
    r"been lied to|some(?:one|body)(?:'s| is)? using my account|"
    r"alguien (?:est(?:á|a) )?usando mi cuenta|jemand nutzt mein konto|"
    r"quelqu'un utilise mon compte|algu(?:é|e)m (?:est(?:á|a) )?a? ?usar a minha conta|"
    r"bad reviews?|(?:1|one)[- ]star|trustpilot|consumer (?:rights|protection)|"
    r"mierda|joder|estafa\w*|abogad[oa]s?|denuncia\w*|ladr(?:ó|o)n\w*|mentiros[oa]s|"
    r"sinverg(?:ü|u)enzas?|hoja de reclamaciones|"
    r"schei(?:ss|ß)e?\w*|betrug\w*|betr(?:ü|ue)ger\w*|anwalt|verarsch\w*|l(?:ü|ue)gner\w*|"
    r"diebe|idioten|verbraucherzentrale|"
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
    r"disgrace\w*|appalling|shocking|hate|stupid|crap\w*|damn\w*|maldit[oa]s?|verdammt\w*|"
    r"vergüenza|inaceptable|inútil|hart[oa]s?|odio|"
    r"frechheit|unverschämt|inakzeptabel|nutzlos|sauer|hasse|"
    r"honte|inadmissible|inacceptable|inutile|marre|nuls?|d(?:é|e)teste|"
    r"vergonha|inaceitável|absurdo|palhaçada|fart[oa]s?|odeio|"
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
"""Strong words and mild curses a calm, clear request may still contain ("it's useless, I'd
like a refund", "damn, where is my parcel"); in lower case, matched against the lower-cased
message (`is_strong`)."""
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
    r"you keep (?:telling|sending|giving|saying|explaining|asking|repeating)|"
    r"(?:yes|yeah|yep|ya) i (?:know|did|read|checked|tried)\b|"
    r"i(?:'ve| have)? already (?:sent|did|done|tried|checked|read|explained)|"
    r"(?:sent|told|explained|asked)\w* (?:you )?(?:it |this |that )?"
    r"(?:twice|two times|three times)|"
    r"you (?:already )?(?:sent|said|gave) (?:me )?(?:that|this|the same)\b.{0,12}\b(?:already|"
    r"before|again|twice)|(?:doesn'?t|does not|didn'?t|did not) (?:help|answer)(?: me| my question|"
    r" at all| anything)|"
    r"(?:isn'?t|is not|wasn'?t) the (?:problem|question|issue|point)|(?:i'?m|i am) not asking|"
    r"ya (?:lo )?he (?:le(?:í|i)do|mandado|enviado|dicho|explicado)|ya lo s(?:é|e)|"
    r"no me (?:sirve|ayuda)|no (?:te )?(?:pregunto|estoy preguntando) (?:eso|por)|"
    r"das wei(?:ß|ss) ich|hab(?:e)? ich (?:doch |ihnen |dir |euch )?(?:schon |bereits )?"
    r"(?:geschrieben|gesagt|gemacht|geschickt)|das hilft (?:mir )?nicht|"
    r"zum (?:dritten|zweiten|vierten|x-ten) mal|immer nur (?:den|die|das)|"
    r"j'ai d(?:é|e)j(?:à|a) (?:envoy|dit|essay|lu|expliqu)\w*|"
    r"(?:ça|cela) (?:ne )?m'aide pas|(?:vous|tu) (?:ne )?compren(?:ez|ds) rien|"
    r"(?:vous|tu) (?:me )?(?:renvoy|redi|r(?:é|e)p(?:é|è|e)t)\w* (?:encore|toujours)|"
    r"c'est pas (?:ma question|ce que je)|"
    r"j(?:á|a) (?:mandei|enviei|fiz|falei|li|expliquei|tentei)|"
    r"(?:isso )?n(?:ã|a)o (?:me )?ajuda|s(?:ó|o) (?:me )?repete\w*|n(?:ã|a)o leem|"
    r"j(?:á|a) percebi que|"
    # sarcasm, giving up
    r"i give up|(?:i'?m|i am) giving up|me rindo|ich gebe auf|j'abandonne|desisto)\b|"
    r"\b(?:seriously|en serio|ernsthaft|s(?:é|e)rieux|a s(?:é|e)rio)\?\W*$|"
    # "I know" opening a message after a yes or before a comma: "sim eu sei que está enviada",
    # "je sais, mais quand ?", not "je sais que c'est tard"
    r"^\W{0,3}(?:(?:oui|sim|yes|yeah|ja|s(?:í|i))[\s,.]+(?=je|eu|i |ich)|(?=\S+ \S+\s*,))"
    r"(?:je (?:le )?sais|eu sei|i know|ich wei(?:ß|ss))\b|"
    # an opening word of praise, then a full stop, and no thanks after it ("great. another week")
    r"^\W{0,3}(?:whatever|great|brilliant|lovely|wonderful|fantastic|marvell?ous|super|genial|"
    r"estupendo|fant(?:á|a)stico|maravilloso|toll|prima|klasse|g(?:é|e)nial|formidable|"
    r"magnifique|(?:ó|o)timo|maravilha|excelente)\.(?!.*\b(?:thank|thanks|cheers|gracias|danke|"
    r"merci|obrigad))",
)
"""Signs short of strong words that a customer is losing patience, in lower case (matched as
`is_severe` says): insisting ("I said", "still nothing"), not being heard ("the same answer
again", "that's not what I asked", "do you even read this?") and sarcasm or giving up ("great.
another week", "seriously?", "I give up"). A sign, not a verdict: the mood model must
also find the conversation far from calm (see `graph.escalation_signals.is_hinted`)."""
_LEAVING = re.compile(
    # taking their custom elsewhere, never to order again
    r"\b(?:(?:i'?ll|ill|i will|i'?m going to|gonna) (?:just )?(?:go )?(?:shop|buy|order|look|"
    r"get (?:it|one|them))\w* (?:\w+ ){0,2}(?:elsewhere|somewhere else)|"
    r"tak\w* my (?:business|money|custom) elsewhere|"
    r"never (?:order|buy|shop|use)\w* (?:\w+ ){0,3}again|why i (?:still|even) (?:order|buy|shop)|"
    r"(?:this is|that'?s|that was) the last time i|"
    r"(?:compro|pido|comprar(?:é|e)|pedir(?:é|e)|voy a (?:comprar|pedir))(?: \w+){0,2} en "
    r"otr[oa] (?:sitio|tienda|lado|parte)|(?:la )?[úu]ltima vez que (?:compro|pido|os "
    r"compro|os pido|encomendo)|nunca m[áa]s (?:compro|pido|os)|no vuelvo a (?:comprar|pedir)|"
    r"nie wieder (?:\w+ ){0,2}(?:bestell|kauf)\w*|(?:bestell|kauf)\w* (?:\w+ ){0,2}nie wieder|"
    r"woanders (?:bestell|kauf|ein ?kauf)\w*|(?:bestell|kauf)\w* (?:\w+ ){0,2}woanders|"
    r"(?:ne|n') ?(?:commanderai|ach[eè]terai|reviendrai) plus|plus jamais (?:je |chez vous|de)|"
    r"(?:commanderai|ach[eè]terai|vais (?:commander|acheter))(?: \w+){0,2} ailleurs|"
    r"ne me (?:reverrez|verrez) plus|nunca mais (?:compro|vou comprar|encomendo)|"
    r"(?:compro|comprarei|vou comprar|vou encomendar)(?: \w+){0,2} (?:noutro|em outro|num outro|"
    r"noutra|em outra) (?:s[íi]tio|lugar|loja)|porque ainda compro|"
    # a dispute with the bank or a formal complaint
    r"(?:open|file|raise|start)\w* (?:a )?(?:paypal |bank |card )?dispute|paypal dispute|"
    r"formal complaint|abr\w* (?:una |uma )?disputa|reclamaci[óo]n formal|"
    r"reclam\w* (?:al banco|a consumo)|(?:geh|mach|beantrag|nutz)\w* (?:\w+ ){0,3}"
    r"k(?:ä|ae)uferschutz|beschwerde (?:ein|einreichen|einlegen)|"
    r"r(?:é|e)clamation (?:formelle|officielle)|(?:reclama(?:ç|c)(?:ã|a)o|queixa) formal|"
    r"contest\w* (?:a |o )?(?:cobran(?:ç|c)a|compra))\b",
)
"""A customer taking their custom elsewhere for good, or disputing the payment or complaining
formally: upset, whatever else the message asks (`is_leaving`)."""
_DISTRESS = re.compile(
    r"\b(?:(?:i'?m|i am|im|getting|really|so) (?:\w+ )?desperate(?! for)|panicking|terrified|"
    r"(?:really|so|genuinely|absolutely) scared|worried sick|"
    r"(?:very|really|so|deeply|extremely|incredibly|bitterly) disappointed|"
    r"no ?(?:one|body) (?:seems to )?cares?(?! about)|"
    r"what am i supposed to (?:do|feed|tell|give)(?! to\b)|"
    r"don'?t know what (?:i'?m|i am) (?:going|gonna) to do|that (?:was|is) my rent|"
    r"rent is due|need (?:this|that|the|my) money (?:back )?(?:now|today|urgently|asap|to pay)|"
    r"need (?:it|this) back today|"
    r"desesperad[oa]|(?:muy|tan|bastante) (?:asustad[oa]|decepcionad[oa])|falta de respeto|"
    r"necesito ese dinero|"
    r"verzweifelt|(?:sehr|echt|total|wirklich) entt(?:ä|ae)uscht|respektlos|echt nicht ok|"
    r"brauch\w* das geld (?:dringend|wirklich|jetzt|sofort)|"
    r"(?:je suis|suis|c'est) d(?:é|e)sesp(?:é|e)r(?:é|e)e?s?|d(?:é|e)sesp(?:é|e)rant|"
    r"(?:tr(?:è|e)s|vraiment|profond(?:é|e)ment) d(?:é|e)(?:ç|c)ue?s?|manque de respect|"
    r"vraiment pas correct|j'ai (?:vraiment )?besoin de cet argent(?! sur| en| par)|"
    r"fiquei com medo|(?:estou|t(?:ô|o)) com muito medo|preciso (?:desse|deste) dinheiro(?! n| em)|"
    r"(?:muito|t(?:ã|a)o) (?:desiludid[oa]|decepcionad[oa])|falta de respeito)\b",
)
"""Distress, deep disappointment, feeling nobody cares: a person should look, unless the
message is a clear request the agent can serve (`is_distressed`)."""
_GIVING_UP = re.compile(
    r"(?:^|[.,;:!?…-])\W{0,3}(?:(?:ok|okay|fine|right|well|oh well|you know what|so|sigh|bueno|"
    r"vale|pues|mire|na ja|also|gut|bon|ok bah|bah|ok ent(?:ã|a)o|pronto)[\s,.]+)?"
    r"(?:forget it|never ?mind|pointless|i give up|(?:i'?m |im )?giving up|don'?t bother|leave it|"
    r"d(?:é|e)jalo|olv(?:í|i)dalo|vergiss es|vergessen sie(?:'s| es)|schon gut|"
    r"lass(?:en sie)? es|lassen wir das|laisse[zr]? tomber|oubliez|esquece|esque(?:ç|c)a|"
    r"deixa (?:estar|pra l(?:á|a))|assim n(?:ã|a)o d(?:á|a))"
    # standing alone, or before a comma: "forget it." or "forget it, you don't get it", not
    # "never mind the gift wrap" or "leave it at the door"
    r"(?=\s*(?:[.,;!?…]|$))|"
    # words that give up only where they end a sentence ("egal.", not "egal, könnt ihr...")
    r"(?:^|[.,;:!?…-])\W{0,3}(?:whatever|da igual|no importa|egal|tanto faz)(?=\s*(?:[.!…]|$))",
)
"""A customer giving up, in a phrase of its own: after two messages that did not get them
anywhere, they are stuck (see `gives_up`)."""
_AT_PEACE = re.compile(
    r"(?<!no )(?<!not )(?<!never )(?<!nichts )(?<!nicht )\b(?:thank|thanks|thx|cheers|found it|"
    r"no worries|no problem|all good|sorted|gracias|lo encontr\w*|danke|gefunden|"
    r"hat sich erledigt|merci|j'ai trouv(?:é|e)|c'est bon|obrigad[oa]|valeu|encontrei|"
    r"j(?:á|a) resolvi)\b")
"""A message that lets a question go calmly: thanks, or the customer found the answer; in lower
case, matched as `is_severe` says."""
SHOUTING_MIN_LETTERS = 12
SHOUTING_RATIO = 0.8


def lowered(text: str) -> str:
    """The text as the patterns here read it: lower case, typographic apostrophes straight."""
    return text.lower().replace("\u2019", "'")


def is_severe(text: str) -> bool:
    """True when the message swears or threatens. The patterns are matched case-sensitively on
    the `lowered` text: several times faster than an IGNORECASE search of the long
    alternation, which Python's engine cannot narrow by a literal prefix."""
    return _SEVERE.search(lowered(text)) is not None


def without_strong_words(text: str) -> str:
    """The message with its strong words and words of distress taken out (lower-cased): what
    else it says."""
    return _DISTRESS.sub(" ", _STRONG.sub(" ", lowered(text)))


def is_strong(text: str) -> bool:
    """True when the message uses a strong word (see `is_severe` for how it is matched)."""
    return _STRONG.search(lowered(text)) is not None


def has_strong_words(text: str) -> bool:
    """True when the message swears, threatens or uses a strong word."""
    read = lowered(text)
    return _SEVERE.search(read) is not None or _STRONG.search(read) is not None


def shows_impatience(text: str) -> bool:
    """True when the message insists, says it is not being heard, or is sarcastic or giving up
    (`_IMPATIENCE`)."""
    return _IMPATIENCE.search(lowered(text)) is not None


def is_shouting(text: str) -> bool:
    """True for a message written (almost) all in capitals, long enough to mean it."""
    letters = sum(map(str.isalpha, text))
    if letters < SHOUTING_MIN_LETTERS:
        return False
    return sum(map(str.isupper, filter(str.isalpha, text))) / letters >= SHOUTING_RATIO


def is_leaving(text: str) -> bool:
    """True when the customer takes their custom elsewhere for good, disputes the payment or
    complains formally (`_LEAVING`, matched as `is_severe` says)."""
    return _LEAVING.search(lowered(text)) is not None


def is_distressed(text: str) -> bool:
    """True when the message shows distress or deep disappointment (`_DISTRESS`)."""
    return _DISTRESS.search(lowered(text)) is not None


def gives_up(text: str) -> bool:
    """True when the message gives up in a phrase of its own ("forget it.", "ok, laissez
    tomber", "esquece, não serve para nada"), without thanks or having found the answer
    ("never mind, found it")."""
    read = lowered(text)
    return _GIVING_UP.search(read) is not None and _AT_PEACE.search(read) is None
