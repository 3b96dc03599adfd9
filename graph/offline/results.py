"""The dialogue policy after tool results: answer the customer or take the next step."""

from __future__ import annotations

from typing import Any

from graph.catalogs import N_, _
from graph.offline import replies
from graph.offline.declared import PREFIX, active
from graph.offline.lexicon import CANCEL, CHANGE_ADDRESS, LIST_ORDERS, ORDER_STATUS, REFUND
from graph.offline.references import choose_option
from graph.offline.state import DialogueState
from graph.offline.steps import Decision, advance

ACTION_TOOLS = ("refund", "cancel_order", "change_address")
_PLAUSIBLE_STATUSES = {
    ORDER_STATUS: ("processing", "shipped"),
    REFUND: ("delivered",),
    CANCEL: ("processing",),
    CHANGE_ADDRESS: ("processing",),
}
_WHICH = {
    ORDER_STATUS: N_("Which one would you like me to check?"),
    REFUND: N_("Which one would you like refunded?"),
    CANCEL: N_("Which one would you like to cancel?"),
    CHANGE_ADDRESS: N_("Which one should go to the new address?"),
}
_PENDING_STATUSES = ("pending_approval", "awaiting_approval", "escalated", "queued")


def _plausible_order(state: DialogueState, orders: list[dict[str, Any]]) -> str | None:
    """The one order the task can only be about, or None when the customer must choose."""
    ids = [order["id"] for order in orders]
    text = state.slots.get("text", "")
    if text and (described := choose_option(text, [], ids, state.orders, shown=False)):
        return described
    if state.slots.get("product") is not None:
        return None  # they named a product; guessing another order would mislead
    wanted = _PLAUSIBLE_STATUSES.get(state.intent or "", ())
    fitting = [order for order in orders if order.get("status") in wanted]
    amount = state.slots.get("amount")
    if amount is not None and len(fitting) > 1:
        fitting = [o for o in fitting if float(o.get("total") or 0) >= float(amount)]
    if len(fitting) == 1:
        return fitting[0]["id"]
    if state.intent == ORDER_STATUS and not fitting:
        open_orders = [o for o in orders if o.get("status") != "cancelled"]
        if len(open_orders) == 1:
            return open_orders[0]["id"]
    return orders[0]["id"] if len(orders) == 1 else None


def _after_list(state: DialogueState, result: dict[str, Any], offered: set[str]) -> Decision:
    orders = [o for o in result.get("orders") or [] if isinstance(o, dict) and o.get("id")]
    state.remember_orders(orders)
    declared = active(state.slots)
    if declared is not None and declared.applies_to != "order":
        return advance(state, offered)  # an account's action: its orders tell the currency
    if state.intent in (None, LIST_ORDERS) or not orders:
        state.intent = None
        state.listed = [o["id"] for o in orders]
        return Decision(replies.order_list_reply(orders), [], state)
    chosen = _plausible_order(state, orders)
    if chosen:
        state.slots["order_id"] = chosen
        return advance(state, offered)
    state.options = state.listed = [o["id"] for o in orders]
    state.awaiting = "order_choice"
    which = _WHICH.get(state.intent or "")
    question = _(which) if which else _("Which one do you mean?")
    missing = replies.product_not_found_reply(state.slots.get("product") or "")
    if choose_option(state.slots.get("text", ""), [], state.listed, state.orders,
                     shown=False):
        missing = ""
    return Decision(missing + replies.order_list_reply(orders, question), [], state)


def _after_error(state: DialogueState, call: dict[str, Any], result: dict[str, Any]) -> Decision:
    code, message = result.get("error"), str(result.get("message") or "").strip()
    if code == "verification_required":
        state.awaiting, state.proposal = "email", call
        return Decision(_(replies.VERIFY_REPLY), [], state)
    if code == "invalid" and call["name"] == "refund" and "refundable" in (
            result.get("artifact") or {}):  # the amount was refused: ask for another one
        state.intent, state.awaiting = REFUND, "amount"
        state.slots.pop("amount", None)
        state.slots["wants_partial"] = True
        return Decision(f"{message} {_(replies.ASK_AMOUNT_AGAIN)}".strip(), [], state)
    if code == "not_found" and (call["name"] in ("get_order", *ACTION_TOOLS)
                                or _is_declared_call(state, call)):
        state.slots.pop("order_id", None)
        state.awaiting, state.options = "order_id", []
        ask = _("Could you double-check the order number?")
        return Decision(f"{message} {ask}".strip(), [], state)
    state.awaiting = None
    if code == "backend_error":
        message = message or _("Something went wrong on our side.")
        offer = _("I can connect you with a person if you like.")
        return Decision(f"{message} {offer}", [], state)
    return Decision(message or _("Sorry, I couldn't do that."), [], state)


