"""The dialogue policy for a new customer message: continue what is pending or start a task."""

from __future__ import annotations

import re

from graph.catalogs import _
from graph.offline import replies
from graph.offline.amounts import blank, share_of, unread_amounts
from graph.offline.declared import DeclaredAction
from graph.offline.declared_task import (
    amend_declared,
    continue_declared,
    is_declared,
    start_declared,
)
from graph.offline.lexicon import (
    CANCEL,
    CAPABILITIES,
    CHANGE_ADDRESS,
    COMPLAINT,
    DISMISS,
    FRUSTRATION,
    GREETING,
    KNOWLEDGE,
    LIST_ORDERS,
    ORDER_STATUS,
    REFUND,
    VERIFY,
)
from graph.offline.new_address import complete_address, new_address
from graph.offline.quantities import unit_price, units_affected
from graph.offline.reading import ORDER_TASKS, Reading, read_message
from graph.offline.recognition import recognised
from graph.offline.references import (
    Mention,
    choose_option,
    find_mention,
    known_ids_in,
    resolve_order_ids,
)
from graph.offline.smalltalk import attitude_reply, social_reply
from graph.offline.state import DialogueState
from graph.offline.steps import Decision, advance, ask, call_tool
from graph.slots import extract_amount, extract_order_ids

MAX_QUERY_CHARS = 500
"""A help-article search (and a note for a person) takes at most this much of a message."""
_OPENERS = [[w] for w in "when where has have is did does will whens wheres hows".split()]
_NEW_SUBJECT = re.compile(r"\b(?:my|other|another|different|all|else|orders)\b", re.I)
_PARTIAL = re.compile(r"\b(?:partial|partly|part of|some of|portion)\b", re.I)


def _fill_slots(state: DialogueState, reading: Reading, order_ids: list[str]) -> None:
    slots = state.slots
    if order_ids and not slots.get("order_id"):
        slots["order_id"] = order_ids[0]
    if reading.amount is not None:
        slots["amount"] = str(reading.amount.value)
    elif reading.unread_amount is not None:
        slots["amount"] = reading.unread_amount  # the refund tool says what the limits are
    if reading.full_amount:
        slots.pop("amount", None)
        slots["wants_partial"], slots["whole"] = False, True
    no_sum = reading.amount is None and reading.unread_amount is None
    if reading.share is not None and no_sum:
        slots["share"] = str(reading.share)
    if (units := units_affected(reading.text)) and no_sum:
        slots["units"] = units
        each = unit_price(reading.text)
        slots["unit_price"] = str(each) if each is not None else None
    if reading.reason and not slots.get("reason"):
        slots["reason"] = reading.reason
    if reading.address is not None:
        slots["address"] = new_address(reading.address, order_ids)


def _continue_pending(
    state: DialogueState, reading: Reading, order_ids: list[str], offered: set[str], prefix: str
) -> Decision | None:
    awaiting = state.awaiting
    switching = reading.task is not None and reading.task != state.intent
    switching = switching or reading.has(FRUSTRATION) or reading.has(CAPABILITIES)
    named = reading.amount is not None or reading.unread_amount is not None
    sum_given = awaiting == "amount" and (named or reading.full_amount or reading.share is not None)
    # "all of it" answers "how much?"; it does not let the request go
    withdrawn = reading.reply == "no" or (reading.has(DISMISS) and not sum_given)
    if withdrawn and not order_ids and not reading.task:
        state.intent, state.awaiting, state.proposal = None, None, None
        return Decision(_(replies.DROPPED_REPLY), [], state)
    if awaiting == "confirm" and reading.reply == "yes" and state.proposal:
        proposal, state.proposal = state.proposal, None
        return call_tool(state, offered, proposal["name"], prefix, **proposal.get("args", {}))
    if awaiting == "email" and (reading.email or reading.code) and state.proposal:
        proposal = state.proposal
        return call_tool(state, offered, proposal["name"], prefix, **proposal.get("args", {}))
    if awaiting in ("order_id", "order_choice"):
        chosen = choose_option(reading.text, order_ids, state.options, state.orders)
        chosen = chosen or (order_ids[0] if order_ids else None)
        if chosen:
            state.slots["order_id"] = chosen
            _fill_slots(state, reading, order_ids)
            return advance(state, offered, prefix)
        if not switching:
            text = (_("Sorry, which order do you mean? You can reply with its number, for "
                      "example {order_id}.").format(order_id=state.options[0])
                    if state.options else
                    _("Sorry, which order do you mean? You can reply with its number."))
            return ask(state, awaiting, f"{prefix}{text}")
    pending = state.slots.get("order_id")
    other_order = bool(order_ids) and pending is not None and pending not in order_ids
    if sum_given and not other_order:
        _fill_slots(state, reading, order_ids)
        state.slots["wants_partial"] = False
        return advance(state, offered, prefix)
    if awaiting == "address":
        partial = state.slots.get("address")
        if reading.address is not None:
            _fill_slots(state, reading, order_ids)
            return advance(state, offered, prefix)
        if partial and not switching and (completed := complete_address(partial, reading.text)):
            state.slots["address"] = completed
            return advance(state, offered, prefix)
    return None


