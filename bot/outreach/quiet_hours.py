"""Quiet hours: the part of the customer's night when outreach waits until morning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_SPAN = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")
OFF = ("", "off", "none")


@dataclass(frozen=True)
class QuietHours:
    """A daily span of local time, e.g. 21:00 to 08:00 (across midnight) or 13:00 to 14:00."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """`21-08` or `21:30-07:45`; None for `off` (or nothing).

        Raises:
            ValueError: anything else, or a span that starts where it ends.
        """
        if text.strip().lower() in OFF:
            return None
        match = _SPAN.match(text)
        if match is None:
            raise ValueError("must look like 21-08 or 21:30-07:45 (local time), or off")
        hours_from, minutes_from, hours_to, minutes_to = match.groups()
        try:
            start = time(int(hours_from), int(minutes_from or 0))
            end = time(int(hours_to), int(minutes_to or 0))
        except ValueError:
            raise ValueError("hours are 0-23 and minutes 00-59") from None
        if start == end:
            raise ValueError("quiet hours must start and end at different times")
        return cls(start, end)

    def contains(self, local: time) -> bool:
        """True when a local time of day falls within the quiet hours."""
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """When the quiet hours `moment` falls in end (timezone-aware); None if it falls in none.

        Args:
            moment: A timezone-aware moment.
            zone: The customer's time zone.
        """
        local = moment.astimezone(zone)
        if not self.contains(local.time().replace(tzinfo=None)):
            return None
        day = local.date()
        if self.start > self.end and local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)
        end = datetime.combine(day, self.end, tzinfo=zone)
        return end if end > moment else moment


def zone_named(name: object, default: ZoneInfo) -> ZoneInfo:
    """The IANA time zone a customer record names (e.g. `Europe/Paris`), else `default`."""
    if not isinstance(name, str) or not name.strip():
        return default
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return default
