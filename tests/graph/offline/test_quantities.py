"""Partial refunds worked out from a count of pieces and their price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.offline.quantities import item_amount, unit_price, units_affected

SIX_PLATES = {"total": "30.00", "lines": [{"name": "Dinner plate", "qty": 6, "unit_price": None}]}
MIXED = {"total": "50.00", "lines": [{"name": "Mug", "qty": 4, "unit_price": "5.00"},
                                     {"name": "Teapot", "qty": 1, "unit_price": "30.00"}]}


@pytest.mark.parametrize(("said", "units", "each"), [
    ("two of the plates came chipped", 2, None),
    ("just 1 was cracked, they cost 7.50 each", 1, Decimal("7.50")),
    ("one mug was broken", 1, None),
    ("each one was £3 and three of them broke", 3, Decimal("3")),
    ("the teapot is broken", None, None),
    ("but 1 was cracked", 1, None),
    ("actually 4 is fine", None, None),
    ("dos de los vasos llegaron rotos", 2, None),
    ("solo uno estaba roto, costaban 4,50 cada uno", 1, Decimal("4.50")),
    ("cada uno costaba 4,50 €", None, Decimal("4.50")),
    ("zwei der Gläser sind kaputt", 2, None),
    ("nur eins war kaputt, 8 € pro Stück", 1, Decimal("8")),
    ("deux des verres sont arrivés cassés", 2, None),
    ("seulement un, 8 € pièce", 1, Decimal("8")),
    ("chacun coûtait 5 €", None, Decimal("5")),
    ("dois dos copos chegaram quebrados", 2, None),
    ("só um veio quebrado, custou 8 cada", 1, Decimal("8")),
])
def test_counts_and_prices_are_read(said: str, units: int | None, each: Decimal | None) -> None:
    assert units_affected(said) == units
    assert unit_price(said) == each


def test_the_amount_comes_from_the_order_when_no_price_is_said() -> None:
    assert item_amount(SIX_PLATES, 2, None, []) == ("10.00", False)
    assert item_amount(MIXED, 1, None, ["one", "of", "the", "mugs"]) == ("5.00", False)
    assert item_amount(SIX_PLATES, 6, None, []) == (None, False)  # every piece: the whole order
    assert item_amount(SIX_PLATES, 1, Decimal("99"), []) == (None, True)  # more than was paid


def test_one_item_named_in_an_order_of_several_is_refunded_alone() -> None:
    assert item_amount(MIXED, None, None, ["the", "teapot", "is", "cracked"]) == ("30.00", False)
    assert item_amount(MIXED, 4, None, ["all", "four", "mugs"]) == ("20.00", False)
    assert item_amount(MIXED, None, None, ["the", "mugs", "and", "teapot"]) == (None, False)
    assert item_amount(MIXED, None, None, ["refund", "the", "teapot", "the", "mugs", "are",
                                           "fine"]) == ("30.00", False)
    assert item_amount(MIXED, None, None, ["refund", "it", "please"]) == (None, False)
    assert item_amount(None, 1, None, ["one", "mug"]) == (None, True)  # ask, never all of it