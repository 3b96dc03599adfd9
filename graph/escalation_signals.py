"""When a person should step in, judged on the conversation: decided here, not by the model."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from graph.alarms import asks_for_person, is_danger
from graph.classifier import has_words, intent_classifier
from graph.limits import MAX_PARSED_CHARS
from graph.mood import mood_model, plain_words
from graph.strong_words import (
    gives_up,
    is_distressed,
    is_leaving,
    is_severe,
    is_shouting,
    is_strong,
    shows_impatience,
    without_strong_words,
)
from graph.strong_words import has_strong_words as has_strong_words

_INSISTING = re.compile(
    r"^\W{0,3}(?:no|nope|not|nein|non|n(?:ã|a)o|i said|i mean|i told you|te dije|ya dije|"
    r"ich sagte|ich meine|je veux dire|j'ai dit|eu disse|quero dizer)\b|\?\?|\b[A-Z]{3,}\b",
)
"""A message that corrects or insists: "no, I mean...", "??", a word in capitals."""
_NOT_TOPICS = frozenset(
    "the and you your for with that this what there are was can please thanks order orders "
    "want need just not now one any all but have has had its it's get got que los las una "
    "por para con del mis der die das und ich ist ein eine mit bitte les des une pour avec "
    "est pas mon mes que com uma por meu minha não nao sim".split())
"""Words too common to be what a customer keeps coming back to."""
_SETTLED = re.compile(
    r"^\W{0,3}(?:ok|okay|great|thanks|thank you|cool|perfect|fine|vale|gracias|genial|danke|"
    r"super|prima|merci|parfait|d'accord|obrigad[oa]|beleza|certo)\b", re.IGNORECASE)
"""A message that takes what was said and moves on."""
SHORT_FOLLOW_UP = 6
"""At most this many words, a message coming back to the same thing is going round."""
_APOLOGIZING = re.compile(
    r"^\W{0,3}(?:sorry|apologies|perd(?:ó|o)n|perdona|disculp\w*|lo siento|entschuldig\w*|"
    r"tut mir leid|d(?:é|e)sol(?:é|e)e?|pardon|excusez|desculp\w*|perd(?:ã|a)o)\b", re.IGNORECASE)
"""A message that opens with an apology ("sorry, so many questions"): polite, not fed up."""
_MARKS = frozenset("?!.¿¡… \t\n\r")
CLEAR_REQUEST = 0.5
"""The intent classifier's share at which a message is a clear request the agent can serve."""
VENTING = 0.3
"""A message whose likeliest reading is venting, with at least this share, is upset."""
EXASPERATED = 0.2
"""The share of "frustration" at which an unclear message also shows the customer is fed up."""
PROBLEM_WORDS = 3
"""Words besides the strong ones a message needs to tell a problem (`_tells_a_problem`)."""
_REQUESTS = frozenset(
    "order_status refund cancel change_address list_orders verify knowledge complaint".split())
SAME_REQUEST_SCORE = 85
REPEATS_FOR_FAILURE = 3
CALM_SHARE = 0.5
"""Below this share of "calm" from the mood model, a conversation the rules find calm is upset
or stuck after all, if the recent turns also show a hint of it (`is_hinted`). Chosen with
`SURE_SHARE` by five-fold cross-validation on the conversation corpus (README, "Escalation")."""
SURE_SHARE = 0.1
"""Below this share of "calm", the mood model is sure enough on its own, once the customer
has written `SURE_AFTER` messages before this one (`SHORT_SURE_SHARE` for a short one): in
cross-validation it catches more than 0.05 for every message, for one more calm one in 1,455."""
SHORT_SURE_SHARE = 0.05
"""`SURE_SHARE` for a message of at most `SHORT_FOLLOW_UP` words: the model takes short calm
follow-ups ("what about the last one", "no hurry at all") for going round more often."""
SURE_AFTER = 2
"""Earlier messages the mood model needs before it may decide alone: on one exchange it
escalated calm conversations of a held-out set that three messages leave alone."""
_EXASPERATION = re.compile(r"\?\?|\?!|!\?|!!")
_CAPITAL_WORD = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{4,}\b")
"""A word in capitals, long enough not to be a carrier's or a product's name ("DHL")."""


@dataclass(frozen=True)
class Signal:
    """Why a person should step in, and how the customer seems to feel."""

    reason: str
    """`asked_for_person`, `frustration` or `safety`."""
    sentiment: str
    """`calm`, `frustrated` or `upset`."""
    evidence: str
    """One line for the person: what in the conversation gave it away."""


