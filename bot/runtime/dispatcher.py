"""Workers: each sender's messages one at a time and in order, different senders at once."""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from bot.runtime.inbox import Inbox
from bot.runtime.turns import TurnRunner

log = logging.getLogger("caseloop.dispatcher")


class Dispatcher:
    """Schedules stored messages onto per-sender workers.

    Acknowledgements come first. Turns share the process, the event loop and the database
    with the webhooks that store messages, and a webhook is answered only once its message is
    stored. So while stores are slow (the inbox's `delay()` is over `busy_seconds`: turns are
    keeping the loop or the database busy, as the CPU-bound offline model does in a burst),
    a new turn starts only if fewer than `min_concurrent_turns` are running; the others wait
    their turn in the inbox, where nothing is lost. Turns that mostly wait on the network (a
    hosted model) leave stores fast and run up to `max_concurrent_turns`.

    Args:
        max_concurrent_turns: How many turns may run at once across all senders.
        min_concurrent_turns: How many turns may start however slow stores are, so replies
            keep going out during a burst.
        busy_seconds: A store delay above this holds back new turns.
    """

    def __init__(self, inbox: Inbox, runner: TurnRunner, max_concurrent_turns: int = 64,
                 min_concurrent_turns: int = 2, busy_seconds: float = 0.005) -> None:
        self._inbox = inbox
        self._runner = runner
        self._queues: dict[tuple[str, str], deque[int]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(max_concurrent_turns)
        self._min_running = min_concurrent_turns
        self._busy_seconds = busy_seconds
        self._running = 0
        self._last_extra_start = float("-inf")
        self._accepting = True

    async def recover(self) -> int:
        """Schedule every stored message that was not answered (e.g. before a crash)."""
        items = await self._inbox.unfinished()
        for item in items:
            self.submit(item.id, item.message.channel, item.message.sender)
        if items:
            log.info("Recovered %d unanswered messages from the inbox", len(items))
        return len(items)

    def submit(self, item_id: int, channel: str, sender: str) -> None:
        """Queue a stored message behind the sender's earlier ones."""
        if not self._accepting:
            return
        key = (channel, sender)
        self._queues.setdefault(key, deque()).append(item_id)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"worker {key}")

    @property
    def running(self) -> bool:
        """True while the dispatcher takes work."""
        return self._accepting

    async def idle(self) -> None:
        """Wait until every queued message has been processed."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def stop(self, timeout: float = 20.0) -> None:
        """Take no more work and give running turns `timeout` seconds to finish.

        Unfinished messages stay in the inbox and are recovered at the next start.
        """
        self._accepting = False
        for queue in self._queues.values():
            queue.clear()
        workers = list(self._workers.values())
        if workers:
            _, still_running = await asyncio.wait(workers, timeout=timeout)
            for task in still_running:
                task.cancel()
            await asyncio.gather(*still_running, return_exceptions=True)

    async def _wait_for_room(self) -> None:
        """Return once a turn may start: few are running, or stores are going fast.

        Beyond the minimum, turns start one per `busy_seconds` at most, so that a burst cannot
        start dozens before the first of them has slowed the stores down.
        """
        loop = asyncio.get_running_loop()
        while self._running >= self._min_running and self._accepting:
            now = loop.time()
            if (self._inbox.delay() <= self._busy_seconds
                    and now - self._last_extra_start >= self._busy_seconds):
                self._last_extra_start = now
                return
            await asyncio.sleep(self._busy_seconds)

    async def _work(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue:
                item_id = queue.popleft()
                async with self._slots:
                    await self._wait_for_room()
                    if not self._accepting:
                        break  # stopping: the message stays in the inbox for the next start
                    self._running += 1
                    try:
                        item = await self._inbox.get(item_id)
                        if item.status in ("pending", "processing"):
                            await self._runner.process(item)
                    finally:
                        self._running -= 1
        except Exception:
            log.exception("Worker for %s stopped", key)
        finally:
            self._workers.pop(key, None)
            if not queue:
                self._queues.pop(key, None)
            elif self._accepting:
                self._workers[key] = asyncio.create_task(self._work(key))
