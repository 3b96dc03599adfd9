"""Multi-turn conversations: what the customer sees and which tools the model calls."""

from __future__ import annotations

import pytest

from tests.graph.offline.conversation import Chat, only_call, order

THREE_ORDERS = {
    "orders": [
        order("B7731", "shipped", "Desk Lamp", total="80.00"),
        order("B7732", "delivered", "Coffee Mug", total="12.00"),
        order("B7733", "processing", "Wool Scarf", "Gloves", total="35.00"),
    ]
}


def test_status_reply_mentions_carrier_tracking_number_and_eta() -> None:
    chat = Chat()
    assert only_call(chat.say("hiya, has T5151 shipped yet?")) == (
        "get_order", {"order_id": "T5151"})
    shipped = order("T5151", "shipped", "Blender",
                    tracking={"carrier": "DHL", "number": "JD0140", "eta": "2026-10-09"})
    reply = chat.answer({"order": shipped})
    assert reply.tool_calls == []
    for expected in ("T5151", "DHL", "JD0140", "9 October 2026"):
        assert expected in reply.content
    assert reply.content.startswith("Hi!")


def test_delivered_and_processing_orders_are_described() -> None:
    chat = Chat()
    chat.say("status of ord 55120")
    assert "delivered on 6 October 2026" in chat.answer(
        {"order": order("55120", "delivered", "Teapot")}).content
    chat.say("and what about K5005?")
    assert "hasn't shipped" in chat.answer({"order": order("K5005", "processing")}).content


def test_no_order_named_with_one_plausible_order_proceeds() -> None:
    chat = Chat()
    assert only_call(chat.say("please cancel my order")) == ("list_orders", {})
    assert only_call(chat.answer(THREE_ORDERS)) == ("cancel_order", {"order_id": "B7733"})


def test_refund_without_order_picks_the_only_delivered_one() -> None:
    chat = Chat()
    chat.say("I want my money back")
    assert only_call(chat.answer(THREE_ORDERS)) == ("refund", {"order_id": "B7732"})


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("the second one", "B7732"), ("2nd", "B7732"), ("the mug one", "B7732"),
     ("B7731", "B7731"), ("7731", "B7731"), ("the lamp", "B7731"), ("last one", "B7733"),
     ("the one with the gloves", "B7733"), ("b7733 please", "B7733")],
)
def test_the_customer_picks_from_listed_orders(answer: str, expected: str) -> None:
    chat = Chat()
    chat.say("where's my stuff?")
    two_in_transit = {"orders": THREE_ORDERS["orders"][:1] + THREE_ORDERS["orders"][1:]}
    two_in_transit["orders"][1] = order("B7732", "shipped", "Coffee Mug")
    listing = chat.answer(two_in_transit)
    assert listing.tool_calls == []
    assert "B7731" in listing.content and "Which one" in listing.content
    assert only_call(chat.say(answer)) == ("get_order", {"order_id": expected})


def test_no_to_the_order_question_drops_the_task() -> None:
    chat = Chat()
    chat.say("where is my package")
    chat.answer({"orders": [order("A1", "shipped"), order("A2", "shipped")]})
    reply = chat.say("nah forget it")
    assert reply.tool_calls == []
    assert "anything else" in reply.content


def test_partial_refund_asks_how_much_then_refunds_that_amount() -> None:
    chat = Chat()
    reply = chat.say("can I get a partial refund on D2290")
    assert reply.tool_calls == [] and "How much" in reply.content
    assert only_call(chat.say("15")) == ("refund", {"order_id": "D2290", "amount": "15.00"})


@pytest.mark.parametrize("answer", ["the whole lot", "all of it thanks"])
def test_the_whole_sum_answers_how_much(answer: str) -> None:
    chat = Chat()
    chat.say("could you refund part of D2290")
    assert only_call(chat.say(answer)) == ("refund", {"order_id": "D2290"})


@pytest.mark.parametrize("answer", ["never mind the whole thing", "drop it all",
                                    "no, all fine", "forget the entire refund"])
def test_letting_go_with_a_word_for_everything_drops_the_refund(answer: str) -> None:
    chat = Chat()
    chat.say("could you refund part of D2290")
    reply = chat.say(answer)
    assert reply.tool_calls == [] and "How much" not in reply.content


