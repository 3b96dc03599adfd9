"""The offline model understands the business's declared actions from their examples, and fills
their arguments with its own reading of orders, items, sums and words."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.tools import StructuredTool

from bot.config import DEFAULTS_DIR
from graph.catalogs import speaking
from graph.declarations.loading import load_actions
from graph.tools import agent_tools
from tests.graph.offline.conversation import Chat, only_call, order

TOOLS = agent_tools(load_actions(DEFAULTS_DIR / "actions.toml"))


def _line(sku: str, name: str, variant: str | None = None,
          variants: list[str] | None = None, price: str = "49.00") -> dict[str, Any]:
    line: dict[str, Any] = {"sku": sku, "name": name, "qty": 1, "unit_price": price}
    if variants:
        line.update(variant=variant, variants=variants)
    return line


ORDERS = [
    order("A1001", "delivered", total="49.00",
          items=[_line("MUG-1", "Mug", "white", ["white", "black", "blue"])]),
    order("B2001", "delivered", total="300.00",
          items=[_line("CHAIR-9", "Desk chair", "black", ["black", "grey"], "300.00")]),
    order("C3001", "delivered", total="80.00",
          items=[_line("BOOK-3", "Notebook set", "ruled", ["ruled", "dotted", "plain"], "80.00")]),
    order("A1003", "shipped", total="35.50", items=[_line("TEA-5", "Tea sampler", price="35.50")]),
]


def _reply_after_reads(chat: Chat, reply: AIMessage, orders: list[dict]) -> AIMessage:
    """Answer the model's reads (the customer's orders, one order) until it does or says more."""
    by_id = {o["id"]: o for o in orders}
    for _ in range(3):
        if not reply.tool_calls or reply.tool_calls[0]["name"] not in ("list_orders",
                                                                       "get_order"):
            return reply
        call = reply.tool_calls[0]
        if call["name"] == "list_orders":
            reply = chat.answer({"orders": orders})
        else:
            reply = chat.answer({"order": by_id[call["args"]["order_id"]]})
    return reply


def _ask(text: str, orders: list[dict] = ORDERS, tools: list | None = None) -> AIMessage:
    chat = Chat(TOOLS if tools is None else tools)
    return _reply_after_reads(chat, chat.say(text), orders)


# Requests written apart from the declarations' examples, with what the call must carry.
REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("I want to return my notebook set", "start_return", {"order_id": "C3001", "sku": "BOOK-3"}),
    ("can you start a return for the mug please", "start_return",
     {"order_id": "A1001", "sku": "MUG-1"}),
    ("the chair doesn't suit my office, how do I get it returned?", "start_return",
     {"order_id": "B2001", "sku": "CHAIR-9"}),
    ("please give me a return label for the mug", "start_return",
     {"order_id": "A1001", "sku": "MUG-1"}),
    ("I'd like to return an item from order A1001", "start_return",
     {"order_id": "A1001", "sku": "MUG-1"}),
    ("is it possible to return this chair? it's uncomfortable", "start_return",
     {"order_id": "B2001", "sku": "CHAIR-9"}),
    ("how would I go about returning the notebooks?", "start_return",
     {"order_id": "C3001", "sku": "BOOK-3"}),
    ("I want a returns label for order B2001", "start_return",
     {"order_id": "B2001", "sku": "CHAIR-9"}),
    ("could you arrange a return of the desk chair", "start_return",
     {"order_id": "B2001", "sku": "CHAIR-9"}),
    ("Je souhaite retourner la chaise de bureau", "start_return", {"order_id": "B2001"}),
    ("Ich möchte den Becher zurücksenden", "start_return", {"order_id": "A1001"}),
    ("Quero devolver o caderno, pode mandar a etiqueta?", "start_return",
     {"order_id": "C3001", "sku": "BOOK-3"}),
    ("could I swap the mug for the black one?", "exchange_item",
     {"order_id": "A1001", "sku": "MUG-1", "variant": "black"}),
    ("I'd like to exchange my mug for a blue one", "exchange_item",
     {"order_id": "A1001", "variant": "blue"}),
    ("the chair came in black but I wanted grey, can I change it for grey", "exchange_item",
     {"order_id": "B2001", "sku": "CHAIR-9", "variant": "grey"}),
    ("please switch my mug to the black version", "exchange_item", {"variant": "black"}),
    ("swap the ruled notebooks for plain ones please", "exchange_item",
     {"order_id": "C3001", "variant": "plain"}),
    ("can I trade the black chair for the grey one", "exchange_item",
     {"order_id": "B2001", "variant": "grey"}),
    ("I'd prefer the desk chair in grey, can we exchange it?", "exchange_item",
     {"order_id": "B2001", "variant": "grey"}),
    ("exchange the notebooks for the dotted kind", "exchange_item",
     {"order_id": "C3001", "variant": "dotted"}),
    ("¿Puedo cambiar la taza por una azul?", "exchange_item",
     {"order_id": "A1001", "variant": "blue"}),
    ("Posso trocar a caneca pela preta?", "exchange_item",
     {"order_id": "A1001", "variant": "black"}),
    ("Kann ich den Stuhl in Grau umtauschen?", "exchange_item",
     {"order_id": "B2001", "variant": "grey"}),
    ("the parcel for A1003 never turned up, please send it again", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("my tea sampler got lost in the post, can you resend it?", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("the tea arrived damaged, could you send it again", "reship_order",
     {"order_id": "A1003", "reason": "damaged"}),
    ("the courier says delivered but I never got the tea, can you send it again?",
     "reship_order", {"order_id": "A1003", "reason": "lost"}),
    ("could you resend order A1003, it never arrived", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("UPS lost my tea sampler, I need another one sent out", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("my tea sampler package went missing, please ship a new one", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("the box with the tea came smashed, please send it again", "reship_order",
     {"order_id": "A1003", "reason": "damaged"}),
    ("Mi paquete A1003 nunca llegó, ¿pueden enviarlo de nuevo?", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("Mein Paket A1003 ist verloren gegangen, bitte noch einmal schicken", "reship_order",
     {"order_id": "A1003", "reason": "lost"}),
    ("could you email me the invoice for A1001 again", "resend_invoice", {"order_id": "A1001"}),
    ("I can't find my receipt for the chair, can you resend it", "resend_invoice",
     {"order_id": "B2001"}),
    ("please send a copy of the invoice for my mug order", "resend_invoice",
     {"order_id": "A1001"}),
    ("I need the invoice for order A1003 for my expenses", "resend_invoice",
     {"order_id": "A1003"}),
    ("can I get another copy of my bill for the notebooks", "resend_invoice",
     {"order_id": "C3001"}),
    ("resend the receipt for the tea sampler please", "resend_invoice", {"order_id": "A1003"}),
    ("my company needs an invoice for A1001", "resend_invoice", {"order_id": "A1001"}),
    ("where's my invoice for B2001? please send it to me again", "resend_invoice",
     {"order_id": "B2001"}),
    ("¿Me pueden mandar la factura del pedido C3001 otra vez?", "resend_invoice",
     {"order_id": "C3001"}),
    ("Pourriez-vous me renvoyer la facture de la commande A1001 ?", "resend_invoice",
     {"order_id": "A1001"}),
    ("I think I deserve some store credit for all this, say 10 dollars", "goodwill_credit",
     {"amount": "10.00", "currency": "USD"}),
    ("after the mess with my order I'd like $15 of compensation", "goodwill_credit",
     {"amount": "15.00", "currency": "USD"}),
    ("could you give me a $5 voucher to make up for the delay", "goodwill_credit",
     {"amount": "5.00", "currency": "USD"}),
    ("this has been awful, what about a goodwill gesture of 20 dollars?", "goodwill_credit",
     {"amount": "20.00", "currency": "USD"}),
    ("I'd like $10 credit for the inconvenience", "goodwill_credit",
     {"amount": "10.00", "currency": "USD"}),
    ("can you compensate me somehow for the hassle, maybe $8", "goodwill_credit",
     {"amount": "8.00"}),
    ("a small voucher for my trouble would be nice, 5 dollars is fine", "goodwill_credit",
     {"amount": "5.00"}),
    ("Me gustaría un vale de 10 dólares por las molestias", "goodwill_credit",
     {"amount": "10.00", "currency": "USD"}),
    ("Ich hätte gern einen Gutschein über 10 Dollar als Entschädigung", "goodwill_credit",
     {"amount": "10.00", "currency": "USD"}),
]


@pytest.mark.parametrize(("text", "action", "args"), REQUESTS)
def test_a_request_for_a_declared_action_calls_it_with_its_arguments(
    text: str, action: str, args: dict[str, str]
) -> None:
    name, called = only_call(_ask(text))
    assert name == action
    assert {key: called.get(key) for key in args} == args


def test_every_new_action_is_understood_in_at_least_eight_phrasings() -> None:
    counts: dict[str, int] = {}
    for _, action, _ in REQUESTS:
        counts[action] = counts.get(action, 0) + 1
    assert min(counts.values()) >= 8 and len(counts) == 5


def test_a_free_text_reason_is_the_customers_own_words() -> None:
    _, args = only_call(_ask("I'd like $10 credit for the inconvenience"))
    assert args["reason"] == "I'd like $10 credit for the inconvenience"


@pytest.mark.parametrize("text", [
    "I want a refund for the mug",
    "please cancel my order A1002",
    "where is my tea sampler?",
    "what is your return policy?",
    "how many days do I have to return something?",
    "do you offer exchanges?",
    "the mug arrived chipped",
    "I don't need the kettle anymore",
    "the tracking hasn't updated in days",
    "my parcel is late",
    "vale gracias, hasta luego",
])
def test_messages_the_model_reads_today_are_not_taken_over(text: str) -> None:
    reply = _ask(text, ORDERS + [order("A1002", "processing", "Kettle")])
    names = {call["name"] for call in reply.tool_calls}
    assert not names & {"start_return", "exchange_item", "reship_order", "resend_invoice",
                        "goodwill_credit"}, (text, reply.tool_calls, reply.content)


def test_the_order_is_asked_for_when_several_could_be_meant() -> None:
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("can you resend my invoice?"), ORDERS)
    assert not reply.tool_calls
    assert "A1001" in reply.content and "B2001" in reply.content
    name, args = only_call(_reply_after_reads(chat, chat.say("the chair one"), ORDERS))
    assert (name, args) == ("resend_invoice", {"order_id": "B2001"})


def test_the_item_is_asked_for_when_the_order_has_several() -> None:
    two = order("D4001", "delivered", total="60.00",
                items=[_line("MUG-1", "Mug", price="20.00"),
                       _line("TOWEL-2", "Tea towel", price="40.00")])
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("I'd like to start a return for order D4001"),
                               [two])
    assert not reply.tool_calls
    assert "Mug" in reply.content and "Tea towel" in reply.content
    name, args = only_call(chat.say("the tea towel"))
    assert (name, args) == ("start_return", {"order_id": "D4001", "sku": "TOWEL-2"})


def test_the_item_named_when_the_order_is_chosen_is_the_one_returned() -> None:
    two = order("D4001", "delivered", items=[_line("MUG-1", "Mug"), _line("TOWEL-2", "Towel")])
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("I'd like to return something"), [two, ORDERS[1]])
    assert "D4001" in reply.content and not reply.tool_calls
    name, args = only_call(chat.say("the towel"))
    assert (name, args) == ("start_return", {"order_id": "D4001", "sku": "TOWEL-2"})


def test_a_missing_variant_is_asked_for_from_the_items_variants() -> None:
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("I'd like to exchange the mug"), ORDERS)
    assert not reply.tool_calls
    assert "black" in reply.content and "blue" in reply.content
    name, args = only_call(chat.say("blue please"))
    assert (name, args) == ("exchange_item",
                            {"order_id": "A1001", "sku": "MUG-1", "variant": "blue"})


def test_the_variants_are_read_from_the_order_when_the_list_has_none() -> None:
    listed = [order("A1001", "delivered", items=[{"name": "Mug", "qty": 1}])]  # names only
    full = ORDERS[0]
    chat = Chat(TOOLS)
    reply = chat.say("can I swap my mug for the black one?")
    assert only_call(reply)[0] == "list_orders"
    reply = chat.answer({"orders": listed})
    assert only_call(reply) == ("get_order", {"order_id": "A1001"})
    name, args = only_call(chat.answer({"order": full}))
    assert (name, args) == ("exchange_item",
                            {"order_id": "A1001", "sku": "MUG-1", "variant": "black"})


def test_a_missing_reason_is_asked_for_with_its_choices() -> None:
    chat = Chat(TOOLS)
    reply = chat.say("please reship order A1003")
    assert not reply.tool_calls
    assert "lost" in reply.content and "damaged" in reply.content
    name, args = only_call(chat.say("it never arrived"))
    assert (name, args) == ("reship_order", {"order_id": "A1003", "reason": "lost"})


def test_a_missing_amount_is_asked_for() -> None:
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("I think I deserve a goodwill gesture"), ORDERS)
    assert not reply.tool_calls and "How much" in reply.content
    name, args = only_call(chat.say("20 dollars"))
    assert name == "goodwill_credit"
    assert (args["amount"], args["currency"]) == ("20.00", "USD")


def test_the_proposal_and_a_refusal_are_said_to_the_customer() -> None:
    chat = Chat(TOOLS)
    reply = chat.say("could you email me the invoice for A1001 again")
    assert only_call(reply)[0] == "resend_invoice"
    proposed = chat.answer({"status": "awaiting_confirmation",
                            "summary": "I'll send the invoice for order A1001."})
    assert "I'll send the invoice for order A1001." in proposed.content
    chat = Chat(TOOLS)
    chat.say("the parcel for A1003 never turned up, please send it again")
    refused = chat.answer({"error": "invalid",
                           "message": "Order A1003 hasn't shipped yet, so there is nothing "
                                      "to send again."})
    assert refused.content == ("Order A1003 hasn't shipped yet, so there is nothing to send "
                               "again.")
    assert not refused.tool_calls


def test_a_question_comes_in_the_customers_language() -> None:
    chat = Chat(TOOLS)
    with speaking("es"):
        reply = chat.say("¿Me pueden enviar otra vez el pedido A1003?")
    assert not reply.tool_calls
    assert reply.content == "¿Qué ha pasado: lost o damaged?"
    with speaking("es"):
        name, args = only_call(chat.say("se perdió"))
    assert (name, args) == ("reship_order", {"order_id": "A1003", "reason": "lost"})


async def _warranty(order_id: str, sku: str, years: str) -> str:
    return "{}"


EXTEND_WARRANTY = StructuredTool(
    name="extend_warranty", description="Extend the warranty of one item of an order.",
    args_schema={"type": "object", "required": ["order_id", "sku", "years"],
                 "properties": {"order_id": {"type": "string"},
                                "sku": {"type": "string", "maxLength": 100},
                                "years": {"type": "string", "enum": ["1", "2", "3"]}}},
    coroutine=_warranty,
    metadata={"caseloop_action": "extend_warranty",
              "caseloop_examples": ["I'd like to extend the warranty on my blender",
                                    "can I buy extra years of guarantee cover"],
              "caseloop_applies_to": "order", "caseloop_item": "sku", "caseloop_amount": None})


@pytest.mark.parametrize(("text", "years"), [
    ("could the warranty on the desk chair be extended by 2 years?", "2"),
    ("I want 3 more years of warranty cover for my chair", "3"),
    ("please extend the guarantee on the chair, 1 year", "1"),
])
def test_an_action_declared_by_the_business_alone_is_understood(text: str, years: str) -> None:
    name, args = only_call(_ask(text, tools=[*TOOLS, EXTEND_WARRANTY]))
    assert (name, args) == ("extend_warranty",
                            {"order_id": "B2001", "sku": "CHAIR-9", "years": years})


def test_a_business_action_asks_for_a_missing_choice() -> None:
    chat = Chat([*TOOLS, EXTEND_WARRANTY])
    reply = _reply_after_reads(chat, chat.say("can I extend the warranty of my desk chair?"),
                               ORDERS)
    assert not reply.tool_calls and "1, 2, or 3" in reply.content
    assert only_call(chat.say("2 please")) == (
        "extend_warranty", {"order_id": "B2001", "sku": "CHAIR-9", "years": "2"})


def test_without_declared_actions_nothing_changes() -> None:
    reply = Chat().say("could you email me the invoice for A1001 again")
    assert {call["name"] for call in reply.tool_calls} <= {"get_order", "refund",
                                                            "cancel_order", "list_orders"}


def _confirmation_asked(chat: Chat, summary: str) -> None:
    """The tool proposed the action and the graph asked the customer for a yes."""
    chat.answer({"status": "awaiting_confirmation", "summary": summary})
    chat.messages.append(AIMessage(f"Just to confirm: I'll {summary}. Shall I go ahead?",
                                   additional_kwargs={"caseloop_confirmation": "key"}))


def test_another_variant_named_at_the_confirmation_changes_the_proposal() -> None:
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("could I swap the mug for the black one?"),
                               ORDERS)
    assert only_call(reply)[1]["variant"] == "black"
    _confirmation_asked(chat, "exchange the Mug on order A1001 for the black one")
    name, args = only_call(chat.say("oh wait, blue would be better"))
    assert (name, args) == ("exchange_item",
                            {"order_id": "A1001", "sku": "MUG-1", "variant": "blue"})


def test_another_sum_named_at_the_confirmation_changes_the_credit() -> None:
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("I'd like $10 credit for the inconvenience"),
                               ORDERS)
    assert only_call(reply)[1]["amount"] == "10.00"
    _confirmation_asked(chat, "add $10.00 of store credit to your account")
    name, args = only_call(chat.say("make it $5"))
    assert (name, args["amount"]) == ("goodwill_credit", "5.00")


def test_a_declared_request_while_another_task_waits_is_taken_up() -> None:
    chat = Chat(TOOLS)
    reply = _reply_after_reads(chat, chat.say("I want a refund"), ORDERS)
    assert not reply.tool_calls and "Which one" in reply.content
    name, args = only_call(chat.say("actually, could you just email me the invoice for A1001"))
    assert (name, args) == ("resend_invoice", {"order_id": "A1001"})


def test_a_customer_without_orders_is_asked_the_currency_of_a_credit() -> None:
    chat = Chat(TOOLS)
    reply = chat.say("I'd like some store credit for the hassle")
    assert only_call(reply)[0] == "list_orders"
    assert chat.answer({"orders": []}).content == "How much should it be?"
    assert chat.say("10").content == "Which is it: GBP, EUR, or USD?"
    name, args = only_call(chat.say("EUR"))
    assert (name, args["currency"], args["amount"]) == ("goodwill_credit", "EUR", "10.00")
