"""The dispatcher: acknowledgements first, so turns hold back while stores are slow."""

from __future__ import annotations

import asyncio

from bot.runtime.dispatcher import Dispatcher
from bot.runtime.inbox import InboxItem
from tests.fakes.capture import inbound

BUSY = 0.002


class SlowOrFastInbox:
    """An inbox whose store delay the test sets."""

    def __init__(self) -> None:
        self.store_delay = 0.0
        self.messages = {n: inbound(f"+4477009{n:05d}", f"message {n}", f"SM{n}")
                         for n in range(1, 21)}

    def delay(self) -> float:
        return self.store_delay

    async def get(self, item_id: int) -> InboxItem:
        return InboxItem(id=item_id, status="pending", message=self.messages[item_id])

    async def unfinished(self) -> list[InboxItem]:
        return []


class HeldTurns:
    """Turns that run until the test lets them finish; records how many ran at once."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.finish = asyncio.Event()

    async def process(self, item: InboxItem) -> None:
        self.started.append(item.id)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self.finish.wait()
        finally:
            self.running -= 1


def dispatcher_for(inbox: SlowOrFastInbox, turns: HeldTurns, busy: float = BUSY,
                   **limits: int) -> Dispatcher:
    dispatcher = Dispatcher(inbox, turns, busy_seconds=busy, **limits)  # type: ignore[arg-type]
    for item_id, message in inbox.messages.items():
        dispatcher.submit(item_id, message.channel, message.sender)
    return dispatcher


async def test_while_stores_are_slow_only_the_minimum_of_turns_runs() -> None:
    inbox, turns = SlowOrFastInbox(), HeldTurns()
    inbox.store_delay = 10 * BUSY
    dispatcher = dispatcher_for(inbox, turns, min_concurrent_turns=2)
    await asyncio.sleep(50 * BUSY)
    assert turns.started == [1, 2]

    inbox.store_delay = 0.0
    await asyncio.sleep(100 * BUSY)
    assert len(turns.started) == 20
    turns.finish.set()
    await dispatcher.idle()
    assert turns.running == 0


async def test_while_stores_are_fast_turns_run_up_to_the_cap() -> None:
    inbox, turns = SlowOrFastInbox(), HeldTurns()
    dispatcher = dispatcher_for(inbox, turns, min_concurrent_turns=2, max_concurrent_turns=8)
    await asyncio.sleep(100 * BUSY)
    assert turns.most_at_once == 8
    turns.finish.set()
    await dispatcher.idle()
    assert sorted(turns.started) == list(range(1, 21))


async def test_beyond_the_minimum_turns_start_one_at_a_time() -> None:
    inbox, turns = SlowOrFastInbox(), HeldTurns()
    dispatcher = dispatcher_for(inbox, turns, busy=0.5, min_concurrent_turns=2)
    await asyncio.sleep(0)
    assert turns.started == [1, 2, 3]  # the minimum at once, then one more per check
    await asyncio.sleep(0.75)
    assert turns.started == [1, 2, 3, 4]
    turns.finish.set()
    await dispatcher.idle()


async def test_a_turn_waiting_for_room_does_not_start_once_stopping() -> None:
    inbox, turns = SlowOrFastInbox(), HeldTurns()
    inbox.store_delay = 10 * BUSY
    dispatcher = dispatcher_for(inbox, turns, min_concurrent_turns=2)
    await asyncio.sleep(10 * BUSY)
    stopping = asyncio.create_task(dispatcher.stop(timeout=5))
    await asyncio.sleep(10 * BUSY)
    turns.finish.set()
    await stopping
    assert turns.started == [1, 2]
