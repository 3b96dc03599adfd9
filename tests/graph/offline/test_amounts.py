"""Numbers meant as money that no refund can be, read as written."""

from __future__ import annotations

import pytest

from graph.offline.amounts import blank, unread_amounts


@pytest.mark.parametrize(("text", "value"), [
    ("-10", "-10"), ("refund -10 euros", "-10"), ("$-5", "-5"), ("-€5", "-5"),
    ("0.001", "0.001"), ("make it 0,005", "0.005"), (".001", ".001"), ("1e9", "1e9"),
    ("€1E+9 back", "1E+9"), ("0 euros", "0"), ("€0", "0"), ("0.00 EUR", "0.00"),
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