def test_address_change_asks_for_the_address_then_the_missing_country() -> None:
    chat = Chat()
    reply = chat.say("I need to change the delivery address for M7007")
    assert reply.tool_calls == [] and "address" in reply.content
    reply = chat.say("it's 5 rue de Rivoli, 75001 Paris")
    assert reply.tool_calls == [] and "country" in reply.content
    assert only_call(chat.say("France")) == (
        "change_address",
        {"order_id": "M7007", "line1": "5 rue de Rivoli", "city": "Paris",
         "postcode": "75001", "country": "FR"},
    )


def test_address_first_then_order_id() -> None:
    chat = Chat()
    chat.say("please send my parcel to 9 Oak Lane, Leeds LS2 7AB, UK")
    reply = chat.answer({"orders": [order("S1", "processing"), order("S2", "processing")]})
    assert "Which one" in reply.content
    assert only_call(chat.say("S2")) == (
        "change_address",
        {"order_id": "S2", "line1": "9 Oak Lane", "city": "Leeds", "postcode": "LS2 7AB",
         "country": "GB"},
    )


def test_a_number_in_the_new_address_is_not_a_pick_from_a_list_never_shown() -> None:
    chat = Chat()
    chat.say("new address is Flat 2, 40 Mill Street, Leeds LS2 7AB please")
    reply = chat.answer({"orders": [order("S1", "processing"), order("S2", "processing")]})
    assert reply.tool_calls == [] and "Which one" in reply.content
    assert only_call(chat.say("S1"))[1]["order_id"] == "S1"


def test_one_item_of_several_is_refunded_at_its_price_once_the_order_is_read() -> None:
    chat = Chat()
    reply = chat.say("one of the two blue mugs in order HR-10421 came cracked, refund that one pls")
    assert only_call(reply) == ("get_order", {"order_id": "HR-10421"})
    lines = [{"sku": "M", "name": "Blue stoneware mug", "qty": 2, "unit_price": "12.00"},
             {"sku": "T", "name": "Linen tea towel", "qty": 2, "unit_price": "6.00"}]
    proposal = chat.answer({"order": order("HR-10421", "delivered", total="36.00", items=lines)})
    assert only_call(proposal) == ("refund", {"order_id": "HR-10421", "amount": "12.00",
                                              "reason": "damaged"})


def test_knowledge_answer_cites_the_article_title() -> None:
    chat = Chat()
    name, args = only_call(chat.say("how many days do I have to return something?"))
    assert name == "search_knowledge" and "return" in args["query"]
    reply = chat.answer({"articles": [
        {"title": "Returns", "snippet": "You can return unused items within 30 days."},
        {"title": "Shipping", "snippet": "We ship worldwide."},
    ]})
    expected = "From our Returns article: You can return unused items within 30 days."
    assert reply.content == expected


def test_no_article_offers_a_person_and_yes_escalates() -> None:
    chat = Chat()
    chat.say("do you price match other shops?")
    reply = chat.answer({"articles": []})
    assert "couldn't find" in reply.content and "person" in reply.content
    assert only_call(chat.say("yes please"))[0] == "request_human"


def test_verification_required_asks_for_the_email_and_retries() -> None:
    chat = Chat()
    chat.say("where is W7171")
    reply = chat.answer({"error": "verification_required", "message": "Please verify."})
    assert "e-mail" in reply.content and reply.tool_calls == []
    assert only_call(chat.say("it's jo.bloggs@example.org")) == (
        "get_order", {"order_id": "W7171"})


def test_not_found_uses_the_message_and_a_bare_number_is_the_next_try() -> None:
    chat = Chat()
    chat.say("cancel order X8181")
    reply = chat.answer({"error": "not_found", "message": "I can't find order X8181."})
    assert reply.content.startswith("I can't find order X8181.")
    assert only_call(chat.say("sorry, 8118")) == ("cancel_order", {"order_id": "8118"})


@pytest.mark.parametrize("code", ["refused", "invalid", "backend_error"])
def test_other_errors_pass_the_message_on(code: str) -> None:
    chat = Chat()
    chat.say("refund Y9191")
    reply = chat.answer({"error": code, "message": "That order can't be refunded online."})
    assert "That order can't be refunded online." in reply.content


