"""Several processes on one PostgreSQL database: who answers which message, one turn per
customer at a time across processes, and replies that reach a web chat held by another process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress

from bot.runtime.dispatcher import Dispatcher
from bot.runtime.inbox import Inbox
from bot.runtime.inbox_claims import RENEW, Claim, InboxClaims
from bot.runtime.leases import Leases
from bot.runtime.notifications import INBOX, OUTBOX, Notifications
from bot.runtime.outbox import Courier
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.turns import TurnRunner
from bot.storage.database import Database
from bot.storage.postgres import PostgresDatabase
from channels.base import Channel
from channels.webchat import WebchatChannel

log = logging.getLogger("caseloop.shared")

POLL_SECONDS = 1.0
"""How often a process looks for messages nobody signalled: a crashed process's, once their
lease has run out, or ones whose signal was missed."""


class SharedThreadLocks(ThreadLocks):
    """One turn at a time per thread across every process: the process's own lock, then the
    thread's lease in the database."""

    def __init__(self, leases: Leases) -> None:
        super().__init__()
        self._leases = leases

    @asynccontextmanager
    async def hold(self, thread: str) -> AsyncIterator[None]:
        async with super().hold(thread), self._leases.hold(f"thread:{thread}"):
            yield


class SharedCourier(Courier):
    """Delivers under a lease per recipient, so two processes never send the same reply; a web
    chat reply that this process cannot deliver is signalled to the one holding the socket."""

    def __init__(self, database: Database, channels: Mapping[str, Channel], leases: Leases,
                 notifications: Notifications) -> None:
        super().__init__(database, channels)
        self._leases = leases
        self._notifications = notifications
        notifications.on(OUTBOX, self._on_signal)

    async def flush(self, channel: str, recipient: str) -> None:
        async with self._leases.hold(f"outbox:{channel}:{recipient}"):
            await super().flush(channel, recipient)
        if not self._reachable_here(channel, recipient):
            await self._notifications.publish(OUTBOX, f"{channel}\n{recipient}")

    async def _on_signal(self, payload: str) -> None:
        channel, _, recipient = payload.partition("\n")
        if channel in self._channels and self._reachable_here(channel, recipient):
            await self.flush(channel, recipient)

    def _reachable_here(self, channel: str, recipient: str) -> bool:
        webchat = self._channels.get(channel)
        if isinstance(webchat, WebchatChannel):
            return webchat.is_connected(recipient)
        return True


