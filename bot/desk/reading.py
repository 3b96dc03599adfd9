"""What people read at the desk (escalations, transcripts, audit trails); Slack events seen."""

from __future__ import annotations

from bot.audit import AuditLog, AuditRecord
from bot.desk.escalations import Escalation, Escalations
from bot.runtime.transcript import Line, read_transcript
from bot.storage.database import Database, isoformat, utcnow


class DeskReading:
    """The desk's reads, shared by Slack and the console."""

    def __init__(self, database: Database, escalations: Escalations, audit: AuditLog) -> None:
        self._db = database
        self._escalations = escalations
        self._audit = audit

    async def case(self, case_id: int) -> Escalation | None:
        """One case."""
        return await self._escalations.get(case_id)

    async def open_case_for(self, thread_id: str) -> Escalation | None:
        """The thread's open case, if any."""
        return await self._escalations.open_for(thread_id)

    async def case_for_slack_thread(self, channel: str, ts: str) -> Escalation | None:
        """The case a Slack thread belongs to."""
        return await self._escalations.for_slack_thread(channel, ts)

    async def attach_slack_thread(self, case_id: int, channel: str, ts: str) -> None:
        """Remember the Slack message a case's thread hangs from."""
        await self._escalations.attach_slack_thread(case_id, channel, ts)

    async def open_cases(self) -> list[Escalation]:
        """Open cases, newest first."""
        return await self._escalations.listing("open")

    async def closed_cases(self, limit: int = 50) -> list[Escalation]:
        """Recently closed cases, newest first."""
        return await self._escalations.listing("closed", limit)

    async def pending_approvals(self) -> list[Escalation]:
        """Open cases whose approval request waits for a decision."""
        return [case for case in await self.open_cases()
                if case.approval is not None and case.approval.status == "pending"]

    async def transcript(self, case_id: int) -> list[Line]:
        """Everything said in the case's conversation, across channels."""
        case = await self._escalations.get(case_id)
        return await read_transcript(self._db, case.thread_id) if case else []

    async def audit_trail(self, case_id: int) -> list[AuditRecord]:
        """The audit records of the case's customer (or of the case, for a visitor)."""
        case = await self._escalations.get(case_id)
        if case is None:
            return []
        if case.customer_id:
            return await self._audit.records(case.customer_id)
        return [r for r in await self._audit.records() if r.args.get("case") == case.id]

    async def remember_slack_event(self, event_id: str) -> bool:
        """True the first time a Slack event id is seen."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO slack_events (event_id, at) VALUES (?, ?)",
                (event_id, isoformat(utcnow())))
            return cursor.rowcount == 1
