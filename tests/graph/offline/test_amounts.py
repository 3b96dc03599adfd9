"""Numbers meant as money that no refund can be, read as written."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from graph.offline.amounts import blank, relative_share, share_of, unread_amounts


@pytest.mark.parametrize(("text", "value"), [
    ("-10", "-10"), ("refund -10 euros", "-10"), ("$-5", "-5"), ("-€5", "-5"),
    ("0.001", "0.001"), ("make it 0,005", "0.005"), (".001", ".001"), ("1e9", "1e9"),
    ("€1E+9 back", "1E+9"), ("0 euros", "0"), ("€0", "0"), ("0.00 EUR", "0.00"),
    ("0 reais", "0"), ("R$-5", "-5"), ("-5 libras", "-5"),
])
def test_numbers_no_refund_can_be(text: str, value: str) -> None:
    assert [amount.value for amount in unread_amounts(text)] == [value]


@pytest.mark.parametrize("text", [
    "10", "12.50", "2026-11-20", "555-0100", "+44 20 7946 0958", "- 10 items", "order A-1001",
    "0", "it took 0 days", "3.5.6",
])
def test_ordinary_numbers_are_left_to_the_slot_parser(text: str) -> None:
    assert unread_amounts(text) == []


def test_a_bare_zero_counts_when_an_amount_was_asked_for() -> None:
    assert [amount.value for amount in unread_amounts("0", bare_zero=True)] == ["0"]


def test_blanked_amounts_leave_the_rest_in_place() -> None:
    text = "refund €1e9 on Q5521"
    assert blank(text, unread_amounts(text)) == "refund      on Q5521"


@pytest.mark.parametrize(("text", "share"), [
    ("half", Fraction(1, 2)), ("half of it", Fraction(1, 2)), ("just refund half", Fraction(1, 2)),
    ("50%", Fraction(1, 2)), ("50 %", Fraction(1, 2)), ("fifty percent", Fraction(1, 2)),
    ("a quarter", Fraction(1, 4)), ("two thirds", Fraction(2, 3)), ("3/4", Fraction(3, 4)),
    ("la mitad", Fraction(1, 2)), ("la mitad del importe", Fraction(1, 2)),
    ("un tercio", Fraction(1, 3)), ("tres cuartos", Fraction(3, 4)),
    ("la tercera parte", Fraction(1, 3)), ("cincuenta por ciento", Fraction(1, 2)),
    ("die Hälfte", Fraction(1, 2)), ("ein Drittel", Fraction(1, 3)),
    ("drei Viertel", Fraction(3, 4)), ("25 Prozent", Fraction(1, 4)),
    ("la moitié", Fraction(1, 2)), ("à moitié prix", Fraction(1, 2)),
    ("deux tiers", Fraction(2, 3)), ("un quart", Fraction(1, 4)),
    ("vingt pour cent", Fraction(1, 5)),
    ("metade", Fraction(1, 2)), ("a metade", Fraction(1, 2)), ("um terço", Fraction(1, 3)),
    ("no, half", Fraction(1, 2)), ("not the full amount, just half", Fraction(1, 2)),
])
def test_a_part_of_the_order_is_read_as_a_fraction(text: str, share: Fraction) -> None:
    assert relative_share(text) == share


@pytest.mark.parametrize("text", [
    "the full amount", "everything back", "all of it", "I want a full refund", "in full please",
    "all", "100%", "not half, the full amount", "I want my money back",
    "todo el importe", "reembolso completo", "el total", "den vollen Betrag bitte", "alles zurück",
    "le montant total", "la totalité", "pas la moitié, tout le montant", "o valor total", "tudo",
    "tudo por favor",
])
def test_the_whole_order_is_one(text: str) -> None:
    assert relative_share(text) == 1


@pytest.mark.parametrize("text", [
    "make it £4", "actually 4 is fine", "4 would be fine", "half an hour", "a quarter past five",
    "un quart d'heure", "my other half ordered it", "it arrived à moitié cassé",
    "I am 100% sure", "150%", "1/2/2025", "not the full amount", "no full refund",
    "part of the total", "some of it", "todo bien", "thanks for everything", "alles gut",
    "tudo bem", "tout va bien", "nicht die Hälfte", "",
])
def test_no_part_is_read_where_none_is_meant(text: str) -> None:
    assert relative_share(text) is None


def test_a_share_of_the_total_is_rounded_to_the_cent_and_never_above_it() -> None:
    assert share_of("10.00", Fraction(1, 3)) == Decimal("3.33")
    assert share_of(Decimal("40"), Fraction(1, 2)) == Decimal("20.00")
    assert share_of("0.05", Fraction(1, 2)) == Decimal("0.03")
    assert share_of("19.99", Fraction(1)) == Decimal("19.99")


def test_half_of_a_known_order_is_refunded_as_half_its_total() -> None:
    from tests.graph.offline.conversation import Chat, only_call, order

    chat = Chat()
    chat.say("show me my orders")
    chat.answer({"orders": [order("P1300", "delivered", "Oak side table", total="215.00")]})
    assert only_call(chat.say("could I get half my money back on the side table")) == (
        "refund", {"order_id": "P1300", "amount": "107.50"})


def test_half_of_an_order_not_seen_yet_asks_for_the_sum_instead_of_refunding_it_all() -> None:
    from tests.graph.offline.conversation import Chat

    reply = Chat().say("refund half of order P1300 please")
    assert reply.tool_calls == [] and "How much" in reply.content


@pytest.mark.parametrize(("text", "amount"), [
    ("the blanket cost £36 and it has faded after one wash, can I have a third of that back? "
     "order P1300", "12.00"),
    ("Ich habe 48 Euro für die Lampe bezahlt und sie flackert. Die Hälfte zurück wäre fair, "
     "Bestellung P1300.", "24.00"),
    ("Pagué 45 euros por la manta y ya está rota, devuélvanme un tercio. Pedido P1300", "15.00"),
    ("j'ai payé ce plaid 60 € et il bouloche déjà, je voudrais 25 % de remboursement, "
     "commande P1300", "15.00"),
])
def test_a_part_of_a_price_the_customer_names_is_refunded_as_that_part(
        text: str, amount: str) -> None:
    from tests.graph.offline.conversation import Chat, only_call

    assert only_call(Chat().say(text)) == ("refund", {"order_id": "P1300", "amount": amount})


@pytest.mark.parametrize(("text", "amount"), [
    ("refund £20 for order P1300, half what I paid", "20.00"),  # the sum asked for, not a price
    ("the rug was £80, refund all of it, order P1300", "80.00"),
])
def test_a_sum_asked_for_is_left_as_said(text: str, amount: str) -> None:
    from tests.graph.offline.conversation import Chat, only_call

    assert only_call(Chat().say(text)) == ("refund", {"order_id": "P1300", "amount": amount})
