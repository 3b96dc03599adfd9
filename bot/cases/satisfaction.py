"""Closing a case with one short satisfaction question, and reading the customer's 1-5 answer.

The question is asked once per case, after it closes, on a durable timer: a little later when
the case closed in the middle of a conversation, at once when it closed on a follow-up. It is
remembered in the customer's thread as a bot message marked `caseloop_satisfaction` (the case
id): a bare digit is taken as the answer only while that question is the last thing the bot
said and no action waits for a yes, so a "2" that answers an offer of options, or anything
said later, is never read as a score.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph.state import CompiledStateGraph

from bot.cases.case_book import Case, CaseBook
from bot.identity.links import customer_thread
from bot.runtime.customer_notes import remember, send_to_customer
from bot.runtime.outbox import Courier
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.timers import Timer, Timers
from bot.storage.database import Connection, Database, isoformat

ASK_SATISFACTION = "ask_satisfaction"
"""Timer kind: `{"case_id", "closed_at"}`; asks the question unless the case reopened since."""
MARK = "caseloop_satisfaction"
"""`additional_kwargs` key on the question: the id of the case it is about."""
QUESTION = (
    "One quick question before I go: how would you rate the help you got {about}, from 1 "
    "(poor) to 5 (excellent)? Just reply with a number."
)
THANKS = {1: "Thank you for telling me. I'm sorry it wasn't better; I've passed it on.",
          2: "Thank you for telling me. I'm sorry it wasn't better; I've passed it on.",
          3: "Thank you for your rating.",
          4: "Thank you for your rating, glad I could help!",
          5: "Thank you for your rating, glad I could help!"}
ONE_TO_FIVE = "Please answer with a number from 1 (poor) to 5 (excellent)."
_BARE_DIGIT = re.compile(r"\s*(\d)\s*(?:/\s*5|out of 5)?\s*[.!]*\s*")


class Satisfaction:
    """Closes cases, asks the question once the conversation is quiet, and takes the answer.

    Args:
        ask_after: How long after a case closes in the middle of a conversation the question
            is asked (the customer often goes on right after "Done").
    """

    def __init__(self, cases: CaseBook, timers: Timers, database: Database, courier: Courier,
                 graph: CompiledStateGraph, locks: ThreadLocks, ask_after: timedelta) -> None:
        self._cases = cases
        self._timers = timers
        self._db = database
        self._courier = courier
        self._graph = graph
        self._locks = locks
        self._ask_after = ask_after
        timers.handle(ASK_SATISFACTION, self._ask)

    async def close(self, case_id: int, resolution: str, *,
                    now: bool = False) -> Case | None:
        """Close a case and schedule its question: after `ask_after`, or at once (`now`) when
        the conversation is known to be quiet (a follow-up days later)."""
        case = await self._cases.close(case_id, resolution=resolution)
        if case is None or case.closed_at is None or case.satisfaction_asked_at is not None:
            return case
        due = self._cases.now() + (timedelta(0) if now else self._ask_after)
        await self._timers.schedule(ASK_SATISFACTION, due,
                                    {"case_id": case.id, "closed_at": case.closed_at},
                                    key=f"{ASK_SATISFACTION}:{case.id}:{case.closed_at}")
        if now:
            await self._ask_once(case.id, case.closed_at)
        return case

    async def _ask(self, timer: Timer) -> None:
        await self._ask_once(int(timer.payload["case_id"]), timer.payload["closed_at"],
                             deferred=bool(timer.payload.get("deferred")))

    async def _ask_once(self, case_id: int, closed_at: str, *, deferred: bool = False) -> None:
        """Send the question, once, unless the case reopened since. While the customer is in
        the middle of another request it waits `ask_after` once more, then is dropped."""
        case = await self._cases.get(case_id)
        if (case is None or case.closed_at != closed_at
                or case.satisfaction_asked_at is not None):
            return
        if await self._busy_elsewhere(case):
            if not deferred:
                await self._timers.schedule(
                    ASK_SATISFACTION, self._cases.now() + self._ask_after,
                    {"case_id": case.id, "closed_at": closed_at, "deferred": True},
                    key=f"{ASK_SATISFACTION}:{case.id}:{closed_at}:deferred")
            return
        question = _question(case)
        thread = customer_thread(case.customer_id)
        at = isoformat(self._cases.now())

        async def first_time(connection: Connection) -> bool:
            cursor = await connection.execute(
                "UPDATE cases SET satisfaction_asked_at = ? "
                "WHERE id = ? AND satisfaction_asked_at IS NULL", (at, case.id))
            return bool(cursor.rowcount == 1)

        async with self._locks.hold(thread):
            if await send_to_customer(self._db, self._courier, [thread], str(question.content),
                                      kind="notice", role="bot", guard=first_time):
                await remember(self._graph, thread, [question])

    async def answer(self, thread: str, customer_id: str | None, text: str,
                     state: dict[str, Any], human_id: str) -> AIMessage | None:
        """The reply to a bare digit answering the satisfaction question, with the score stored;
        None when the message is not that (the graph then takes it as usual)."""
        found = _BARE_DIGIT.fullmatch(text)
        case_id = _asked_case(state)
        if customer_id is None or found is None or case_id is None:
            return None
        score = int(found.group(1))
        if 1 <= score <= 5:
            await self._cases.record_satisfaction(case_id, score)
            reply = AIMessage(content=THANKS[score])
        else:
            reply = AIMessage(content=ONE_TO_FIVE, additional_kwargs={MARK: case_id})
        await remember(self._graph, thread, [HumanMessage(content=text, id=human_id), reply])
        return AIMessage(content=reply.content)


    async def _busy_elsewhere(self, case: Case) -> bool:
        """True when another of the customer's cases is being worked on (not merely answered
        and waiting to close)."""
        return any(other.id != case.id and other.stage in ("investigation", "execution")
                   and other.resolution is None
                   for other in await self._cases.for_customer(case.customer_id))


def _question(case: Case) -> AIMessage:
    about = f"with order {case.order_id}" if case.order_id else "today"
    return AIMessage(content=QUESTION.format(about=about), additional_kwargs={MARK: case.id})


def _asked_case(state: dict[str, Any]) -> int | None:
    """The case whose question is the bot's last word in the thread, if nothing else waits."""
    if state.get("pending_action"):
        return None
    for message in reversed(state.get("messages", [])):
        if isinstance(message, AIMessage):
            case_id = message.additional_kwargs.get(MARK)
            return int(case_id) if case_id is not None else None
    return None