def _after_action(call: dict[str, Any], result: dict[str, Any]) -> str:
    status = str(result.get("status") or "")
    if status == "awaiting_confirmation":
        summary = str(result.get("summary") or _("Shall I go ahead?"))
        return " ".join([summary, _("Please reply yes or no.")])
    if result.get("message"):
        return str(result["message"])
    if status in _PENDING_STATUSES:
        return _("I've passed this to our team for approval — you'll hear back here shortly.")
    args = call["args"]
    order_id = args.get("order_id")
    if call["name"] == "refund":
        if amount := args.get("amount"):
            return _("Done — a refund of {amount} for order {order_id} has been issued.").format(
                amount=amount, order_id=order_id)
        return _("Done — a refund of the remaining amount for order {order_id} has been issued."
                 ).format(order_id=order_id)
    if call["name"] == "cancel_order":
        return _("Done — order {order_id} is cancelled.").format(order_id=order_id)
    if call["name"] != "change_address":
        return _("Done.")
    return _("Done — order {order_id} will now go to {line1}, {city}.").format(
        order_id=order_id, line1=args.get("line1"), city=args.get("city"))


def _is_declared_call(state: DialogueState, call: dict[str, Any]) -> bool:
    """The call was to the declared action in progress."""
    declared = active(state.slots)
    return declared is not None and declared.name == call["name"]


def _after_one(
    state: DialogueState, call: dict[str, Any], result: dict[str, Any], offered: set[str]
) -> Decision:
    name = call["name"]
    if "error" in result:
        return _after_error(state, call, result)
    if name == "list_orders":
        return _after_list(state, result, offered)
    state.awaiting = None
    if name == "get_order":
        order = result.get("order") or result
        if isinstance(order, dict) and order.get("id"):
            state.remember_orders([order])
            state.slots["order_id"] = state.focus = str(order["id"])
            working = state.intent == REFUND or str(state.intent).startswith(PREFIX)
            if working and state.slots.get("looked_up"):
                return advance(state, offered)  # read for the amount, item or variant: go on
            return Decision(replies.order_status_reply(order), [], state)
    if name == "search_knowledge":
        articles = [a for a in result.get("articles") or [] if isinstance(a, dict)]
        if not articles:
            state.awaiting = "confirm"
            reason = f"No help article for: {call['args'].get('query')}"
            state.proposal = {"name": "request_human", "args": {"reason": reason}}
            return Decision(_(replies.NO_ARTICLE_REPLY), [], state)
        return Decision(replies.knowledge_reply(articles, call["args"].get("query", "")), [], state)
    if name == "request_human":
        return Decision(str(result.get("message") or _(replies.HUMAN_REPLY)), [], state)
    if name in ACTION_TOOLS or _is_declared_call(state, call):
        if result.get("status") != "awaiting_confirmation":
            state.intent = None
        return Decision(_after_action(call, result), [], state)
    return Decision(str(result.get("message") or _("Done.")), [], state)


def respond_to_results(
    answered: list[tuple[dict[str, Any], dict[str, Any]]], state: DialogueState, offered: set[str]
) -> Decision:
    """Decide what follows a batch of tool results.

    Args:
        answered: (tool call, decoded result) pairs, in the order the results arrived.
        state: The state stored with the model's reply that made the calls.
        offered: Names of the tools the model may call.
    """
    prefix = state.slots.pop("prefix", "")
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for call, result in answered:
        decision = _after_one(state, call, result, offered)
        state = decision.state
        texts += [decision.content] if decision.content else []
        calls += decision.calls
    content = " ".join(texts)
    if content and prefix:
        content = f"{prefix}{content}"
    elif prefix:
        state.slots["prefix"] = prefix
    return Decision(content, calls, state)
