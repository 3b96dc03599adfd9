"""Slot parsers on free customer text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.addresses import PostalAddress, extract_address
from graph.slots import (
    Amount,
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
    "text", ["half", "refund half of it", "A1001", "order 77812", "2 items", "", "12 34 56"]
)
def test_no_amount(text: str) -> None:
    assert extract_amount(text) is None


def test_bare_integer_is_an_amount_only_when_asked() -> None:
    assert extract_amount("20") is None
    assert extract_amount("20", allow_bare_integer=True) == Amount(Decimal("20.00"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 Baker Street, London NW1 6XE, UK",
         PostalAddress("22 Baker Street", "London", "NW1 6XE", "GB")),
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


@pytest.mark.parametrize("text", ["hello", "I have 2 kids", "where is order 12345", "12.50"])
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
