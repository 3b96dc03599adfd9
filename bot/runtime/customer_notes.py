"""Writing to a customer outside a turn: stored with the transcript, then delivered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.runtime.contacts import last_contact
from bot.runtime.outbox import Courier, enqueue
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.transcript import append_lines, line
from bot.storage.database import Connection, Database
from channels.base import OutboundMessage

if TYPE_CHECKING:  # LangGraph is loaded after the server listens
    from langgraph.graph.state import CompiledStateGraph

log = logging.getLogger("caseloop.customer_notes")

Guard = Callable[[Connection], Awaitable[bool]]
"""Runs first in the sending transaction; False sends nothing (e.g. it was already sent)."""


class CustomerNotes:
    """Sends what Caseloop (or a person) says to a customer between their turns."""

    def __init__(self, database: Database, courier: Courier) -> None:
        self._db = database
        self.courier = courier

    async def send(self, threads: list[str], text: str, *, kind: str, role: str,
                   guard: Guard | None = None) -> bool:
        """Store a message for the channel the customer last wrote on, then deliver it.

        Args:
            threads: Where to look for the customer's last channel, first match wins (their
                customer thread, then the thread the case started in).
            role: Who speaks, for the transcript: `bot` or `agent:<actor>`.

        Returns:
            False when the guard refused or the customer never wrote from anywhere.
        """
        for thread in threads:
            contact = await last_contact(self._db, thread)
            if contact is not None:
                break
        else:
            log.warning("No channel known for %s; message not sent", threads[0])
            return False
        channel, address = contact
        async with self._db.transaction() as connection:
            if guard is not None and not await guard(connection):
                return False
            await append_lines(connection, threads[0], [line(role, channel, text)])
            await enqueue(connection, OutboundMessage(channel=channel, recipient=address,
                                                      text=text, kind=kind))
        await self.courier.flush(channel, address)
        return True


@dataclass(frozen=True)
class CustomerLine:
    """How words said between turns reach a customer: sent, under their thread's lock, and
    remembered in their thread (`graph/memory.py`)."""

    notes: CustomerNotes
    locks: ThreadLocks
    graph: CompiledStateGraph
    """The conversation graph, whose threads are the customers' memory."""
