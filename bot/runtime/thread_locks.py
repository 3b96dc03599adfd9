"""One turn at a time per conversation thread, whoever works on it: a worker or a person."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.logs.correlation import correlate


class ThreadLocks:
    """Locks keyed by thread id, created on demand and dropped when nobody holds or waits."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, thread: str) -> AsyncIterator[None]:
        """Hold the thread's lock; waiters get it in arrival order.

        While it is held, what is logged carries the thread id as its correlation id.
        """
        lock, users = self._locks.get(thread, (asyncio.Lock(), 0))
        self._locks[thread] = (lock, users + 1)
        try:
            async with lock:
                with correlate(thread):
                    yield
        finally:
            lock, users = self._locks[thread]
            if users == 1:
                del self._locks[thread]
            else:
                self._locks[thread] = (lock, users - 1)
