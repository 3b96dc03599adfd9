"""What a caller heard of a reply they interrupted: kept in the transcript and the memory."""

from __future__ import annotations

import logging

from langgraph.graph.state import CompiledStateGraph

from bot.identity.links import Links, customer_thread, visitor_thread
from bot.storage.database import Database
from graph.memory import remember_interruption

log = logging.getLogger("caseloop.voice")

CHANNEL = "voice"
CUT_MARK = " …"


class Interruptions:
    """Replaces a reply a caller cut short with what they heard of it.

    The reply's line in the transcript (the latest bot line on the call with its text), and
    the reply in the thread's memory, become the words spoken before the interruption, ending
    with " …": a later turn, on any channel, reads what the caller was actually told.
    """

    def __init__(self, database: Database, graph: CompiledStateGraph) -> None:
        self._db = database
        self._links = Links(database)
        self._graph = graph

    async def heard(self, call_sid: str, said: str, heard: str) -> None:
        """Record that the caller on `call_sid` heard only `heard` of the reply `said`.

        The reply is looked for in the caller's thread and, for a caller who proved who they
        are during the call, in the thread they had before (its replies stay there)."""
        customer_id = await self._links.customer_for(CHANNEL, call_sid)
        threads = [customer_thread(customer_id)] if customer_id else []
        threads.append(visitor_thread(CHANNEL, call_sid))
        kept = (heard.strip() + CUT_MARK) if heard.strip() else CUT_MARK.strip()
        marks = ", ".join("?" for _ in threads)
        line = await self._db.fetchone(
            f"SELECT id, thread_id FROM transcript WHERE thread_id IN ({marks}) AND role = 'bot' "
            "AND channel = ? AND text = ? ORDER BY id DESC LIMIT 1", (*threads, CHANNEL, said))
        if line is None:
            return
        await self._db.execute("UPDATE transcript SET text = ? WHERE id = ?", (kept, line["id"]))
        await remember_interruption(self._graph, line["thread_id"], said, kept)
        log.info("Call %s: the caller interrupted the reply", call_sid)
