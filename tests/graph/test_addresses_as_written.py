"""Addresses as customers write them in a message: on several lines, in brackets, with a
German street of two words, a province after the city, or no commas at all."""

from __future__ import annotations

import pytest

from graph.addresses import PostalAddress, extract_address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("please send it here instead:\nFlat 2\n17 Kingsway\nBristol\nBS1 5TT\n\ncheers, Ann",
         PostalAddress("17 Kingsway", "Bristol", "BS1 5TT", "GB", "Flat 2")),
        ("Bitte an Kölner Straße 14, 50667 Köln liefern",
         PostalAddress("Kölner Straße 14", "Köln", "50667", None)),
        ("neue Adresse: Berliner Str. 3, 04105 Leipzig",
         PostalAddress("Berliner Str. 3", "Leipzig", "04105", None)),
        ("Lieferung bitte an: Am Rosengarten 7b, 80331 München",
         PostalAddress("Am Rosengarten 7b", "München", "80331", None)),
        ("An der Alster 20, 20099 Hamburg",
         PostalAddress("An der Alster 20", "Hamburg", "20099", None)),
        ("vivo agora em casa (Rua do Carmo 8, 1200-093 Lisboa) até sexta",
         PostalAddress("Rua do Carmo 8", "Lisboa", "1200-093", "PT")),
        ("a miña casa nova: Rúa Nova 12, 15705 Santiago",
         PostalAddress("Rúa Nova 12", "Santiago", "15705", None)),
        ("pedido 55123 - mandar a Av. del Puerto 9, 46021 Valencia",
         PostalAddress("Av. del Puerto 9", "Valencia", "46021", None)),
        ("5 Quay Street, Truro, TR1 2HE rather than my home address",
         PostalAddress("5 Quay Street", "Truro", "TR1 2HE", "GB")),
        ("Calle Mayor 3, 31001 Pamplona (Navarra)",
         PostalAddress("Calle Mayor 3", "Pamplona", "31001", None)),
        ("Calle León y Castillo 40, 35003 Las Palmas de Gran Canaria",
         PostalAddress("Calle León y Castillo 40", "Las Palmas de Gran Canaria", "35003",
                       None)),
        ("mandadlo a calle sol 4 sevilla 41001 gracias",
         PostalAddress("calle sol 4", "sevilla", "41001", None)),
    ],
)
def test_an_address_as_a_customer_writes_it(text: str, expected: PostalAddress) -> None:
    assert extract_address(text) == expected


@pytest.mark.parametrize("text", ["Ich bin am Montag 3 Stunden weg",
                                  "order 12345 - sent via DHL 4 days ago",
                                  "the Diamond Ring 2 pack was lovely"])
def test_words_that_only_look_like_a_street_are_no_address(text: str) -> None:
    assert extract_address(text) is None
