"""Closing a case with one short satisfaction question, asked once the conversation is quiet.

The question is asked once per case, after it closes, on a durable timer: a little later when
the case closed in the middle of a conversation, at once when it closed on a follow-up. It is
remembered in the customer's thread as a bot message marked with the case id; the customer's
answer is read in the conversation (`graph/rating.py`).
"""

from __future__ import annotations

from datetime import timedelta

from langchain_core.messages import AIMessage

from bot.cases.case import Case
from bot.cases.case_book import CaseBook
from bot.identity.links import customer_thread
from bot.runtime.customer_notes import CustomerLine
from bot.runtime.timers import Timer, Timers
from bot.storage.database import Connection, isoformat
from graph.memory import remember_question
from graph.rating import MARK

ASK_SATISFACTION = "ask_satisfaction"
"""Timer kind: `{"case_id", "closed_at"}`; asks the question unless the case reopened since."""
QUESTION = (
    "One quick question before I go: how would you rate the help you got {about}, from 1 "
    "(poor) to 5 (excellent)? Just reply with a number."
)


class Satisfaction:
    """Closes cases, asks the question once the conversation is quiet, and takes the answer.

    Args:
        ask_after: How long after a case closes in the middle of a conversation the question
            is asked (the customer often goes on right after "Done").
    """

    def __init__(self, cases: CaseBook, timers: Timers, line: CustomerLine,
                 ask_after: timedelta) -> None:
        self._cases = cases
        self._timers = timers
        self._line = line
        self._ask_after = ask_after
        timers.handle(ASK_SATISFACTION, self._ask)

    async def rate(self, case_id: int, score: int) -> None:
        """Keep the customer's 1-5 answer (the first one only)."""
        await self._cases.record_satisfaction(case_id, score)

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
            return await self._cases.mark_asked(connection, case.id, at)

        async with self._line.locks.hold(thread):
            if await self._line.notes.send([thread], str(question.content), kind="notice",
                                      role="bot", guard=first_time):
                await remember_question(self._line.graph, thread, question)

    async def _busy_elsewhere(self, case: Case) -> bool:
        """True when another of the customer's cases is being worked on (not merely answered
        and waiting to close)."""
        return any(other.id != case.id and other.stage in ("investigation", "execution")
                   and other.resolution is None
                   for other in await self._cases.for_customer(case.customer_id))


def _question(case: Case) -> AIMessage:
    about = f"with order {case.order_id}" if case.order_id else "today"
    return AIMessage(content=QUESTION.format(about=about), additional_kwargs={MARK: case.id})
