"""The hand-over to people: escalations opened from the conversation, and what people are told
of it while they hold it.

This is the desk as the graph sees it (`graph.context.People`): the escalate node opens an
escalation here, and triage passes a customer's message here while a person holds the
conversation. After each turn the desk mirrors into an open escalation what was said.
"""

from __future__ import annotations

from bot.audit import AuditLog
from bot.desk.escalations import Escalation, Escalations
from bot.desk.listeners import Notifier
from bot.desk.suggestions import suggest
from graph.backend import Backend
from graph.context import Knowledge


class Handover:
    """Opens escalations and keeps the people holding them informed.

    Args:
        notifier: Tells the desk's listeners (the Slack connector, the console's views).
        backend, knowledge: What a suggestion for the person is drafted from.
    """

    def __init__(self, escalations: Escalations, audit: AuditLog, notifier: Notifier,
                 backend: Backend, knowledge: Knowledge) -> None:
        self._escalations = escalations
        self._audit = audit
        self._notifier = notifier
        self._backend = backend
        self._knowledge = knowledge

    async def holder(self, thread_id: str) -> Escalation | None:
        """The thread's open escalation, if any (`mode` is `human` while a person holds it)."""
        return await self._escalations.open_for(thread_id)

    async def escalate(self, *, thread_id: str, customer_id: str | None, channel: str | None,
                       reason: str, wants: str, found: str, why: str,
                       sentiment: str) -> Escalation:
        """Open an escalation for people to see (or return the thread's open one)."""
        case, created = await self._escalations.open(
            thread_id=thread_id, customer_id=customer_id, channel=channel, reason=reason,
            wants=one_line(wants), found=one_line(found), why=one_line(why),
            sentiment=sentiment)
        if created:
            await self._audit.record(actor="agent", customer_id=customer_id, action="escalate",
                                     args={"case": case.id}, rule=None, outcome="escalated",
                                     detail={"reason": reason, "why": case.why})
            self._notifier.tell("case_opened", case)
        return case

    async def hear(self, escalation: Escalation, text: str) -> None:
        """A customer's message while a person holds the conversation: shown to them, with a
        suggestion of what to say and do next."""
        self.note(escalation, "customer", text)
        approval = escalation.approval
        pending = approval.description if approval and approval.status == "pending" else None
        self.note(escalation, "suggestion", await suggest(
            self._backend, self._knowledge, escalation.customer_id, text, pending))

    def note(self, escalation: Escalation, kind: str, text: str) -> None:
        """Mirror a line of the conversation (or a suggestion) into the escalation's thread."""
        self._notifier.tell("case_note", escalation, kind, text, None)


def one_line(text: str, limit: int = 200) -> str:
    """Text on one line, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