def test_graph_written_confirmation_is_just_history() -> None:
    chat = Chat()
    chat.say("cancel Z1212")
    chat.answer({"status": "awaiting_confirmation", "summary": "Cancel order Z1212."})
    chat.graph_says("Shall I cancel order Z1212? Reply yes or no.")
    reply = chat.say("where is order Z3434 by the way")
    assert only_call(reply) == ("get_order", {"order_id": "Z3434"})


def test_action_result_is_reported() -> None:
    chat = Chat()
    chat.say("cancel H3030")
    reply = chat.answer({"status": "cancelled", "order_id": "H3030"})
    assert "H3030" in reply.content and "cancelled" in reply.content


def test_human_request_passes_the_result_message() -> None:
    chat = Chat()
    name, args = only_call(chat.say("get me a real human NOW"))
    assert name == "request_human" and args["reason"]
    reply = chat.answer({"status": "escalated", "message": "A colleague will join shortly."})
    assert reply.content == "A colleague will join shortly."


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("hello", "How can I help"), ("thank you!", "welcome"), ("ok bye", "day"),
     ("tell me a joke", "can't help"), ("asdfgh", "didn't quite catch")],
)
def test_small_talk_replies(text: str, fragment: str) -> None:
    reply = Chat().say(text)
    assert reply.tool_calls == [] and fragment in reply.content


def test_listing_orders() -> None:
    chat = Chat()
    assert only_call(chat.say("what did I buy from you?")) == ("list_orders", {})
    reply = chat.answer(THREE_ORDERS)
    assert all(oid in reply.content for oid in ("B7731", "B7732", "B7733"))
    assert "Desk Lamp" in reply.content and "$80.00" in reply.content


def test_greeting_with_a_question_searches_and_greets() -> None:
    chat = Chat()
    name, args = only_call(chat.say("hey, quick question: do you ship to Ireland?"))
    assert name == "search_knowledge"
    reply = chat.answer({"articles": [{"title": "Shipping", "snippet": "We ship to the EU."}]})
    assert reply.content == "Hi! From our Shipping article: We ship to the EU."


def test_a_long_greeting_before_a_question_still_greets() -> None:
    chat = Chat()
    name, _ = only_call(chat.say("Good morning to you all, do you ship to Ireland?"))
    assert name == "search_knowledge"
    reply = chat.answer({"articles": [{"title": "Shipping", "snippet": "We ship to the EU."}]})
    assert reply.content.startswith("Hi! ")


def test_a_new_amount_while_confirming_amends_the_refund() -> None:
    from graph.offline.dialogue import respond_to_customer
    from graph.offline.lexicon import REFUND
    from graph.offline.state import DialogueState

    state = DialogueState(intent=REFUND, slots={"order_id": "77-12", "amount": "40.00"},
                          orders=[{"id": "77-12", "items": ["Teapot"]}])
    offered = {"refund", "list_orders", "get_order"}
    amended = respond_to_customer("actually make it just 10", state, False, offered,
                                  confirming=True)
    assert amended.calls == [{"name": "refund", "args": {"order_id": "77-12", "amount": "10.00"}}]
    question = respond_to_customer("is that 2 days?", DialogueState(
        intent=REFUND, slots={"order_id": "77-12"}), False, offered, confirming=True)
    assert all(call["args"].get("amount") != "2.00" for call in question.calls)


@pytest.mark.parametrize(("text", "reply"), [
    ("thanks!!", "You're welcome!"), ("THANK YOU SO MUCH!!!", "You're welcome!"),
    ("hiya!!", "Hi! How can I help you today?"),
])
def test_cheerful_exclamations_are_not_taken_for_frustration(text: str, reply: str) -> None:
    assert Chat().say(text).content.startswith(reply)


def test_praise_taken_back_at_its_end_is_frustration() -> None:
    assert "sorry" in Chat().say("thanks a lot, really helpful... NOT!!").content.lower()


def test_a_common_word_is_no_typo_of_a_product() -> None:
    from tests.factories import days_ago

    chat = Chat()
    chat.say("where's my order")
    chat.answer({"orders": [
        order("C1", "delivered", "Cast iron skillet", placed_at=days_ago(14)),
        order("C2", "shipped", "Knife block", placed_at=days_ago(7)),
        order("C3", "processing", "Stand mixer", placed_at=days_ago(1))]})
    assert only_call(chat.say("the one i ordered last week")) == (  # "last" is no "cast"
        "get_order", {"order_id": "C2"})