class SharedDispatcher(Dispatcher):
    """Answers the messages this process claims in the shared inbox
    (see `bot/runtime/inbox_claims.py`).

    A stored message is signalled to every process; each claims what it has room for, only the
    oldest unanswered message of a sender at a time, and claims again when a turn ends. Claims
    held are renewed with the process's leases; a stopping process gives its unanswered ones
    back.
    """

    def __init__(self, inbox: Inbox, runner: TurnRunner, claims: InboxClaims,
                 notifications: Notifications, **limits: float) -> None:
        super().__init__(inbox, runner, **limits)  # type: ignore[arg-type]
        self._claims = claims
        self._notifications = notifications
        self._room = int(limits.get("max_concurrent_turns", 64))
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._claiming = asyncio.Lock()
        self._last_look_for_dead = float("-inf")
        self._claimer: asyncio.Task[None] | None = None
        notifications.on(INBOX, self._on_signal)

    async def recover(self) -> int:
        """Start claiming: what a stopped or crashed process left is claimed like the rest."""
        self._claimer = asyncio.create_task(self._claim_forever(), name="inbox claims")
        return 0

    def submit(self, item_id: int, channel: str, sender: str) -> None:
        """A message was stored here: claim it (or let a process with room do so)."""
        if not self._accepting:
            return
        self._wake.set()
        task = asyncio.create_task(self._notifications.publish(INBOX))
        task.add_done_callback(_log_failure)

    async def idle(self) -> None:
        """Wait until this process answers nothing and finds nothing it could claim."""
        while self._accepting:
            if self._in_flight:
                await asyncio.gather(*list(self._in_flight.values()), return_exceptions=True)
            elif not await self._claim_now() and not self._in_flight:
                return

    async def stop(self, timeout: float = 20.0) -> None:
        self._accepting = False
        if self._claimer is not None:
            self._claimer.cancel()
            with suppress(asyncio.CancelledError):
                await self._claimer
        running = list(self._in_flight.values())
        if running:
            _, still_running = await asyncio.wait(running, timeout=timeout)
            for task in still_running:
                task.cancel()
            await asyncio.gather(*still_running, return_exceptions=True)
        await self._claims.release_all()

    async def _on_signal(self, _: str) -> None:
        self._wake.set()

    async def _claim_forever(self) -> None:
        while self._accepting:
            self._wake.clear()
            try:
                await self._claim_now()
            except Exception:  # noqa: BLE001 - the database may be back at the next attempt
                log.exception("Could not claim messages from the inbox")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)

    async def _claim_now(self) -> int:
        async with self._claiming:  # one claim at a time: what it claims is in flight after
            now = asyncio.get_running_loop().time()
            if now - self._last_look_for_dead >= POLL_SECONDS:
                self._last_look_for_dead = now
                await self._claims.take_over_from_the_dead()
            claimed = await self._claims.claim(self._room - len(self._in_flight))
            for claim in claimed:
                task = asyncio.create_task(self._answer(claim), name=f"turn {claim.id}")
                self._in_flight[claim.id] = task
        return len(claimed)

    async def _answer(self, claim: Claim) -> None:
        """Answer a claimed message. A turn that fails keeps the claim until its lease runs
        out (then it is tried again, by any process); one cut short by a stop gives it back;
        one cut short by the process dying is freed by the next process to notice."""
        answered = False
        try:
            async with self._slots:
                await self._wait_for_room()
                if self._accepting:
                    self._running += 1
                    try:
                        item = await self._inbox.get(claim.id)
                        if item.status in ("pending", "processing"):
                            await self._runner.process(item)
                        answered = True
                    finally:
                        self._running -= 1
        except Exception:
            answered = True  # not given back: tried again once the claim runs out
            log.exception("Turn for inbox message %s stopped; it is tried again once its "
                          "claim runs out", claim.id)
        finally:
            self._in_flight.pop(claim.id, None)
            if not answered and not self._accepting:  # stopping: another process may take it
                await asyncio.shield(self._give_back(claim.id))
            self._wake.set()  # the sender's next message may be claimable now

    async def _give_back(self, item_id: int) -> None:
        try:
            await self._claims.release(item_id)
        except Exception:  # noqa: BLE001 - then the claim runs out on its own
            log.warning("Could not give back inbox message %s; its claim will run out", item_id)


class Sharing:
    """What lets this process share a PostgreSQL database with others: its leases, its inbox
    claims and the signals between processes; it builds the shared courier, locks and
    dispatcher the application runs with."""

    def __init__(self, database: Database, url: str) -> None:
        assert isinstance(database, PostgresDatabase)
        self._db = database
        self.leases = Leases(database)
        self.leases.renew_also(RENEW)
        self.notifications = Notifications(url, database)
        self.claims = InboxClaims(database, self.leases.holder)

    def courier(self, channels: Mapping[str, Channel]) -> SharedCourier:
        """The courier, delivering under a lease per recipient."""
        return SharedCourier(self._db, channels, self.leases, self.notifications)

    def locks(self) -> SharedThreadLocks:
        """Thread locks that hold across processes."""
        return SharedThreadLocks(self.leases)

    def dispatcher(self, inbox: Inbox, runner: TurnRunner) -> SharedDispatcher:
        """The dispatcher, answering what this process claims."""
        return SharedDispatcher(inbox, runner, self.claims, self.notifications)

    async def start(self) -> None:
        """Say this process is alive, listen for signals and renew leases (before the
        dispatcher starts claiming)."""
        if not await self._db.announce(self.leases.holder):
            raise RuntimeError(f"another process is already named {self.leases.holder}")
        await self.notifications.start()
        self.leases.start()

    async def close(self) -> None:
        """Stop listening and give back every lease (after the dispatcher has stopped)."""
        await self.notifications.close()
        await self.leases.stop()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("Could not signal a stored message: %s", task.exception())