def _task_for(state: DialogueState, reading: Reading, picked: bool, mention: Mention) -> str | None:
    """The task a message asks for, carrying the last one on for "and the lamp?"."""
    if reading.task is not None:
        return reading.task
    carries_on = mention.follow_up and (mention.order_id or mention.product is not None)
    asks = "?" in reading.text or reading.text.lower().split()[:1] in _OPENERS
    asks_after = mention.by == "pronoun" and asks and not reading.social
    if picked or mention.strong or carries_on:
        return state.intent if state.intent in ORDER_TASKS else ORDER_STATUS
    if asks_after:
        return ORDER_STATUS
    if reading.address is not None and state.intent == CHANGE_ADDRESS:
        return CHANGE_ADDRESS
    return None


def _start_task(
    state: DialogueState,
    reading: Reading,
    order_ids: list[str],
    mention: Mention,
    offered: set[str],
    prefix: str,
) -> Decision:
    task = _task_for(state, reading, bool(order_ids), mention)
    if task == COMPLAINT:  # a problem reported is a case: offer to put it right
        task, prefix = REFUND, prefix or _(replies.SORRY_PREFIX)
    elif task == VERIFY:  # proving who they are leads to what only they may see
        task = LIST_ORDERS
    fresh = DialogueState(intent=task, orders=state.orders, focus=state.focus,
                          listed=state.listed)
    if task is None:
        return _small_talk(fresh, reading, offered)
    fresh.slots["query"] = reading.text.strip()[:MAX_QUERY_CHARS]
    fresh.slots["text"] = reading.text
    fresh.slots["wants_partial"] = task == REFUND and bool(_PARTIAL.search(reading.text))
    if mention.product:
        fresh.slots["product"] = mention.product
    if not order_ids and mention.order_id:
        order_ids = [mention.order_id]
    unnamed = not order_ids and mention.product is None and fresh.focus
    if unnamed and task == ORDER_STATUS and not _NEW_SUBJECT.search(reading.text):
        order_ids = [str(fresh.focus)]  # "can I have the tracking code" after a status
    _fill_slots(fresh, reading, order_ids)
    return advance(fresh, offered, prefix)


def _small_talk(state: DialogueState, reading: Reading, offered: set[str]) -> Decision:
    if (text := attitude_reply(reading, state, offered)) is not None:
        return Decision(text, [], state)
    asks_more = "?" in reading.text and len(reading.text.split()) > 3
    if asks_more and "search_knowledge" in offered:
        state.intent = KNOWLEDGE
        state.slots["query"] = reading.text.strip()[:MAX_QUERY_CHARS]
        return advance(state, offered, _("Hi!") + " " if GREETING in reading.social else "")
    if (text := social_reply(reading)) is not None:
        return Decision(text, [], state)
    if "?" in reading.text and "search_knowledge" in offered:
        state.intent = KNOWLEDGE
        state.slots["query"] = reading.text.strip()[:MAX_QUERY_CHARS]
        return advance(state, offered)
    if reading.has(DISMISS):
        return Decision(_(replies.DROPPED_REPLY), [], state)
    return Decision(_(replies.NOT_UNDERSTOOD_REPLY), [], state)


def _prefix(reading: Reading) -> str:
    if not reading.task:
        return ""
    if reading.has(FRUSTRATION) or reading.task == COMPLAINT:
        return _(replies.SORRY_PREFIX)
    return _("Hi!") + " " if GREETING in reading.social else ""


