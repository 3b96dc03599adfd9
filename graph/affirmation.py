"""Conservative yes/no reading of a customer's answer to a proposed action."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import OSA

from graph.limits import MAX_PARSED_CHARS

Reply = Literal["yes", "no", "other"]

_YES_WORDS = frozenset(
    "yes yeah yea yeh yah ya yep yup yas ye ys y sure ok okay okey oki okie k kk confirm "
    "confirmed affirmative absolutely definitely certainly correct agreed agree approve "
    "approved proceed exactly indeed alright aye si oui ja yessir kay ofc yesh".split()
)
_NO_WORDS = frozenset(
    "no nope nah naw n nay dont not never cancel stop wait hold abort negative wrong "
    "incorrect nevermind noo refuse".split()
)
_FILLER = frozenset(
    "please pls plz thanks thank thx ty you that thats it its is right go ahead do so much "
    "then the a sir madam mate man lol great good perfect fine all i im am just one this for "
    "me now sounds works with lets and oh well cool awesome nice totally course of true "
    "exactly done already really very super dear friend hi hey thing".split()
)
_ACTION_VERBS = frozenset("cancel refund change update process send ship".split())
_HEDGES = re.compile(
    r"\b(?:maybe|perhaps|possibly|probably|not sure|unsure|dunno|idk|don'?t know|do not know|"
    r"i guess|i think|depends|hmm+|kinda|sort of|not really|let me think|later)\b"
)
_CONTRAST = frozenset(
    "but however although though except also instead unless only if more another other else "
    "plus yet".split()
)
_YES_PHRASES = re.compile(
    r"\b(?:no problem|no worries|why not|go for it|of course|that works|all good|sounds good|"
    r"please do|do it|go ahead|that'?s (?:right|correct|fine)|that is (?:right|correct))\b"
)
_NO_PHRASES = re.compile(
    r"\b(?:(?:of course|absolutely|definitely|certainly|surely|hell) not|hell no|"
    r"no thanks|no thank you|not yet|not now|never ?mind|hold on|"
    r"changed my mind|(?:do not|don'?t) (?:do|go ahead with) (?:it|that)|do not|don'?t)\b"
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
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


def classify_reply(text: str) -> Reply:
    """Classify a customer's answer to a yes/no question about an action.

    Only a plain agreement is "yes"; a clear refusal is "no"; anything that hedges, mixes yes
    and no, asks something back or adds a new request (any digits) is "other".

    Args:
        text: The customer's message (read up to `MAX_PARSED_CHARS` characters).

    Returns:
        "yes", "no" or "other".
    """
    lowered = text[:MAX_PARSED_CHARS].strip().lower().replace("’", "'")
    if not lowered:
        return "other"
    emoji_yes = any(ch in _YES_EMOJI for ch in lowered)
    emoji_no = any(ch in _NO_EMOJI for ch in lowered)
    if _HEDGES.search(lowered) or "?" in lowered:
        return "other"
    lowered = _NO_PHRASES.sub(" nope ", lowered)
    lowered = _YES_PHRASES.sub(" okay ", lowered)
    words = [_squeeze(w) for w in _WORD.findall(lowered.replace("'", ""))]
    has_digits = bool(_DIGIT.search(lowered))
    seen_yes, seen_no, unknown = emoji_yes, emoji_no, False
    for word in words:
        if word in _YES_WORDS:
            seen_yes = True
        elif word in _ACTION_VERBS and seen_yes:
            continue
        elif word in _NO_WORDS:
            seen_no = True
        elif word in _CONTRAST:
            unknown = True
        elif word not in _FILLER:
            label = _fuzzy_class(word)
            seen_yes |= label == "yes"
            seen_no |= label == "no"
            unknown |= label is None
    if seen_no and not seen_yes:
        starts_negative = bool(words) and (words[0] in _NO_WORDS or _fuzzy_class(words[0]) == "no")
        return "no" if starts_negative or not unknown or emoji_no else "other"
    if seen_yes and not seen_no and not unknown and not has_digits:
        return "yes"
    return "other"