def escalation_signal(text: str, earlier: list[str],
                      answering: str | None = None) -> Signal | None:
    """Whether this message (after `earlier` customer messages, oldest first) calls for a person.

    A request for a person always does, and so does a safety incident, however calmly told.
    So does a customer who is upset (swearing or threats, leaving for another shop or
    disputing the payment, capitals, venting, strong words or distress without a request the
    agent can serve) or stuck (see `is_stuck`, `is_giving_up`). A calm request containing a
    strong word is not upset, and a question asked again that the agent understands is not
    stuck. Where the rules find the customer calm, the mood model may still find a
    conversation upset or stuck (see `_judged`). `answering` names what the bot is waiting
    for, when this message may be the answer to it (a yes or no, a code, an amount, an
    order...): such a message is judged by the rules alone. Each message is read up to
    `MAX_PARSED_CHARS` characters."""
    text, earlier = _straight(text), [_straight(turn) for turn in earlier]
    mood, learned = _judged(text, earlier, answering)
    if asks_for_person(text) or _intent_of(text) == ("human", True):
        return Signal("asked_for_person", mood, "the customer asked for a person")
    if is_danger(text):
        return Signal("safety", mood, "a safety concern: fire, smoke, an injury or a danger")
    if mood == "calm":
        return None
    if learned:
        evidence = ("the conversation reads as " +
                    ("upset" if mood == "upset" else "going nowhere: the customer is stuck"))
    elif is_leaving(text):
        evidence = "leaving for another shop, or disputing the payment"
    elif has_strong_words(text):
        evidence = "strong words"
    elif is_shouting(text):
        evidence = "writing in capitals"
    elif is_distressed(text):
        evidence = "distress, with nothing asked that the agent can do"
    elif mood == "upset":
        evidence = "venting, with nothing asked that the agent can do"
    elif is_giving_up(text, earlier):
        evidence = "giving up after messages that got nowhere"
    else:
        evidence = f"{REPEATS_FOR_FAILURE} messages in a row the agent could not act on"
    return Signal("frustration", mood, evidence)


def _straight(text: str) -> str:
    """The text cut to what is read, typographic apostrophes straight ("don’t" as "don't")."""
    return text[:MAX_PARSED_CHARS].replace("\u2019", "'")


def _judged(text: str, earlier: list[str], answering: str | None) -> tuple[str, bool]:
    """`upset`, `frustrated` (stuck) or `calm`: by the rules where they are sure, else by the
    mood model, consulted only on a conversation of more than one turn whose last message
    answers nothing the bot is waiting for (`answering` None); and whether only the model saw
    it."""
    mood = _by_rules(text, earlier, answering is None)
    if mood != "calm" or not earlier or answering is not None:
        return mood, False
    shares = mood_model().shares(text, earlier)
    calm = shares["calm"]
    short = len(text.split()) <= SHORT_FOLLOW_UP
    sure = calm < (SHORT_SURE_SHARE if short else SURE_SHARE) and len(earlier) >= SURE_AFTER
    if calm >= CALM_SHARE or not sure and not is_hinted(text, earlier):
        return "calm", False
    return ("upset" if shares["upset"] >= shares["stuck"] else "frustrated"), True


def is_hinted(text: str, earlier: list[str]) -> bool:
    """True when the recent turns show a sign, short of what the rules escalate on, that the
    customer may be losing patience: insisting, not being heard or sarcasm
    (`shows_impatience`), a sigh (`VENTING` of frustration), the same request again, strong
    words, distress, "??" or "!!", a word in capitals."""
    text = text[:MAX_PARSED_CHARS]
    recent = [turn[:MAX_PARSED_CHARS] for turn in earlier[-(REPEATS_FOR_FAILURE - 1):]]
    if shows_impatience(text) or only_marks(text) or _sighs(text, VENTING):
        return True
    if any(has_strong_words(turn) or is_distressed(turn) or _EXASPERATION.search(turn)
           or _CAPITAL_WORD.search(turn) for turn in [*recent, text]):
        return True
    said = plain_words(text)
    return len(said.split()) >= 3 and any(
        fuzz.token_set_ratio(said, plain_words(turn)) >= SAME_REQUEST_SCORE for turn in recent)


def _sighs(text: str, share: float = EXASPERATED) -> bool:
    """True when the intent classifier finds at least `share` of frustration in a message that
    does not open with an apology."""
    return _share(text, "frustration") >= share and not _APOLOGIZING.match(text)


def _by_rules(text: str, earlier: list[str], free: bool = True) -> str:
    """The rules' reading; `free` when the message answers nothing the bot asked (a bare
    "whatever." may answer "which colour?")."""
    if is_severe(text) or is_shouting(text) or is_leaving(text):
        return "upset"
    intent, clear = _intent_of(text)
    request = clear and intent in _REQUESTS
    strong, distressed = is_strong(text), is_distressed(text)
    if request and (strong or distressed):
        request = _is_request(without_strong_words(text))  # feelings alone ask for nothing
    if strong and not (request or _tells_a_problem(text)) or distressed and not request:
        return "upset"
    if intent == "frustration" and _share(text, intent) >= VENTING:
        return "upset"
    if is_stuck(text, earlier) or free and is_giving_up(text, earlier) and not request:
        return "frustrated"
    return "calm"


