"""The next step of a declared action: fill its arguments from what the customer said and the
orders seen, ask one short question for a missing one, or call its tool.

The order is found as for a refund (an id, "the kettle one", the only order, or a list to
choose from); the item from the order's lines; a sum of money as the refund reads one; an
enum from words naming a value; a currency from the customer's orders; another variant from
the item's `variants`; a free-text argument from the customer's own words.
"""

from __future__ import annotations

from typing import Any

from babel.lists import format_list

from graph.catalogs import N_, _, active_language
from graph.languages import DEFAULT_LANGUAGE
from graph.offline import replies
from graph.offline.choices import enum_value, variant_named
from graph.offline.decision import Decision, ask, call_tool
from graph.offline.declared import Argument, DeclaredAction, active
from graph.offline.intents import tokenize
from graph.offline.quantities import lines_named
from graph.offline.references import pick_by_position
from graph.offline.state import DialogueState

ASK_ITEM = N_("Which item from order {order_id} is it about: {items}?")
ASK_ITEM_OPEN = N_("Which item from order {order_id} is it about?")
ASK_VARIANT = N_("Which one would you like instead: {choices}?")
ASK_VARIANT_OPEN = N_("Which one would you like instead?")
ASK_CHOICE = N_("Which is it: {choices}?")
ASK_AMOUNT = N_("How much should it be?")
ASK_REASON = N_("Could you tell me in a few words what happened?")
ASK_VALUE = N_("Could you tell me the {name}?")
MAX_WORDS_KEPT = 300
"""A free-text argument takes at most this many characters of the customer's words."""
SHORT_TEXT = 100
"""A string argument at most this long is a value to pick (a variant), not the customer's
words."""
_CURRENCY = "currency"
_FREE = "free"
_PICK = "pick"


def either(values: list[str]) -> str:
    """Join "a", "b" and "c" as "a, b or c", in the active language."""
    language = active_language()
    locale = language if language != DEFAULT_LANGUAGE else "en"
    try:
        return format_list(values, style="or", locale=locale)
    except ValueError:
        return ", ".join(values)


def kind_of(argument: Argument, action: DeclaredAction) -> str | None:
    """How an argument is filled: "currency", an enum ("enum"), a value to pick from the
    item's data ("pick"), the customer's words ("free"); None for the order, item and amount."""
    if argument.name in ("order_id", action.item, action.amount):
        return None
    if argument.name == _CURRENCY:
        return _CURRENCY
    if argument.enum:
        return "enum"
    if "string" not in argument.types:
        return "value"
    short = argument.max_length is not None and argument.max_length <= SHORT_TEXT
    return _PICK if short else _FREE


def _line(state: DialogueState, action: DeclaredAction) -> dict[str, Any] | None:
    """The order line the action's item argument names, once known."""
    order = state.known_order(str(state.slots.get("order_id")))
    chosen = state.slots.get("args", {}).get(action.item or "")
    for line in (order or {}).get("lines") or []:
        if chosen in (line.get("sku"), line.get("name")):
            return line
    return None


def _options_unknown(state: DialogueState, action: DeclaredAction, argument: Argument) -> bool:
    """The item is known but not what else it comes in (the order list gives no variants)."""
    line = _line(state, action)
    return line is not None and not isinstance(line.get(f"{argument.name}s"), list)


def _words(state: DialogueState) -> list[str]:
    """The words of the request and of the answers given since (which order, how much)."""
    said = f"{state.slots.get('text', '')} {state.slots.get('answers', '')}"
    return [token.text for token in tokenize(said)]


def _look_up(state: DialogueState, offered: set[str], prefix: str) -> Decision | None:
    """Read the order once, when its items (or their variants) are not known yet."""
    if "get_order" not in offered or state.slots.get("looked_up"):
        return None
    state.slots["looked_up"] = True
    return call_tool(state, offered, "get_order", prefix, order_id=state.slots["order_id"])


def _fill_item(state: DialogueState, action: DeclaredAction, offered: set[str],
               prefix: str) -> Decision | None:
    args, order_id = state.slots["args"], state.slots["order_id"]
    lines = (state.known_order(order_id) or {}).get("lines") or []
    if not lines and (looking := _look_up(state, offered, prefix)):
        return looking
    named = lines_named(lines, _words(state)) if len(lines) > 1 else lines
    if len(named) == 1:
        args[action.item or ""] = named[0].get("sku") or named[0].get("name")
        return None
    if not lines:
        return ask(state, "item", prefix + _(ASK_ITEM_OPEN).format(order_id=order_id))
    names = [str(line.get("name")) for line in lines]
    return ask(state, "item", prefix + _(ASK_ITEM).format(order_id=order_id,
                                                         items=either(names)))


