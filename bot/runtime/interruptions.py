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
        """Record that the caller on `call_sid` heard only `heard` of the reply `said`."""
        customer_id = await self._links.customer_for(CHANNEL, call_sid)
        thread = (customer_thread(customer_id) if customer_id
                  else visitor_thread(CHANNEL, call_sid))
        kept = (heard.strip() + CUT_MARK) if heard.strip() else CUT_MARK.strip()
        await self._db.execute(
            "UPDATE transcript SET text = ? WHERE id = (SELECT MAX(id) FROM transcript "
            "WHERE thread_id = ? AND role = 'bot' AND channel = ? AND text = ?)",
            (kept, thread, CHANNEL, said))
        await remember_interruption(self._graph, thread, said, kept)
        log.info("Call %s: the caller interrupted the reply", call_sid)
