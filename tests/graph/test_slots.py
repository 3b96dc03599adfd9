"""Slot parsers on free customer text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.addresses import PostalAddress, extract_address
from graph.money import Amount
from graph.slots import (
    extract_amount,
    extract_code,
    extract_email,
    extract_order_ids,
    extract_phone,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("my email is Jo.Bloggs@Example.COM", "Jo.Bloggs@example.com"),
     ("<maria.lopez+shop@mail.es>.", "maria.lopez+shop@mail.es"),
     ("reach me at kim@foo.co.uk, thanks", "kim@foo.co.uk"),
     ("not an address: kim@", None), ("@handle on twitter", None), ("a@b", None)],
)
def test_extract_email(text: str, expected: str | None) -> None:
    assert extract_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("123456", "123456"), ("12 34 56", "123456"), ("code is 123-456", "123456"),
     ("The code: 654321.", "654321"), ("my code is 482913, order A1001", "482913"),
     ("order #123456", None), ("order number 123456 please", None), ("$123456", None),
     ("call me on 415-555-2671", None), ("A123456", None), ("it was 123456.78 dollars", None),
     ("ship to 12 Nehru Road, Mumbai 400001, India", None), ("12345", None)],
)
def test_extract_code(text: str, expected: str | None) -> None:
    assert extract_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("A1001", ["A1001"]), ("#A1001", ["A1001"]), ("order a1001", ["A1001"]),
     ("ORD-5521 please", ["ORD-5521"]), ("#10234", ["10234"]),
     ("order number 77812", ["77812"]), ("#Q-20931 hasn't come", ["Q-20931"]),
     ("ord 55120", ["55120"]), ("orders b7731 and B7732", ["B7731", "B7732"]),
     ("I paid $20 for 2 items", []), ("22 Baker Street, London NW1 6XE", []),
     ("my ps5 order", []), ("my code is 123456", []), ("it's been 14 days", []),
     ("call 415-555-2671 about order C4410", ["C4410"]), ("john@ab1234.com", []),
     ("I bought 3 things on the 2nd", []), ("delivery at 10am", []),
     ("350 Fifth Avenue, New York, NY 10118", []), ("77812", [])],
)
def test_extract_order_ids(text: str, expected: list[str]) -> None:
    assert extract_order_ids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("g 7731", ["G7731"]), ("k 4410 hasn't come", ["K4410"]), ("my order is k 4410", ["K4410"]),
     ("order A 1001", ["A1001"]), ("about g 7731 and k 4410", ["G7731", "K4410"]),
     ("o pedido G 7731 chegou", ["G7731"]), ("a 1000 times", []), ("I need 2 of them", []),
     ("en marzo y 2024", []), ("5 x 1000", []), ("order a 1001", []),
     ("I want to order a 1000 piece puzzle", []), ("it's 7731", [])],
)
def test_an_id_written_with_a_space_after_its_letter(text: str, expected: list[str]) -> None:
    assert extract_order_ids(text) == expected


@pytest.mark.parametrize(
    "text",
    ["pedido 48213", "mi pedido es el 48213", "pedido nº 48213", "número de pedido 48213",
     "Bestellung 48213", "Bestellung Nr. 48213", "Bestell-Nr. 48213", "Auftrag 48213",
     "Auftragsnummer 48213", "commande 48213", "ma commande est la 48213",
     "numéro de commande 48213", "commande n° 48213", "encomenda 48213", "encomenda nº 48213",
     "Nr. 48213", "n° 48213", "nº 48213"],
)
def test_the_words_for_order_in_five_languages_introduce_an_id(text: str) -> None:
    assert extract_order_ids(text) == ["48213"]


@pytest.mark.parametrize(
    "text", ["mi pedido de 2024", "Calle Mayor 12, 3º B 28013 Madrid",
             "Rua das Flores 45, 1200-195 Lisboa", "Av. Paulista 1000, São Paulo - SP, 01310-100"],
)
def test_years_and_postcodes_are_not_ids(text: str) -> None:
    assert extract_order_ids(text) == []


def test_bare_number_is_an_order_when_one_was_asked_for() -> None:
    assert extract_order_ids("it's 77812", assume_order=True) == ["77812"]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [("$20", "20.00", "USD"), ("20 dollars", "20.00", "USD"), ("£12.50", "12.50", "GBP"),
     ("EUR 30", "30.00", "EUR"), ("30,50 €", "30.50", "EUR"), ("12.5", "12.50", None),
     ("refund 20 dollars of order A1002", "20.00", "USD"), ("1,234.56 USD", "1234.56", "USD"),
     ("five bucks", "5.00", "USD"), ("€1.234,50", "1234.50", "EUR"), ("15 quid", "15.00", "GBP")],
)
def test_extract_amount(text: str, value: str, currency: str | None) -> None:
    assert extract_amount(text) == Amount(Decimal(value), currency)


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [("four pounds", "4.00", "GBP"), ("twenty quid", "20.00", "GBP"), ("a tenner", "10.00", None),
     ("a fiver please", "5.00", None), ("two tenners", "20.00", None),
     ("cinco euros", "5.00", "EUR"), ("veinte euros", "20.00", "EUR"),
     ("treinta y cinco euros", "35.00", "EUR"), ("veinticinco dólares", "25.00", "USD"),
     ("fünf Euro", "5.00", "EUR"), ("zwanzig Euro", "20.00", "EUR"),
     ("fünfundzwanzig Euro", "25.00", "EUR"), ("einhundert Euro", "100.00", "EUR"),
     ("dix euros", "10.00", "EUR"), ("vingt euros", "20.00", "EUR"),
     ("quatre-vingts euros", "80.00", "EUR"), ("deux cents euros", "200.00", "EUR"),
     ("cinco reais", "5.00", "BRL"), ("vinte e cinco reais", "25.00", "BRL"),
     ("um real", "1.00", "BRL"), ("dez euros", "10.00", "EUR"),
     ("one hundred and twenty dollars", "120.00", "USD"), ("fifty cents", "0.50", None),
     ("one cent", "0.01", None), ("cincuenta céntimos", "0.50", None)],
)
def test_amounts_in_words_in_five_languages(text: str, value: str, currency: str | None) -> None:
    assert extract_amount(text) == Amount(Decimal(value), currency)


@pytest.mark.parametrize(("text", "value"), [
    ("remboursez-moi 12 balles", "12.00"), ("me devolvéis 25 pavos y listo", "25.00"),
    ("quero 30 paus de volta", "30.00"), ("gebt mir 15 Mäuse zurück", "15.00"),
    ("8 Kröten für den Versand", "8.00"),
])
def test_slang_for_money_is_a_sum_in_the_shops_currency(text: str, value: str) -> None:
    assert extract_amount(text) == Amount(Decimal(value), None)


def test_slang_words_for_things_of_a_kind_are_no_money() -> None:
    assert extract_amount("il manquait 3 balles de golf") is None


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [("4,50 €", "4.50", "EUR"), ("4,50 EUR", "4.50", "EUR"), ("R$ 4,50", "4.50", "BRL"),
     ("R$50", "50.00", "BRL"), ("50 reais", "50.00", "BRL"), ("5 Pfund", "5.00", "GBP"),
     ("10 libras", "10.00", "GBP"), ("3 dólares", "3.00", "USD"), ("12 Euro", "12.00", "EUR"),
     ("4,50 livres", "4.50", "GBP"), ("deux livres sterling", "2.00", "GBP"),
     ("20 dollars", "20.00", "USD"), ("50 centavos", "0.50", None), ("5 Franken", "5.00", "CHF")],
)
def test_currency_names_signs_and_decimal_commas(text: str, value: str,
                                                 currency: str | None) -> None:
    assert extract_amount(text) == Amount(Decimal(value), currency)


@pytest.mark.parametrize(
    "text", ["j'ai commandé deux livres", "2 livres", "2 real problems", "a dollar short",
             "5 mil euros"],
)
def test_words_that_are_not_money_here(text: str) -> None:
    assert extract_amount(text) is None


@pytest.mark.parametrize(
    ("text", "currency"),
    [("make it £4", "GBP"), ("actually 4 is fine", None), ("4 would be fine", None)],
)
def test_a_corrected_amount_still_reads_as_four(text: str, currency: str | None) -> None:
    assert extract_amount(text, allow_bare_integer=True) == Amount(Decimal("4.00"), currency)


@pytest.mark.parametrize(
    "text", ["half", "refund half of it", "A1001", "order 77812", "2 items", "", "12 34 56"]
)
def test_no_amount(text: str) -> None:
    assert extract_amount(text) is None


def test_bare_integer_is_an_amount_only_when_asked() -> None:
    assert extract_amount("20") is None
    assert extract_amount("20", allow_bare_integer=True) == Amount(Decimal("20.00"))


def test_a_whole_number_right_after_the_word_for_a_refund_is_the_sum() -> None:
    assert extract_amount("I'd like a refund of 389 for the tent") == Amount(Decimal("389.00"))
    assert extract_amount("quiero un reembolso de 20") == Amount(Decimal("20.00"))
    assert extract_amount("refund order 58213") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 Baker Street, London NW1 6XE, UK",
         PostalAddress("22 Baker Street", "London", "NW1 6XE", "GB")),
        ("it's 31 Kirkby Lane not 13. same postcode LS6 2QP, Leeds",
         PostalAddress("31 Kirkby Lane", "Leeds", "LS6 2QP", "GB")),
        ("Lindenweg 8 nicht 6, 04109 Leipzig",
         PostalAddress("Lindenweg 8", "Leipzig", "04109", None)),
        ("please send it to 10 Downing St, London, SW1A 2AA, United Kingdom",
         PostalAddress("10 Downing St", "London", "SW1A 2AA", "GB")),
        ("new address: 350 Fifth Avenue, Apt 5, New York, NY 10118, USA",
         PostalAddress("350 Fifth Avenue", "New York", "10118", "US", "Apt 5")),
        ("Hauptstraße 5, 10115 Berlin, Germany",
         PostalAddress("Hauptstraße 5", "Berlin", "10115", "DE")),
        ("move order B7731 to 4 elm road, bristol bs1 5tr",
         PostalAddress("4 elm road", "bristol", "BS1 5TR", "GB")),
        ("12 Rue Cler, 75007 Paris, France", PostalAddress("12 Rue Cler", "Paris", "75007", "FR")),
        ("8 Kerkstraat, 1017 GJ Amsterdam",
         PostalAddress("8 Kerkstraat", "Amsterdam", "1017 GJ", None)),
        ("12 Nehru Road, Mumbai 400001, India",
         PostalAddress("12 Nehru Road", "Mumbai", "400001", "IN")),
        ("77 Main Street, Springfield", PostalAddress("77 Main Street", "Springfield", None, None)),
    ],
)
def test_extract_address(text: str, expected: PostalAddress) -> None:
    assert extract_address(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Calle Mayor 12, 3º B, 28013 Madrid",
         PostalAddress("Calle Mayor 12", "Madrid", "28013", None, "3º B")),
        ("calle mayor 12 3º b 28013 madrid",
         PostalAddress("calle mayor 12", "madrid", "28013", None, "3º b")),
        ("C/ Mayor 12, 28013 Madrid", PostalAddress("C/ Mayor 12", "Madrid", "28013", None)),
        ("Calle 5 de Mayo 123, 06000 Ciudad de México",
         PostalAddress("Calle 5 de Mayo 123", "Ciudad de México", "06000", None)),
        ("Av. Insurgentes Sur 1602, Col. Crédito Constructor, 03940 Ciudad de México, CDMX",
         PostalAddress("Av. Insurgentes Sur 1602", "Ciudad de México", "03940", None,
                       "Col. Crédito Constructor")),
        ("3 Calle Real, 15001 La Coruña, España",
         PostalAddress("3 Calle Real", "La Coruña", "15001", "ES")),
        ("Hauptstraße 5, 10115 Berlin", PostalAddress("Hauptstraße 5", "Berlin", "10115", None)),
        ("hauptstraße 5 10115 berlin bitte",
         PostalAddress("hauptstraße 5", "berlin", "10115", None)),
        ("Hauptstraße 5, 10115 Berlin bitte ändern",
         PostalAddress("Hauptstraße 5", "Berlin", "10115", None)),
        ("Lindenweg 3a, 1010 Wien", PostalAddress("Lindenweg 3a", "Wien", "1010", None)),
        ("Karl-Marx-Allee 12, 10243 Berlin, Deutschland",
         PostalAddress("Karl-Marx-Allee 12", "Berlin", "10243", "DE")),
        ("Hauptstr. 5, 10115 Berlin", PostalAddress("Hauptstr. 5", "Berlin", "10115", None)),
        ("Stiege 2, Lindengasse 7, 1070 Wien",
         PostalAddress("Lindengasse 7", "Wien", "1070", None, "Stiege 2")),
        ("12 rue des Lilas, 69003 Lyon", PostalAddress("12 rue des Lilas", "Lyon", "69003", None)),
        ("12 rue des lilas 69003 lyon", PostalAddress("12 rue des lilas", "lyon", "69003", None)),
        ("12, rue des Lilas, 69003 Lyon",
         PostalAddress("12, rue des Lilas", "Lyon", "69003", None)),
        ("appartement 4, 7 avenue Foch, 75116 Paris",
         PostalAddress("7 avenue Foch", "Paris", "75116", None, "appartement 4")),
        ("Can you send Q5530 to 14 Rue de la Paix, 75002 Paris, France instead?",
         PostalAddress("14 Rue de la Paix", "Paris", "75002", "FR")),
        ("Rua das Flores 45, 1200-195 Lisboa",
         PostalAddress("Rua das Flores 45", "Lisboa", "1200-195", "PT")),
        ("Rua Augusta 100, 2º Esq, 1100-053 Lisboa, Portugal",
         PostalAddress("Rua Augusta 100", "Lisboa", "1100-053", "PT", "2º Esq")),
        ("Av. Paulista 1000, apto 52, São Paulo - SP, 01310-100",
         PostalAddress("Av. Paulista 1000", "São Paulo", "01310-100", "BR", "apto 52")),
        ("Rua Augusta, 1500 - Consolação, São Paulo - SP, 01305-100",
         PostalAddress("Rua Augusta, 1500", "São Paulo", "01305-100", "BR")),
        ("14 harbour road exeter ex1 2ab",
         PostalAddress("14 harbour road", "exeter", "EX1 2AB", "GB")),
        ("hi, new address is 14 harbour road exeter ex1 2ab uk thanks",
         PostalAddress("14 harbour road", "exeter", "EX1 2AB", "GB")),
        ("350 fifth avenue new york ny 10118",
         PostalAddress("350 fifth avenue", "new york", "10118", "US")),
        ("Flat 3, 14 Harbour Road, Exeter EX1 2AB",
         PostalAddress("14 Harbour Road", "Exeter", "EX1 2AB", "GB", "Flat 3")),
        ("14 Harbour Road, Exeter EX1 2AB. Can you update order K4410",
         PostalAddress("14 Harbour Road", "Exeter", "EX1 2AB", "GB")),
        ("14 not 12, so 14 Harbour Road, Exeter EX1 2AB",
         PostalAddress("14 Harbour Road", "Exeter", "EX1 2AB", "GB")),
        ("22 Church Road St Albans AL1 3AA",
         PostalAddress("22 Church Road", "St Albans", "AL1 3AA", "GB")),
        ("10 Downing St, London, UK, SW1A 2AA",
         PostalAddress("10 Downing St", "London", "SW1A 2AA", "GB")),
        ("send it to 4 elm road please", PostalAddress("4 elm road", None, None, None)),
    ],
)
def test_addresses_as_each_country_writes_them(text: str, expected: PostalAddress) -> None:
    assert extract_address(text) == expected


@pytest.mark.parametrize(
    "text", ["hello", "I have 2 kids", "where is order 12345", "12.50", "I bought 2 green shirts",
             "I would like to place 2 orders", "sent via DHL 12345"],
)
def test_no_address(text: str) -> None:
    assert extract_address(text) is None


def test_address_as_dict_and_missing_fields() -> None:
    address = PostalAddress("1 Market St", "San Francisco", "94105", None)
    assert address.as_dict() == {"line1": "1 Market St", "city": "San Francisco",
                                 "postcode": "94105", "country": None}
    assert address.missing == ["country"]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [("call me on +44 20 7946 0958", None, "+442079460958"),
     ("my number is (415) 555-2671", "US", "+14155552671"),
     ("my number is 415-555-2671", None, None), ("no phone here", "US", None),
     ("030 901820", "DE", "+4930901820")],
)
def test_extract_phone(text: str, region: str | None, expected: str | None) -> None:
    assert extract_phone(text, region) == expected


@pytest.mark.parametrize(("text", "line1", "line2", "postcode"), [
    ("order 48213 has the wrong address, it should be Flat 4, 7 Broadway, Leeds LS1 2AB",
     "7 Broadway", "Flat 4", "LS1 2AB"),
    ("deliver it to my office please: 3rd Floor, 20 Moorgate, London EC2R 6DA",
     "20 Moorgate", "3rd Floor", "EC2R 6DA"),
    ("perdón, es el 7 y no el 17: Calle Toledo 7, 28005 Madrid", "Calle Toledo 7", None, "28005"),
    ("mudanza: Carrer de Sants 80, 3º 2ª, 08014 Barcelona", "Carrer de Sants 80", "3º 2ª",
     "08014"),
    ("the postcode is wrong, it's M1 4BT not M1 4TB. the address is 9 Mill Lane, Manchester",
     "9 Mill Lane", None, "M1 4BT"),
])
def test_an_address_inside_a_correction_or_after_a_floor(
        text: str, line1: str, line2: str | None, postcode: str) -> None:
    address = extract_address(text)
    assert address is not None
    assert (address.line1, address.line2, address.postcode) == (line1, line2, postcode)