def choose_item(state: DialogueState, action: DeclaredAction, text: str) -> bool:
    """Take the item the customer's answer names (or the reply itself when the order's items
    are not known); True when one was taken."""
    item, args = action.item or "", state.slots["args"]
    words = [token.text for token in tokenize(text)]
    lines = (state.known_order(str(state.slots.get("order_id"))) or {}).get("lines") or []
    named = lines_named(lines, words)
    if len(named) != 1 and lines:
        picked = pick_by_position(words, [str(line.get("name")) for line in lines], [])
        named = [line for line in lines if line.get("name") == picked]
    if len(named) == 1:
        args[item] = named[0].get("sku") or named[0].get("name")
    elif not lines and text.strip():
        args[item] = text.strip()[:SHORT_TEXT]
    return bool(args.get(item))


def _currency(state: DialogueState, argument: Argument) -> str | None:
    said = state.slots.get("currency_said")
    known = {str(o.get("currency")).upper() for o in state.orders if o.get("currency")}
    for found in ([said] if said else []) + (sorted(known) if len(known) == 1 else []):
        if not argument.enum or found in argument.enum:
            return str(found)
    return None


def fill_argument(state: DialogueState, action: DeclaredAction, argument: Argument,
                  text: str) -> bool:
    """Fill one argument from a text (the request, or an answer to the question about it)."""
    args, kind = state.slots["args"], kind_of(argument, action)
    value: Any = None
    if kind == _CURRENCY:
        value = _currency(state, argument) or (enum_value(text, argument.enum)
                                               if argument.enum else None)
    elif kind == "enum":
        value = enum_value(text, argument.enum)
    elif kind == _PICK:
        line = _line(state, action) or {}
        options = line.get(f"{argument.name}s")
        if isinstance(options, list) and options:
            value = variant_named(text, [str(o) for o in options], line.get(argument.name))
        elif state.awaiting == "argument":  # no list to pick from: the answer is the value
            value = text.strip()[:argument.max_length or SHORT_TEXT] or None
    elif kind == _FREE:
        value = text.strip()[:min(argument.max_length or MAX_WORDS_KEPT, MAX_WORDS_KEPT)]
    elif kind == "value" and state.awaiting == "argument":
        value = _number(text, argument)
    if value not in (None, ""):
        args[argument.name] = value
    return argument.name in args


def _number(text: str, argument: Argument) -> Any:
    digits = next((t.text for t in tokenize(text) if t.text.isdigit()), None)
    if digits is None:
        return None
    return int(digits) if "integer" in argument.types else digits


def _question(state: DialogueState, action: DeclaredAction, argument: Argument) -> str:
    kind = kind_of(argument, action)
    if kind in ("enum", _CURRENCY) and argument.enum:
        return _(ASK_CHOICE).format(choices=either(list(argument.enum)))
    if kind == _PICK:
        options = (_line(state, action) or {}).get(f"{argument.name}s")
        if isinstance(options, list) and options:
            return _(ASK_VARIANT).format(choices=either([str(o) for o in options]))
        return _(ASK_VARIANT_OPEN)
    if kind == _FREE:
        return _(ASK_REASON)
    return _(ASK_VALUE).format(name=argument.name.replace("_", " "))


def advance_declared(state: DialogueState, offered: set[str], prefix: str = "") -> Decision:
    """Take the next step of the declared action in progress with what is known so far."""
    action = active(state.slots)
    assert action is not None
    slots = state.slots
    args = slots.setdefault("args", {})
    if action.applies_to == "order":
        if slots.get("order_id") is None:
            if "list_orders" not in offered:
                return ask(state, "order_id", f"{prefix}{_(replies.ASK_ORDER_REPLY)}")
            return call_tool(state, offered, "list_orders", prefix)
        args["order_id"] = slots["order_id"]
    elif not state.orders and "list_orders" in offered and not slots.get("listed"):
        slots["listed"] = True  # the customer's currency is that of their orders
        return call_tool(state, offered, "list_orders", prefix)
    if action.item and not args.get(action.item):
        if (step := _fill_item(state, action, offered, prefix)) is not None:
            return step
    if action.item and (line := _line(state, action)) is not None and line.get("sku"):
        args[action.item] = line["sku"]  # named from the list of orders, now read in full
    if action.amount and slots.get("amount") is not None:
        args[action.amount] = slots["amount"]
    for argument in action.arguments:
        kind = kind_of(argument, action)
        if argument.name in args or (kind is None and argument.name != action.amount):
            continue
        if argument.name == action.amount:
            if argument.required:
                return ask(state, "amount", prefix + _(ASK_AMOUNT))
            continue
        if kind == _FREE and not argument.required and not slots.get("reason"):
            continue  # the customer's words are kept only where asked for or meaningful
        request = str(slots.get("text", ""))
        said = request if kind == _FREE else f"{request} {slots.get('answers', '')}"
        if fill_argument(state, action, argument, said):
            continue
        if kind == _PICK and _options_unknown(state, action, argument) and (
                looking := _look_up(state, offered, prefix)):
            return looking  # the item's variants are in the order itself
        if argument.required:
            slots["asking"] = argument.name
            return ask(state, "argument", prefix + _question(state, action, argument))
    return call_tool(state, offered, action.name, prefix, **args)
