"""Customers abroad: an address in their country's format, in their language."""

from __future__ import annotations

from graph.catalogs import speaking
from tests.graph.offline.conversation import Chat, only_call


def test_a_spanish_address_with_no_country_is_read_as_in_spain() -> None:
    with speaking("es"):
        name, args = only_call(Chat().say(
            "Cambiad la dirección del pedido 48213 a Calle Mayor 12, 3º B, 28013 Madrid"))
    assert name == "change_address"
    assert (args["order_id"], args["city"], args["postcode"], args["country"]) == (
        "48213", "Madrid", "28013", "ES")


def test_a_german_address_with_four_digits_is_read_as_in_austria() -> None:
    with speaking("de"):
        name, args = only_call(Chat().say(
            "Bitte Bestellung 48213 an Lindenweg 3a, 1010 Wien liefern"))
    assert name == "change_address" and args["country"] == "AT" and args["city"] == "Wien"


def test_a_house_number_range_is_the_street_not_an_order() -> None:
    name, args = only_call(Chat().say(
        "please redirect order 48213 to 12-14 High Street, Totnes TQ9 5RY"))
    assert name == "change_address"
    assert (args["order_id"], args["line1"]) == ("48213", "12-14 High Street")
    with speaking("de"):
        reply = Chat().say("bitte an Bahnhofstraße 12-14, 04109 Leipzig liefern")
    assert all(call["args"].get("order_id") != "12-14" for call in reply.tool_calls)