def _tells_a_problem(text: str) -> bool:
    """True when a message with a strong word tells a problem the agent can serve ("meh, the
    mouse is crap, the wheel skips"), not fed up; "my order, unacceptable" tells none."""
    rest = without_strong_words(text)
    return (len(rest.split()) >= PROBLEM_WORDS and _share(text, "frustration") < EXASPERATED
            and bool(_topic_words(rest))  # "das ist ein (Albtraum)" names nothing
            and _intent_of(rest)[0] in _REQUESTS)


def is_giving_up(text: str, earlier: list[str]) -> bool:
    """True when, after at least two messages, the customer gives up ("forget it", "laissez
    tomber") without thanks or having found what they wanted: they are stuck."""
    return len(earlier) >= REPEATS_FOR_FAILURE - 1 and gives_up(text[:MAX_PARSED_CHARS])


def is_stuck(text: str, earlier: list[str]) -> bool:
    """True when the customer is not getting anywhere: this message, one the agent cannot act
    on, shows exasperation ("???", "that's not what I asked") after the same request twice, or
    after two more messages with no clear request in them (or repeats them).

    Unclear messages alone are not enough (a conversation may wander calmly), and a request
    the agent understands is never stuck: asking twice where an order is, after being
    answered, is not being stuck.
    """
    before = earlier[-(REPEATS_FOR_FAILURE - 1):]
    if len(before) < REPEATS_FOR_FAILURE - 1:
        return False
    if is_circling(text, before):
        return True
    if only_marks(text[:MAX_PARSED_CHARS]):
        return True  # "??" after two messages: the customer does not follow
    if _understood(text):
        return False
    exasperated = _sighs(text) or "??" in text or only_marks(text)
    if not any(map(_is_request, before)):  # nothing the agent could act on
        return exasperated or is_repeating(text, earlier)
    asked = {_intent_of(message[:MAX_PARSED_CHARS])[0] for message in before}
    fed_up = _share(text, "frustration") >= VENTING or "??" in text  # asking again is not
    return fed_up and len(asked) == 1  # the same request again, and again, and fed up


def is_circling(text: str, before: list[str]) -> bool:
    """True when three messages in a row come back to the same thing ("the code", "the code
    for it", "no not that code") and the customer insists or none of them is a request the
    agent can act on: the customer is going round in circles."""
    if _SETTLED.match(text):
        return False  # "ok, thanks, and the lamp?" moves on
    topic = _topic_words(text)
    for message in before:
        topic &= _topic_words(message)
    if not topic or _numbers(text) - _numbers(" ".join(before)):
        return False  # a new order number or house number moves things on
    if _INSISTING.search(text[:MAX_PARSED_CHARS]):
        return True
    short = len(text[:MAX_PARSED_CHARS].split()) <= SHORT_FOLLOW_UP
    return short and not any(map(_is_request, [*before, text]))


def _numbers(text: str) -> set[str]:
    return {word for word in plain_words(text[:MAX_PARSED_CHARS]).split()
            if any(map(str.isdigit, word))}


def _topic_words(text: str) -> set[str]:
    words = set(plain_words(text[:MAX_PARSED_CHARS]).split())
    return {word for word in words if len(word) >= 3 and not word.isdigit()} - _NOT_TOPICS


def _understood(text: str) -> bool:
    if only_marks(text[:MAX_PARSED_CHARS]):
        return False  # "??" answers nothing: the customer does not follow
    intent, clear = _intent_of(text[:MAX_PARSED_CHARS])
    return clear and intent not in ("frustration", "out_of_scope")


def only_marks(text: str) -> bool:
    """True for a message of nothing but question or exclamation marks ("??", "?!"): it
    answers nothing. One pass over the text, whatever its length."""
    return bool(text) and set(text) <= _MARKS and ("?" in text or "!" in text)


def _is_request(text: str) -> bool:
    """A clear request the agent can act on; "the thing from before" is none on its own."""
    intent, clear = _intent_of(text[:MAX_PARSED_CHARS])
    return clear and intent in _REQUESTS


def _share(text: str, intent: str) -> float:
    read = text[:MAX_PARSED_CHARS]
    return dict(intent_classifier().probabilities(read))[intent] if has_words(read) else 0.0


def _intent_of(text: str) -> tuple[str, bool]:
    """The intent classifier's reading of a message, and whether it is clear."""
    if not has_words(text):
        return "none", True  # a number or an emoji answers what was asked
    intent, share = intent_classifier().probabilities(text)[0]
    return intent, share >= CLEAR_REQUEST


def is_repeating(text: str, earlier: list[str]) -> bool:
    """True when the last messages, this one included, all ask the same thing."""
    recent = earlier[-(REPEATS_FOR_FAILURE - 1):]
    if len(recent) < REPEATS_FOR_FAILURE - 1 or len(text.split()) < 3:
        return False
    return all(fuzz.token_set_ratio(plain_words(text[:MAX_PARSED_CHARS]),
                                    plain_words(other[:MAX_PARSED_CHARS])) >= SAME_REQUEST_SCORE
               for other in recent)
