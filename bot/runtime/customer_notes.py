"""Writing to a customer outside a turn, and into their memory, in the order things happened."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiosqlite
from langchain_core.messages import BaseMessage
from langgraph.graph.state import CompiledStateGraph

from bot.runtime.contacts import last_contact
from bot.runtime.outbox import Courier, enqueue
from bot.runtime.transcript import append_lines, line
from bot.storage.database import Database
from channels.base import OutboundMessage

log = logging.getLogger("caseloop.customer_notes")

Guard = Callable[[aiosqlite.Connection], Awaitable[bool]]
"""Runs first in the sending transaction; False sends nothing (e.g. it was already sent)."""


async def remember(graph: CompiledStateGraph, thread: str, messages: list[BaseMessage],
                   notes: list[str] | None = None) -> None:
    """Add messages (and case notes) to a thread's memory, as if a turn had said them."""
    update: dict[str, object] = {"messages": messages}
    if notes:
        update["case_notes"] = notes
    await graph.aupdate_state({"configurable": {"thread_id": thread}}, update, as_node="respond")


async def send_to_customer(database: Database, courier: Courier, threads: list[str], text: str,
                           *, kind: str, role: str, guard: Guard | None = None) -> bool:
    """Store a message for the channel the customer last wrote on, then deliver it.

    Args:
        threads: Where to look for the customer's last channel, first match wins (their
            customer thread, then the thread the case started in).
        role: Who speaks, for the transcript: `bot` or `agent:<actor>`.

    Returns:
        False when the guard refused or the customer never wrote from anywhere.
    """
    for thread in threads:
        contact = await last_contact(database, thread)
        if contact is not None:
            break
    else:
        log.warning("No channel known for %s; message not sent", threads[0])
        return False
    channel, address = contact
    async with database.transaction() as connection:
        if guard is not None and not await guard(connection):
            return False
        await append_lines(connection, threads[0], [line(role, channel, text)])
        await enqueue(connection, OutboundMessage(channel=channel, recipient=address, text=text,
                                                  kind=kind))
    await courier.flush(channel, address)
    return True