def _amend(
    state: DialogueState, reading: Reading, order_ids: list[str], mention: Mention,
    offered: set[str], prefix: str,
) -> Decision | None:
    """Change the action awaiting a yes: "make it 10", "no, 48390", a corrected address."""
    if reading.task not in (None, state.intent) or reading.has(FRUSTRATION):
        return None
    slots, changed = state.slots, False
    picked = order_ids[0] if order_ids else mention.order_id if mention.strong else None
    if picked and picked != slots.get("order_id"):
        slots["order_id"], changed = picked, True
        slots.pop("amount", None)
    amount = str(reading.amount.value) if reading.amount else reading.unread_amount
    if amount is None and "?" not in reading.text and len(reading.text.split()) <= 8:
        amount = _amount_in(_without(reading.text, order_ids))
    if amount is None and reading.share is not None and state.intent == REFUND:
        order = state.known_order(str(slots.get("order_id")))
        if order and order.get("total") is not None:
            amount = str(share_of(order["total"], reading.share))
    if state.intent == REFUND and amount is not None:
        slots["amount"], slots["wants_partial"], changed = amount, False, True
    if state.intent == CHANGE_ADDRESS and reading.address is not None:
        slots["address"] = new_address(reading.address, order_ids)
        changed = True
    if not changed:  # the same order or the same request again: ask once more
        changed = picked == slots.get("order_id") or reading.task == state.intent
    return advance(state, offered, prefix) if changed and slots.get("order_id") else None


def _amount_in(text: str) -> str | None:
    """A new amount in a short answer to "Shall I refund ...?", bare numbers included."""
    unread = unread_amounts(text, bare_zero=True)
    amount = extract_amount(blank(text, unread), allow_bare_integer=True)
    if amount is not None:
        return str(amount.value)
    return unread[0].value if unread else None


def _without(text: str, order_ids: list[str]) -> str:
    for order_id in order_ids:
        text = re.sub(re.escape(order_id), " ", text, flags=re.I)
    return text


def respond_to_customer(
    text: str, state: DialogueState, current: bool, offered: set[str], *,
    confirming: bool = False, declared: tuple[DeclaredAction, ...] = (),
) -> Decision:
    """Decide the reply or tool call for a new customer message.

    Args:
        text: The customer's message.
        state: The state remembered from the model's previous reply.
        current: Whether that reply was the last thing the customer saw, so its question
            (if any) is what this message answers.
        offered: Names of the tools the model may call.
        confirming: The customer was just asked to confirm the action in progress, so a
            new amount, order or address amends that action.
        declared: The business's declared actions among the tools, recognised from their
            examples when the message asks for none of the model's own tasks.
    """
    expecting = state.awaiting if current else None
    mention = find_mention(text, state)
    about_order = mention.order_id is not None or mention.product is not None
    reading = read_message(text, expecting, about_order=about_order)
    known = [str(o["id"]) for o in state.orders]
    written = reading.order_ids + known_ids_in(text, known)
    amending_refund = confirming and state.intent == REFUND and _amount_in(text) is not None
    if not written and len(re.findall(r"\w+", text)) <= 3 and reading.amount is None \
            and not amending_refund:  # after "Shall I refund 20.00?", "500" is an amount
        written = extract_order_ids(text, assume_order=True)  # "#48213", "📦?? 48407"
    order_ids = resolve_order_ids(written, known)
    prefix = _prefix(reading)
    if confirming and state.intent in (REFUND, CANCEL, CHANGE_ADDRESS):
        decision = _amend(state, reading, order_ids, mention, offered, prefix)
        if decision is not None:
            return decision
    action = recognised(reading, declared) if declared else None
    switching = action is not None and action.intent != state.intent
    if confirming and is_declared(state.intent) and not switching:
        decision = amend_declared(state, reading, offered, prefix)
        if decision is not None:
            return decision
    if current and state.awaiting and is_declared(state.intent) and not switching:
        decision = continue_declared(state, reading, offered, prefix)
        if decision is not None:
            return decision
    if current and state.awaiting and not switching:
        decision = _continue_pending(state, reading, order_ids, offered, prefix)
        if decision is not None:
            return decision
    state.awaiting, state.proposal, state.options = None, None, []
    if action is not None:  # a declared action the model has no intent of its own for
        return start_declared(state, reading, order_ids, mention, action, offered, prefix)
    return _start_task(state, reading, order_ids, mention, offered, prefix)
