"""Picking an order by when it was placed: "yesterday", "the one from last week", "on monday"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "couple": 2, "three": 3, "few": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 4,
}
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_SHORT = {day[:3]: index for index, day in enumerate(_WEEKDAYS)}
# Fixed phrases and the window of days ago they mean (inclusive).
_PHRASES: dict[tuple[str, ...], tuple[int, int]] = {
    ("day", "before", "yesterday"): (2, 2),
    ("yesterday",): (1, 1),
    ("today",): (0, 0),
    ("tonight",): (0, 0),
    ("this", "morning"): (0, 0),
    ("last", "night"): (0, 1),
    ("other", "day"): (1, 5),
    ("this", "week"): (0, 6),
    ("last", "week"): (5, 13),
    ("past", "week"): (0, 7),
    ("last", "weekend"): (1, 8),
    ("this", "month"): (0, 30),
    ("last", "month"): (20, 62),
    ("fortnight",): (10, 18),
}


def _age_days(placed_at: Any, today: date) -> int | None:
    try:
        moment = datetime.fromisoformat(str(placed_at).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (today - moment.astimezone(UTC).date()).days


def _count(word: str) -> int | None:
    if word.isdigit() and len(word) <= 2:
        return int(word)
    return _NUMBERS.get(word)


def time_window(words: list[str], today: date) -> tuple[int, int] | None:
    """The days-ago window a time phrase in the words names, if any ("2 weeks ago" -> 11..17)."""
    for index, word in enumerate(words):
        if word == "ago" and index >= 1:
            unit = _UNIT_DAYS.get(words[index - 1])
            amount = _count(words[index - 2]) if index >= 2 else None
            if unit is not None:
                amount = amount or 1
                spread = 1 if unit == 1 else 3 if unit == 7 else 10
                middle = amount * unit
                return max(0, middle - spread), middle + spread
    for phrase, window in _PHRASES.items():
        size = len(phrase)
        if any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1)):
            return window
    for word in words:
        weekday = _WEEKDAYS.index(word) if word in _WEEKDAYS else _WEEKDAY_SHORT.get(word)
        if weekday is not None:
            back = (today.weekday() - weekday) % 7 or 7
            return back, back
    return None


def pick_by_time(
    words: list[str], options: list[str], orders: list[dict[str, Any]],
    today: date | None = None,
) -> str | None:
    """The one offered order placed when the words say, or None when that picks no single one.

    Args:
        words: The customer's words, lower-cased.
        options: Order ids to choose from.
        orders: Known order summaries with their "placed_at".
        today: The current date (for tests); today in UTC by default.
    """
    today = today or datetime.now(UTC).date()
    window = time_window(words, today)
    if window is None:
        return None
    low, high = window
    ages = {o["id"]: age for o in orders if o.get("id") in options
            if (age := _age_days(o.get("placed_at"), today)) is not None}
    inside = [oid for oid, age in ages.items() if low - 1 <= age <= high + 1]
    if len(inside) == 1:
        return inside[0]
    if not inside:
        return None
    middle = (low + high) / 2
    ranked = sorted(inside, key=lambda oid: abs(ages[oid] - middle))
    if abs(ages[ranked[0]] - middle) < abs(ages[ranked[1]] - middle):
        return ranked[0]
    return None
