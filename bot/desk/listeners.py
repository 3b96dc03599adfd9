"""Who gets told about cases (the Slack connector), and telling them without holding up a turn."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.desk.escalations import Escalation

log = logging.getLogger("caseloop.desk")


class DeskListener(Protocol):
    """Something that shows cases to people (the Slack connector)."""

    async def case_opened(self, case: Escalation) -> None:
        """A case was escalated (or a new approval was added to an open case)."""
        ...

    async def case_changed(self, case: Escalation, event: str) -> None:
        """Something about the case changed.

        `event` is one of `approval_requested`, `first_approval`, `approved`, `denied`,
        `expired`, `taken_over`, `handed_back`, and for shadow mode's drafts `draft_ready`,
        `draft_first_approval`, `draft_sent`, `draft_edited`, `draft_rejected`.
        """
        ...

    async def desk_notice(self, text: str) -> None:
        """Something the whole desk must know, not about one case (a case type fell back to
        shadow mode): Slack posts it in the escalation channel."""
        ...

    async def case_note(self, case: Escalation, kind: str, text: str, actor: str | None) -> None:
        """A line for the case's thread.

        `kind` is `customer` (a customer message), `bot` (the bot's answer while the case is
        open), `human` (a person's message sent to the customer; `actor` says who),
        `internal` (a note from someone other than the person holding the case, never sent) or
        `suggestion` (a draft reply and next best action for the person, never sent).
        """
        ...


class Notifier:
    """Tells listeners about cases in the background, in order, without holding up a turn."""

    def __init__(self) -> None:
        self._listeners: list[DeskListener] = []
        self._queue: asyncio.Queue[tuple[str, tuple]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def add(self, listener: DeskListener) -> None:
        """Register a listener."""
        self._listeners.append(listener)

    def tell(self, method: str, *args: object) -> None:
        """Queue one call for every listener."""
        if not self._listeners:
            return
        self._queue.put_nowait((method, args))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run())

    async def drain(self) -> None:
        """Wait until every queued call has been made."""
        await self._queue.join()

    async def close(self) -> None:
        """Make the queued calls, then stop."""
        await self.drain()
        if self._worker is not None:
            self._worker.cancel()

    async def _run(self) -> None:
        while True:
            method, args = await self._queue.get()
            try:
                for listener in self._listeners:
                    try:
                        await getattr(listener, method)(*args)
                    except Exception:  # noqa: BLE001 - one failing view must not stop the rest
                        log.exception("Desk listener %s failed on %s", listener, method)
            finally:
                self._queue.task_done()
