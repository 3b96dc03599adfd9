"""The desk's side of shadow mode: drafts shown to people in a case, and released, edited or
rejected by them, checked and audited.

Anyone on the desk may release a plain reply; only an approver (`Approvers`) may release a
draft that carries an action. Each release, edit and rejection is in the audit log with its
actor (`draft_sent`, `draft_edited`, `draft_rejected`); a double click or a second person
changes nothing, and a release cut short by a restart is delivered once at the next start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.audit import AuditLog
from bot.desk.drafts import LABELS, Draft, DraftQueue
from bot.desk.escalations import Escalation, Escalations
from bot.desk.handover import one_line
from bot.desk.listeners import Notifier
from bot.desk.operators import Approvers

if TYPE_CHECKING:  # carrying out actions means the graph: loaded after the server listens
    from bot.desk.draft_releases import DraftReleases

NOT_APPROVER = ("This draft carries an action; only people who may approve actions can send "
                "it. You can still reject it.")
UNKNOWN = "There is no such draft."
ALREADY = "This draft was already {status} (by {who}); nothing changed."
EMPTY = "The text to send is empty; nothing was sent."
SAME_APPROVER = "You already sent this one; it needs a second, different approver."
SECOND_NEEDED = ("Noted. This amount needs a second approver to send it before anything "
                 "happens.")
BAD_LABEL = "Pick one of the labels: " + ", ".join(LABELS) + "."
RELEASED = "Draft {status}; outcome: {outcome}."
REJECTED = "Draft rejected ({label}). You now hold the conversation: answer the customer here."
MAX_TEXT = 4000
"""The longest text a person may send in place of a draft."""

TakeOver = Callable[[int, str], Awaitable[Escalation | None]]


@dataclass(frozen=True)
class DraftResult:
    """What came of a click on Send, Edit or Reject."""

    status: str
    """`sent`, `edited`, `rejected`, `awaiting_second` (one of two approvers sent it),
    `not_allowed`, `same_approver`, `already_decided`, `invalid` or `unknown`."""
    message: str
    """One sentence for the person who clicked."""
    case: Escalation | None = None

    @property
    def changed(self) -> bool:
        """True when the click changed anything."""
        return self.status in ("sent", "edited", "rejected", "awaiting_second")


class ShadowDesk:
    """Shows drafts to people and carries out their decisions.

    Args:
        take_over: Puts the rejecting person in charge of the conversation (`Desk.take_over`).
    """

    def __init__(self, drafts: DraftQueue, escalations: Escalations, audit: AuditLog,
                 releases: DraftReleases, notifier: Notifier, approvers: Approvers,
                 take_over: TakeOver) -> None:
        self.drafts = drafts
        self._escalations = escalations
        self._audit = audit
        self._releases = releases
        self._notifier = notifier
        self._approvers = approvers
        self._take_over = take_over

    async def announce(self, thread_id: str, channel: str | None) -> None:
        """Show a thread's new drafts to people, in the thread's case."""
        for draft in await self.drafts.unannounced(thread_id):
            case, created = await self._escalations.open(
                thread_id=thread_id, customer_id=draft.customer_id, channel=channel,
                reason="shadow", wants=one_line(draft.customer_text or "(no text)"),
                found=one_line(f"Drafted a reply{' and ' + draft.action if draft.action else ''}"
                               " for a person to release"),
                why=one_line(f"{draft.case_type.replace('_', ' ').capitalize()} runs in shadow "
                             "mode: nothing reaches the customer until a person releases it"),
                sentiment="calm")
            await self.drafts.attach(draft.id, case.id)
            shown = await self._escalations.get(case.id)
            self._notifier.tell("case_opened" if created else "case_changed", shown,
                                *(() if created else ("draft_ready",)))

    async def send(self, draft_id: int, actor: str, text: str | None = None) -> DraftResult:
        """Release a draft: as it is (Send), or with a person's own text (Edit)."""
        found = await self._pending(draft_id, actor)
        if isinstance(found, DraftResult):
            return found
        draft = found
        edited = text is not None and text.strip() != draft.reply.strip()
        if text is not None and not text.strip():
            return DraftResult("invalid", EMPTY, await self._case(draft))
        sent_text = text.strip()[:MAX_TEXT] if edited and text else None
        if draft.action:
            refusal = await self._approval_step(draft, actor, sent_text)
            if refusal is not None:
                return refusal
        edited = edited or draft.sent_text is not None
        status = "edited" if edited else "sent"
        by = ", ".join([*draft.approved_by, actor])
        if not await self.drafts.decide(draft.id, status, by, text=sent_text):
            return await self._already(draft.id)
        await self._record(draft, actor, f"draft_{status}", status,
                           {"text": sent_text or draft.sent_text or draft.reply,
                            **({"draft": draft.reply} if edited else {})})
        released = await self.drafts.get(draft.id)
        assert released is not None
        outcome = await self._releases.deliver(released)
        case = await self._after(released, status)
        return DraftResult(status, RELEASED.format(status=status, outcome=outcome), case)

    async def _approval_step(self, draft: Draft, actor: str,
                             text: str | None) -> DraftResult | None:
        """An action draft is sent by approvers only, two different ones above the
        two-approver amount: None when this click releases it."""
        await self._approvers.accounts.refresh()
        case = await self._case(draft)
        if not self._approvers.allows(actor):
            return DraftResult("not_allowed", NOT_APPROVER, case)
        if actor in draft.approved_by:
            return DraftResult("same_approver", SAME_APPROVER, case)
        if len(draft.approved_by) + 1 >= draft.approvers_needed:
            return None
        if not await self.drafts.give_approval(draft.id, [*draft.approved_by, actor], text):
            return await self._already(draft.id)
        await self._record(draft, actor, "draft_sent", "approval_given",
                           {"text": text or draft.reply})
        case = await self._case(draft)
        self._notifier.tell("case_changed", case, "draft_first_approval")
        return DraftResult("awaiting_second", SECOND_NEEDED, case)

    async def reject(self, draft_id: int, actor: str, label: str,
                     note: str = "") -> DraftResult:
        """Turn a draft down with a label (and a note): nothing is sent or done, and the
        person who rejected it takes the conversation over to answer themselves."""
        if label not in LABELS:
            return DraftResult("invalid", BAD_LABEL)
        found = await self._pending(draft_id, actor)
        if isinstance(found, DraftResult):
            return found
        note = note.strip()[:MAX_TEXT]
        if not await self.drafts.decide(found.id, "rejected", actor, label=label, note=note):
            return await self._already(found.id)
        await self._record(found, actor, "draft_rejected", "rejected",
                           {"label": label, "note": note})
        await self._releases.rejected(found)
        case = await self._after(found, "rejected")
        if case is not None and case.status == "open":
            case = await self._take_over(case.id, actor) or case
        return DraftResult("rejected", REJECTED.format(label=label), case)

    async def recover(self) -> None:
        """After a restart: deliver releases cut short, and show drafts never shown."""
        for draft in await self.drafts.undelivered():
            if draft.status == "pending":
                await self.announce(draft.thread_id, draft.channel)
            else:
                await self._releases.deliver(draft)

    async def _pending(self, draft_id: int, actor: str) -> Draft | DraftResult:
        draft = await self.drafts.get(draft_id)
        if draft is None or not actor:
            return DraftResult("unknown", UNKNOWN)
        if draft.status != "pending":
            return await self._already(draft_id)
        return draft

    async def _already(self, draft_id: int) -> DraftResult:
        draft = await self.drafts.get(draft_id)
        assert draft is not None
        return DraftResult("already_decided", ALREADY.format(
            status=draft.status, who=draft.decided_by or "someone"), await self._case(draft))

    async def _case(self, draft: Draft) -> Escalation | None:
        return (await self._escalations.get(draft.escalation_id)
                if draft.escalation_id is not None else None)

    async def _record(self, draft: Draft, actor: str, action: str, outcome: str,
                      detail: dict[str, Any]) -> None:
        await self._audit.record(
            actor=actor, customer_id=draft.customer_id, action=action,
            args={"draft": draft.id, "case_type": draft.case_type,
                  **({"action": draft.action, "action_args": draft.args} if draft.action
                     else {})},
            rule=draft.rule, outcome=outcome, detail=detail)

    async def _after(self, draft: Draft, event: str) -> Escalation | None:
        """The case once a draft in it was decided: closed when nothing else waits in it and
        no person holds it."""
        case = await self._case(draft)
        if case is None:
            return None
        waiting = [d for d in await self.drafts.in_case(case.id) if d.status == "pending"]
        pending_approval = case.approval is not None and case.approval.status == "pending"
        if case.mode == "bot" and not waiting and not pending_approval and event != "rejected":
            await self._escalations.close(case.id)
        case = await self._escalations.get(case.id)
        self._notifier.tell("case_changed", case, f"draft_{event}")
        return case
