"""Whole numbers written in words in the five served languages."""

from __future__ import annotations

import pytest

from graph.numerals import read_number


@pytest.mark.parametrize(("text", "value"), [
    ("twenty five", 25), ("twenty-five", 25), ("a hundred", 100), ("one hundred and twenty", 120),
    ("three thousand four hundred and five", 3405), ("eleven thousand", 11000),
    ("treinta y cinco", 35), ("veintidós", 22), ("ciento veinte", 120),
    ("doscientos cincuenta", 250),
    ("mil doscientos", 1200), ("fünfundzwanzig", 25), ("zweihundertfünfzig", 250),
    ("einhundert", 100), ("dix-sept", 17), ("soixante-douze", 72), ("quatre-vingts", 80),
    ("quatre-vingt-dix", 90), ("vingt et un", 21), ("deux cents", 200), ("mille deux cents", 1200),
    ("vinte e cinco", 25), ("cento e vinte", 120), ("duzentos", 200), ("dez", 10),
])
def test_numbers_in_words(text: str, value: int) -> None:
    words = text.split()
    assert read_number(words) == (value, len(words))


@pytest.mark.parametrize(("text", "value", "used"), [
    ("one two", 1, 1), ("twelve five", 12, 1), ("five euros", 5, 1), ("twenty and", 20, 1),
])
def test_a_number_stops_where_the_words_stop_making_one(text: str, value: int, used: int) -> None:
    assert read_number(text.split()) == (value, used)


@pytest.mark.parametrize("text", ["a", "and five", "euros", "someone", "undone", ""])
def test_words_that_start_no_number(text: str) -> None:
    assert read_number(text.split()) is None
