"""Failed console sign-ins counted per client address: past a few a minute, the address waits."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

FAILURES_PER_MINUTE = 5
"""Failed sign-ins one address may have in a minute before it must wait."""
WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 10_000
"""Addresses remembered at most; the least recently failing are forgotten first."""


class SignInThrottle:
    """Counts failed sign-ins (a wrong token, a used link) by client address, in this process.

    An attempt is counted as failed when it starts and forgiven when it succeeds, so attempts
    sent all at once are counted before any of them is answered.

    Once an address has `limit` failures within `window` seconds, every sign-in attempt from it
    is refused, right or wrong, until the oldest failure is older than the window: an attempt
    checked while it waits would tell a guesser whether the guess was right.

    Args:
        limit: Failures allowed in the window.
        window: Seconds.
        clock: Seconds, monotonic (injectable for tests).
    """

    def __init__(self, limit: int = FAILURES_PER_MINUTE, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._limit, self._window, self._clock = limit, window, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def wait_for(self, address: str) -> int:
        """Whole seconds `address` must wait before trying again; 0 when it may try now."""
        failures = self._recent(address)
        if len(failures) < self._limit:
            return 0
        return max(1, math.ceil(failures[0] + self._window - self._clock()))

    def failed(self, address: str) -> None:
        """Count a failed sign-in from `address`."""
        failures = self._recent(address)
        failures.append(self._clock())
        self._failures[address] = failures
        self._failures.move_to_end(address)
        while len(self._failures) > MAX_ADDRESSES:
            self._failures.popitem(last=False)

    def forgive(self, address: str) -> None:
        """Take back the newest failure counted for `address` (an attempt that succeeded)."""
        failures = self._failures.get(address)
        if failures:
            failures.pop()
            if not failures:
                del self._failures[address]

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.get(address) or deque(maxlen=self._limit)
        since = self._clock() - self._window
        while failures and failures[0] <= since:
            failures.popleft()
        if not failures:
            self._failures.pop(address, None)
        return failures
