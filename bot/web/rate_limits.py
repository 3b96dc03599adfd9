"""Token buckets by key (a client address, a sender), in memory, for a bounded number of keys."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

MAX_KEYS = 50_000
"""Keys remembered at most; the least recently seen are forgotten first (they start full)."""


class RateLimiter:
    """Allows `per_minute` events per key, in bursts of up to that many, refilled evenly.

    Each process keeps its own buckets: with several processes behind a load balancer the
    limit applies per process.

    Args:
        per_minute: Events one key may have in a minute.
        clock: Seconds, monotonic (injectable for tests).
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(per_minute)
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        """Take one token for `key`; False (nothing taken) when its bucket is empty."""
        return self.wait_for(key) == 0.0

    def wait_for(self, key: str) -> float:
        """Take one token for `key` and return 0.0, or return the seconds until one is free."""
        now = self._clock()
        tokens, at = self._buckets.pop(key, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - at) * self._rate)
        if tokens >= 1.0:
            self._remember(key, tokens - 1.0, now)
            return 0.0
        self._remember(key, tokens, now)
        return (1.0 - tokens) / self._rate

    def _remember(self, key: str, tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)


class TrafficLimits:
    """The limits on what anonymous traffic may start: web chat sessions per client address,
    messages per sender.

    Args:
        sessions_per_minute: `CASELOOP_SESSIONS_PER_MINUTE`.
        messages_per_minute: `CASELOOP_MESSAGES_PER_MINUTE`.
    """

    def __init__(self, sessions_per_minute: int, messages_per_minute: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sessions = RateLimiter(sessions_per_minute, clock)
        self.messages = RateLimiter(messages_per_minute, clock)
