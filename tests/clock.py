"""A clock tests move by hand, for stores that take one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class TestClock:
    """Returns a fixed moment until moved; call it like `utcnow`."""

    __test__ = False

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def move(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)`; returns the new time."""
        self.moment += timedelta(**delta)
        return self.moment
