"""One customer message read into intents and slots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from graph.addresses import PostalAddress, extract_address
from graph.affirmation import Reply, classify_reply
from graph.classifier import has_words, intent_classifier
from graph.escalation_signals import has_strong_words, is_shouting
from graph.money import Amount
from graph.offline.amounts import blank, relative_share, share_of_price, unread_amounts
from graph.offline.by_price import price_span
from graph.offline.intents import WordIndex, agitation, tokenize, word_similarity
from graph.offline.lexicon import (
    CANCEL,
    CAPABILITIES,
    CHANGE_ADDRESS,
    DISMISS,
    FRUSTRATION,
    FULL_AMOUNT_WORDS,
    GREETING,
    HUMAN,
    KNOWLEDGE,
    ORDER_STATUS,
    OUT_OF_SCOPE,
    REFUND,
    REFUND_REASONS,
    SOCIAL_INTENTS,
    TASK_INTENTS,
    THANKS,
)
from graph.offline.new_address import street_only
from graph.offline.withdrawals import withdraws
from graph.slots import (
    extract_amount,
    extract_code,
    extract_email,
    extract_order_ids,
)

ORDER_TASKS = (REFUND, CANCEL, CHANGE_ADDRESS, ORDER_STATUS)
ACCEPTED = 0.25
"""The classifier's share at which an intent counts as expressed."""
AMOUNT_HINT = 0.3
"""A sum of money in a message that does not ask how things work points at a refund."""
ADDRESS_HINT = 0.5
"""A whole postal address points at an address change."""
_OPENING = re.compile(r"\s*([^,.!?;:\n]{1,40})[,.!?;:\n]")
"""The message's first few words, up to the first punctuation."""
_SARCASTIC_END = re.compile(r"\b(?:not|yeah right|as if)\W*$", re.I)
"""How praise is taken back at its end: "really helpful... NOT!!"."""
_BARE_POINTER = 2
"""Words left of an order described by its price that ask nothing ("die für 95 Euro")."""
GREETING_WORDS = 4
"""How many of the opening's words are read for a greeting ("hi there", "good morning to you
all" as "good morning to you"): enough for one, and a short text to classify again."""
NO_INTENT = "none"
"""The classifier's label for a message with no request of its own ("ok", "the second one")."""


@dataclass(frozen=True)
class Reading:
    """Everything the dialogue needs from one customer message.

    Attributes:
        text: The message as written.
        intents: Accepted intents with scores, strongest first.
        order_ids: Order references the customer wrote.
        amount: A sum of money, if any.
        unread_amount: A number meant as money that `amount` cannot hold ("-10", "0.001",
            "1e9"), as written, when the message names no other sum.
        full_amount: The customer asked for everything ("all of it", "the full amount").
        address: A postal address, if any.
        reply: The message read as an answer to a yes/no question.
        email: An e-mail address, if any.
        code: A six-digit one-time code, if any.
        reason: A short refund or cancellation reason, if one is recognizable.
        about_order: The message names or points at one of the customer's orders.
        share: A part of the order's total the customer asked for ("half", "25 %"), when the
            message names no sum; the whole of it is `full_amount` instead.
    """

    text: str
    intents: list[tuple[str, float]]
    order_ids: list[str]
    amount: Amount | None
    full_amount: bool
    address: PostalAddress | None
    reply: Reply
    email: str | None
    code: str | None
    reason: str | None
    about_order: bool = False
    unread_amount: str | None = None
    share: Fraction | None = None

    @property
    def task(self) -> str | None:
        """The strongest task intent, or None.

        A question about what the assistant can do is not a help-article search, even though
        it reads like a general question.
        """
        tasks = [name for name, _ in self.intents if name in TASK_INTENTS]
        task = tasks[0] if tasks else None
        blocked = task == KNOWLEDGE and (self.score(OUT_OF_SCOPE) >= self.score(KNOWLEDGE)
                                         or self.score(CAPABILITIES) >= self.score(KNOWLEDGE))
        if blocked:
            # "the vase is chipped, what can you do about it" asks for a remedy for an order
            own = [name for name in tasks if name in ORDER_TASKS] if self.about_order else []
            return own[0] if own else None
        if task == HUMAN and self.score(CAPABILITIES) > self.score(HUMAN):
            return None  # "who am I talking to?" asks what this is, not for a person
        return task

    @property
    def social(self) -> list[str]:
        """Greeting or thanks intents present in the message."""
        return [name for name, _ in self.intents if name in SOCIAL_INTENTS]

    @property
    def out_of_scope(self) -> bool:
        """True when the message is about something the shop cannot help with."""
        return any(name == OUT_OF_SCOPE for name, _ in self.intents) and self.task is None

    def has(self, intent: str) -> bool:
        """True when the intent was recognized at all."""
        return any(name == intent for name, _ in self.intents)

    def score(self, intent: str) -> float:
        """The intent's score, 0 when it was not recognized."""
        return next((score for name, score in self.intents if name == intent), 0.0)


def _names_whole_sum(words: list[str], intents: list[tuple[str, float]]) -> bool:
    """Whether the message names the whole sum ("all of it", "the full amount"): one of its
    words does, unless the message says no or lets the request go without them ("forget it
    all", "no, all good")."""
    if not FULL_AMOUNT_WORDS.intersection(words):
        return False
    if all(intent != DISMISS for intent, _ in intents):
        return True
    rest = " ".join(word for word in words if word not in FULL_AMOUNT_WORDS)
    return not has_words(rest) or (classify_reply(rest) != "no" and dict(
        intent_classifier().probabilities(rest))[DISMISS] < ACCEPTED)


