"""A declared action as a task of the dialogue: started from a request, carried on by the
customer's answers to its questions (which item, which value)."""

from __future__ import annotations

from graph.offline.decision import Decision, call_tool
from graph.offline.declared import PREFIX, DeclaredAction, active
from graph.offline.filling import (
    MAX_WORDS_KEPT,
    advance_declared,
    choose_item,
    fill_argument,
    kind_of,
)
from graph.offline.glossary import concepts
from graph.offline.intents import tokenize
from graph.offline.reading import Reading
from graph.offline.references import Mention
from graph.offline.state import DialogueState


def is_declared(intent: str | None) -> bool:
    """True when the task in progress is a declared action."""
    return bool(intent) and str(intent).startswith(PREFIX)


def _names_the_action(word: str, action: DeclaredAction) -> bool:
    """The word is one the request is made of ("invoice", "receipt"), not a product."""
    if concepts(word):
        return True
    said = " ".join((*action.examples, action.name.replace("_", " ")))
    return word in {token.text for token in tokenize(said)}


def start_declared(
    state: DialogueState, reading: Reading, order_ids: list[str], mention: Mention,
    action: DeclaredAction, offered: set[str], prefix: str,
) -> Decision:
    """Start the declared action a message asks for, with what the message already says."""
    fresh = DialogueState(intent=action.intent, orders=state.orders, focus=state.focus,
                          listed=state.listed)
    slots = fresh.slots
    slots["declared"] = action.to_dict()
    slots["text"] = reading.text
    slots["query"] = reading.text.strip()[:MAX_WORDS_KEPT]
    if mention.product and not _names_the_action(mention.product, action):
        slots["product"] = mention.product  # "the sofa", not "my invoice" or "a label"
    if action.applies_to == "order":
        picked = order_ids[0] if order_ids else mention.order_id
        if picked:
            slots["order_id"] = picked
    if reading.amount is not None:
        slots["amount"] = str(reading.amount.value)
        slots["currency_said"] = reading.amount.currency
    elif reading.unread_amount is not None:
        slots["amount"] = reading.unread_amount  # the action's own check says what is allowed
    if reading.reason:
        slots["reason"] = reading.reason
    return advance_declared(fresh, offered, prefix)


def continue_declared(
    state: DialogueState, reading: Reading, offered: set[str], prefix: str
) -> Decision | None:
    """Take the customer's answer to the declared action's question about an item or an
    argument; None when the message does not answer it (a new request, say)."""
    action = active(state.slots)
    if action is None:
        return None
    if state.awaiting not in ("item", "argument"):  # which order, how much: answered as usual
        said = f"{state.slots.get('answers', '')} {reading.text}".strip()
        state.slots["answers"] = said[-MAX_WORDS_KEPT:]  # "the tea towel" names the item too
        return None
    switching = reading.task is not None
    if state.awaiting == "item":
        if choose_item(state, action, reading.text) or not switching:
            return advance_declared(state, offered, prefix)
        return None
    argument = action.argument(state.slots.get("asking"))
    if argument is None:
        return None
    if fill_argument(state, action, argument, reading.text) or not switching:
        state.slots.pop("asking", None)
        return advance_declared(state, offered, prefix)
    return None


def amend_declared(
    state: DialogueState, reading: Reading, offered: set[str], prefix: str
) -> Decision | None:
    """Change the declared action awaiting a yes when the answer names another value for
    one of its arguments ("the black one instead", "make it $5", "no, it was damaged")."""
    action = active(state.slots)
    args = state.slots.get("args")
    if action is None or not isinstance(args, dict) or not args:
        return None
    changed = False
    if action.amount and reading.amount is not None:
        changed = args.get(action.amount) != str(reading.amount.value)
        args[action.amount] = state.slots["amount"] = str(reading.amount.value)
    for argument in action.arguments:
        if kind_of(argument, action) not in ("enum", "pick") or argument.name not in args:
            continue
        before = args.pop(argument.name)
        if fill_argument(state, action, argument, reading.text) and (
                args[argument.name] != before):
            changed = True
        else:
            args[argument.name] = before
    return call_tool(state, offered, action.name, prefix, **args) if changed else None