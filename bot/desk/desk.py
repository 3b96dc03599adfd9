"""The human desk: what a support agent can do with an escalated case, from Slack or the console.

Every operation is checked here, whoever calls it, and written to the audit trail with its actor
(`slack:<user id>` or `console:<name>`). Slack and the console are two views of the same cases:
each operation tells every registered listener, so a decision taken in one shows in the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.audit import AuditLog
from bot.desk.approval_runs import ApprovalRuns
from bot.desk.approvals import ApprovalQueue
from bot.desk.decisions import (
    DECIDED,
    EXPIRED_NOW,
    NOT_ALLOWED,
    SECOND_NEEDED,
    UNKNOWN,
    DecisionResult,
    refusal_of,
)
from bot.desk.draft_releases import DraftReleases
from bot.desk.drafts import DraftQueue
from bot.desk.escalations import Escalation, Escalations
from bot.desk.handover import Handover, one_line
from bot.desk.listeners import DeskListener, Notifier
from bot.desk.operators import Approvers
from bot.desk.reading import DeskReading
from bot.desk.shadow import ShadowDesk
from bot.runtime.contacts import last_contact
from bot.runtime.customer_notes import CustomerLine
from bot.storage.database import Database, isoformat, utcnow
from channels.base import InboundMessage
from graph.approval import approval_thread
from graph.escalation import found_so_far
from graph.memory import remember_person_message

JOINED = "A member of our support team has joined this conversation and will reply here."


@dataclass(frozen=True)
class DeskStores:
    """The records the desk reads and writes."""

    database: Database
    escalations: Escalations
    approvals: ApprovalQueue
    audit: AuditLog
    drafts: DraftQueue


class Desk(DeskReading):
    """The operations people perform on cases, checked and audited.

    Args:
        line: How people's words reach the customer and their memory.
        runs: Runs approval requests in their own graph threads.
        handover: Opens escalations and tells the people holding them.
        notifier: Tells every listener (Slack, the console) of each change.
        approvers: Who may approve or deny: Slack user ids in `SLACK_APPROVERS`, the admin
            token (`console:admin`) and operator accounts made approvers.
        releases: Delivers the drafts people release (`shadow`: the drafts of shadow mode).
    """

    def __init__(self, stores: DeskStores, line: CustomerLine, runs: ApprovalRuns,
                 handover: Handover, notifier: Notifier, approvers: Approvers,
                 releases: DraftReleases) -> None:
        super().__init__(stores.database, stores.escalations, stores.audit)
        self._approvals = stores.approvals
        self._line = line
        self._runs = runs
        self._handover = handover
        self.approvers = approvers
        self.notifier = notifier
        self.shadow = ShadowDesk(stores.drafts, stores.escalations, stores.audit, releases,
                                 notifier, approvers, take_over=self.take_over)

    def add_listener(self, listener: DeskListener) -> None:
        """Show cases somewhere else too (Slack)."""
        self.notifier.add(listener)

    async def drain(self) -> None:
        """Wait until listeners were told everything so far."""
        await self.notifier.drain()

    def may_decide(self, actor: str) -> bool:
        """Whether an actor may approve or deny: a listed Slack user, the admin token, or an
        approver account (`Approvers.allows`)."""
        return self.approvers.allows(actor)

    # After a turn

    async def after_turn(self, runs: list[tuple[str, dict[str, Any]]], message: InboundMessage,
                         replies: list[str]) -> None:
        """Hand people what a turn left for them: its newly parked approval requests and
        drafts, and the turn itself when it belongs to an escalation they already have.

        Args:
            runs: Each graph run of the turn: its thread and the state after it.
        """
        thread, state = runs[0]
        opened_now = any(fact.get("opened") for fact in state.get("turn_facts") or [])
        escalation = None if opened_now else await self._handover.holder(thread)
        for run_thread, run_state in runs:
            await self.announce_approvals(run_thread, message.channel, found_so_far(run_state))
            if any(fact.get("kind") == "drafted" for fact in run_state.get("turn_facts") or []):
                await self.shadow.announce(run_thread, message.channel)
        if escalation is not None and escalation.mode == "bot":
            self._handover.note(escalation, "customer", message.text.strip() or "[attachment]")
            for reply in replies:
                self._handover.note(escalation, "bot", reply)

    async def announce_approvals(self, thread_id: str, channel: str | None, found: str,
                                 sentiment: str = "calm") -> None:
        """Show a thread's newly parked approval requests to people, each in its case."""
        for request in await self._approvals.unannounced(thread_id):
            case, created = await self._escalations.open(
                thread_id=thread_id, customer_id=request["customer_id"], channel=channel,
                reason="approval", wants=one_line(_capitalized(request["description"])),
                found=one_line(found),
                why=one_line(f"Policy rule {request['rule']} requires a person's approval"),
                sentiment=sentiment)
            await self._approvals.attach(request["id"], case.id)
            await self._runs.start(request)
            shown = await self._escalations.get(case.id)
            self.notifier.tell("case_opened" if created else "case_changed", shown,
                               *(() if created else ("approval_requested",)))

    async def recover(self) -> None:
        """After a restart: announce requests and drafts parked before it, finish those
        decided before it."""
        await self.shadow.recover()
        for request in await self._approvals.undelivered():
            if request["status"] == "pending":
                contact = await last_contact(self._db, request["thread_id"])
                await self.announce_approvals(request["thread_id"],
                                              contact[0] if contact else None, "")
            else:
                await self._runs.finish(request)

    # Deciding

    async def decide(self, approval_id: int, actor: str, *, approve: bool,
                     digest: str | None = None, reason: str | None = None) -> DecisionResult:
        """Approve or deny the exact action an approval request shows.

        Only allowed actors decide; a decision on an action other than the one shown, or on a
        request already decided or expired, changes nothing. Above the two-approver amount the
        first approval waits for a second, different approver.
        """
        await self.approvers.accounts.refresh()
        if not self.may_decide(actor):
            return DecisionResult("not_allowed", NOT_ALLOWED)
        async with self._line.locks.hold(approval_thread(approval_id)):
            request = await self._approvals.get(approval_id)
            if request is None:
                return DecisionResult("unknown", UNKNOWN)
            case = await self._escalations.for_approval(approval_id)
            refusal = refusal_of(request, actor, digest, approve)
            if refusal is not None:
                return DecisionResult(*refusal, case=case)
            if isoformat(utcnow()) >= (request["expires_at"] or "9"):
                status = await self._record(request, "expired", actor, None)
                await self._runs.finish({**request, "status": "expired"})
                await self._after_decision(case, "expired")
                return DecisionResult(status, EXPIRED_NOW, case)
            if approve and len(request["approved_by"]) + 1 < request["approvers_needed"]:
                await self._record(request, "approval_given", actor, reason)
                case = await self._escalations.for_approval(approval_id)
                self.notifier.tell("case_changed", case, "first_approval")
                return DecisionResult("awaiting_second", SECOND_NEEDED, case)
            status = await self._record(request, "approved" if approve else "denied", actor,
                                        reason)
            outcome = await self._runs.finish(await self._approvals.get(approval_id) or request)
        case = await self._after_decision(case, status)
        return DecisionResult(status, DECIDED.format(status=status, outcome=outcome), case)

    async def _record(self, request: dict[str, Any], outcome: str, actor: str,
                      reason: str | None) -> str:
        if outcome == "approval_given":
            await self._approvals.give_approval(request["id"], [*request["approved_by"], actor])
        elif outcome == "approved":
            await self._approvals.approve(request["id"], [*request["approved_by"], actor])
        else:
            await self._approvals.close_unapproved(request["id"], outcome, actor, reason)
        await self._audit.record(
            actor=actor, customer_id=request["customer_id"], action=request["action"],
            args=request["args"], rule=request["rule"], outcome=outcome,
            detail={"approval_id": request["id"], "reason": reason,
                    "idempotency_key": request["idempotency_key"]})
        return outcome

    async def _after_decision(self, case: Escalation | None, event: str) -> Escalation | None:
        if case is None:
            return None
        if case.mode == "bot":
            await self._escalations.close(case.id)
        case = await self._escalations.get(case.id)
        self.notifier.tell("case_changed", case, event)
        return case

    # Taking over

    async def take_over(self, case_id: int, actor: str) -> Escalation | None:
        """Put a person in charge of the conversation; the bot stops answering the customer."""
        case = await self._escalations.get(case_id)
        if case is None or case.status != "open":
            return None
        if await self._escalations.set_mode(case_id, "human", actor):
            await self._audit_case(case, actor, "take_over", "taken_over")
            async with self._line.locks.hold(case.thread_id):
                await self._line.notes.send([case.thread_id], JOINED, kind="notice", role="bot")
                await remember_person_message(self._line.graph, case.thread_id, JOINED)
            case = await self._escalations.get(case_id)
            self.notifier.tell("case_changed", case, "taken_over")
        return case

    async def reply(self, case_id: int, actor: str, text: str) -> bool:
        """Send a person's message to the customer, on the channel they last wrote on.

        Only the person who took the case over speaks to the customer. Anyone else's message,
        or one on a case the bot answers or that is closed, is refused (False) and goes nowhere:
        the caller may keep it as an internal note (`add_internal_note`).
        """
        text = text.strip()
        case = await self._escalations.get(case_id)
        if not text or case is None or not _speaks_for(case, actor):
            return False
        async with self._line.locks.hold(case.thread_id):
            case = await self._escalations.get(case_id)  # as it stands once the thread is held
            if case is None or not _speaks_for(case, actor):
                return False
            await self._line.notes.send([case.thread_id], text, kind="human_reply",
                                        role=f"agent:{actor}")
            await remember_person_message(self._line.graph, case.thread_id, text)
            await self._audit_case(case, actor, "human_message", "sent", {"text": text})
        self.notifier.tell("case_note", case, "human", text, actor)
        return True

    async def add_internal_note(self, case_id: int, actor: str, text: str) -> Escalation | None:
        """Keep a person's words on an open case for the team only, never for the customer.

        The note goes to the audit trail with its actor and is shown where the case is shown,
        marked internal. None when the case is closed or unknown, or the text empty.
        """
        text = text.strip()
        case = await self._escalations.get(case_id)
        if not text or case is None or case.status != "open":
            return None
        await self._audit_case(case, actor, "internal_note", "done",
                               {"text": text, "taken_by": case.taken_by})
        self.notifier.tell("case_note", case, "internal", text, actor)
        return case

    async def hand_back(self, case_id: int, actor: str) -> Escalation | None:
        """Give the conversation back to the bot, which remembers everything said meanwhile.

        The case closes, unless an approval in it still waits for a decision. None when the
        case is closed or nobody has taken it over.
        """
        case = await self._escalations.get(case_id)
        if case is None or case.status != "open":
            return None
        if not await self._escalations.set_mode(case_id, "bot", None):
            return None  # nobody holds it: nothing to hand back (the case stays as it is)
        if case.approval is None or case.approval.status != "pending":
            await self._escalations.close(case_id)
        await self._audit_case(case, actor, "hand_back", "handed_back")
        case = await self._escalations.get(case_id)
        self.notifier.tell("case_changed", case, "handed_back")
        return case

    async def _audit_case(self, case: Escalation, actor: str, action: str, outcome: str,
                          detail: dict[str, Any] | None = None) -> None:
        await self._audit.record(actor=actor, customer_id=case.customer_id, action=action,
                                 args={"case": case.id}, rule=None, outcome=outcome,
                                 detail=detail)


def _speaks_for(case: Escalation, actor: str) -> bool:
    """Whether `actor` is the one person who may write to the case's customer now."""
    return case.status == "open" and case.mode == "human" and case.taken_by == actor


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
