"""Workers: each sender's messages one at a time and in order, different senders at once."""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from bot.inbox import Inbox
from bot.turns import TurnRunner

log = logging.getLogger("caseloop.dispatcher")


class Dispatcher:
    """Schedules stored messages onto per-sender workers.

    Args:
        max_concurrent_turns: How many turns may run at once across all senders.
    """

    def __init__(self, inbox: Inbox, runner: TurnRunner, max_concurrent_turns: int = 64) -> None:
        self._inbox = inbox
        self._runner = runner
        self._queues: dict[tuple[str, str], deque[int]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(max_concurrent_turns)
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

    async def _work(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue:
                item_id = queue.popleft()
                async with self._slots:
                    item = await self._inbox.get(item_id)
                    if item.status in ("pending", "processing"):
                        await self._runner.process(item)
        except Exception:
            log.exception("Worker for %s stopped", key)
        finally:
            self._workers.pop(key, None)
            if not queue:
                self._queues.pop(key, None)
            elif self._accepting:
                self._workers[key] = asyncio.create_task(self._work(key))
