"""Picking an order by when it was placed."""

from __future__ import annotations

from datetime import date

import pytest

from graph.offline.timing import pick_by_time, time_window

TODAY = date(2026, 11, 25)  # a Wednesday
ORDERS = [
    {"id": "A", "placed_at": "2026-11-24T18:00:00Z"},
    {"id": "B", "placed_at": "2026-11-16T09:00:00+00:00"},
    {"id": "C", "placed_at": "2026-10-20T09:00:00Z"},
]
IDS = [o["id"] for o in ORDERS]


@pytest.mark.parametrize(("said", "picked"), [
    ("the one i ordered yesterday", "A"),
    ("the one from last week", "B"),
    ("what i bought about 9 days ago", "B"),
    ("the order from a month ago", "C"),
    ("the one from last month", "C"),
    ("the order i placed on tuesday", "A"),
    ("the one from two weeks ago", None),
    ("the cheap one", None),
])
def test_a_time_phrase_picks_the_order_placed_then(said: str, picked: str | None) -> None:
    assert pick_by_time(said.split(), IDS, ORDERS, today=TODAY) == picked


def test_windows_read_numbers_in_words_and_digits() -> None:
    assert time_window("three days ago".split(), TODAY) == (2, 4)
    assert time_window("2 weeks ago".split(), TODAY) == (11, 17)
    assert time_window("no time here".split(), TODAY) is None