def _numbers_the_house(order_id: str, address: PostalAddress) -> bool:
    """Whether what reads as an order reference is the street line's house number ("12-14
    High Street", "Bahnhofstraße 12-14"), not an order."""
    words = street_only(address.as_dict(), [])["line1"].lower().split()
    return len(words) > 1 and order_id.lower() in (words[0], words[-1])


def _reason_of(words: list[str], index: WordIndex) -> str | None:
    for cue, reason in REFUND_REASONS.items():
        parts = cue.split()
        starts, _ = index.hits(parts[0], frozenset())  # where the cue's first word stands
        for i in starts:
            window = words[i : i + len(parts)]
            if len(window) == len(parts) and all(
                    word_similarity(p, w) for p, w in zip(parts, window, strict=True)):
                return reason
    return None


def _intents(text: str, *, has_amount: bool, has_address: bool) -> list[tuple[str, float]]:
    """The intents the classifier finds, nudged by the slots, strongest first."""
    shares = dict(intent_classifier().probabilities(text) if has_words(text) else
                  [(intent, 0.0) for intent in intent_classifier().labels])
    for action in (CANCEL, REFUND):  # "don't cancel it": the request is let go
        if shares[action] >= ACCEPTED and withdraws(text, action):
            shares[DISMISS], shares[action] = max(shares[DISMISS], shares[action]), 0.0
    if has_amount and max(shares, key=shares.__getitem__) != KNOWLEDGE:
        shares[REFUND] += AMOUNT_HINT
    if has_address:
        shares[CHANGE_ADDRESS] += ADDRESS_HINT
    cheerful = max(shares, key=shares.__getitem__) in (THANKS, GREETING) and not (
        _SARCASTIC_END.search(text[-40:]))  # "thanks!!", not "really helpful... NOT!!"
    if has_strong_words(text) or not cheerful and (is_shouting(text) or agitation(text)):
        shares[FRUSTRATION] = max(shares[FRUSTRATION], ACCEPTED)
    if (opening := _OPENING.match(text)) and opening.end() < len(text.rstrip()):
        # "hey, quick question: ..." greets before it asks
        greeting = " ".join(opening.group(1).split()[:GREETING_WORDS])
        shares[GREETING] = max(shares[GREETING], dict(intent_classifier().probabilities(
            greeting))[GREETING])
    ranked = sorted(shares.items(), key=lambda item: item[1], reverse=True)
    return [(intent, round(share, 3)) for intent, share in ranked
            if share >= ACCEPTED and intent != NO_INTENT]


def read_message(
    text: str,
    expecting: str | None = None,
    *,
    about_order: bool = False,
) -> Reading:
    """Read a customer message.

    Args:
        text: The customer's message.
        expecting: What the previous reply asked for ("order_id", "amount", ...), which
            lets a bare number count as an order id or an amount.
        about_order: The message points at an order known from the conversation ("it",
            "the rug", "the second one"), so it is about the customer's own order.

    Returns:
        The intents and slots found.
    """
    order_ids = extract_order_ids(text, assume_order=expecting in ("order_id", "order_choice"))
    unread = [found for found in unread_amounts(text, bare_zero=expecting == "amount")
              if text[found.start:found.end].upper() not in order_ids]
    amount = extract_amount(blank(text, unread) if unread else text,
                            allow_bare_integer=expecting == "amount")
    unread_amount = unread[0].value if unread and amount is None else None
    text_read = text
    if amount is not None and (described := price_span(text)) is not None:
        # "the £25 one", "la de 12 dólares" describe an order: no sum asked for, and the sum's
        # words are no request ("dólares" is not a refund)
        amount, text_read = None, text[:described[0]] + text[described[1]:]
        if len(text_read.split()) <= _BARE_POINTER:  # "die für", "la de": nothing asked
            text_read = ""
    elif amount is not None:
        amount = share_of_price(text) or amount  # "it cost £40, I'd like 25% back" is £10
    share = relative_share(text) if amount is None and unread_amount is None else None
    if amount is not None and expecting == "amount" and order_ids:
        order_ids = [oid for oid in order_ids if oid != re.sub(r"\.00$", "", str(amount.value))]
    tokens = tokenize(text)
    index = WordIndex(tokens)
    words = [t.text for t in tokens]
    address = extract_address(text)
    if address is not None and order_ids:
        order_ids = [oid for oid in order_ids if not _numbers_the_house(oid, address)]
    intents = _intents(
        text_read,
        has_amount=(amount or unread_amount) is not None and expecting != "amount",
        has_address=address is not None and address.city is not None,
    )
    return Reading(
        text=text,
        intents=intents,
        order_ids=order_ids,
        amount=amount,
        full_amount=(_names_whole_sum(words, intents) or share == 1)
        and amount is None and unread_amount is None,
        address=address,
        reply=classify_reply(text),
        email=extract_email(text),
        code=extract_code(text),
        reason=_reason_of(words, index),
        about_order=bool(order_ids) or about_order,
        unread_amount=unread_amount,
        share=share if share != 1 else None,
    )
