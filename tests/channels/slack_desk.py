"""Cases as the desk shows them, and a small in-memory desk for testing the Slack side alone.

`StandInDesk` keeps the desk's contract (who may decide, the digest, one decision per request,
only the person who took a case over replies, notes on open cases, one decision per draft and
an action's draft sent only by an approver) in a few lines, so the
connector's translation can be tested without a database or a graph; the end-to-end tests run
the real desk.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from bot.desk.approvals import action_digest
from bot.desk.decisions import DecisionResult
from bot.desk.drafts import LABELS, Draft
from bot.desk.escalations import ApprovalView, Escalation
from bot.desk.shadow import DraftResult

APPROVERS = ("U0ALICE", "U0BOB")


def approval_view(approval_id: int = 3, *, action: str = "refund",
                  args: dict[str, Any] | None = None, **changes: Any) -> ApprovalView:
    args = args if args is not None else {"order_id": "Q5560", "amount": "120.00"}
    view = ApprovalView(
        id=approval_id, action=action, args=args, rule="refund-over-50-needs-approval",
        description="refund 120.00 EUR on order Q5560", digest=action_digest(action, args),
        status="pending", approvers_needed=1, approved_by=(), decided_by=None, decided_at=None,
        reason=None, result=None, expires_at="2026-11-28T10:00:00.000Z",
        created_at="2026-11-25T10:00:00.000Z")
    return dataclasses.replace(view, **changes)


def case_view(case_id: int = 7, *, approval: ApprovalView | None = None,
              **changes: Any) -> Escalation:
    view = Escalation(
        id=case_id, thread_id="customer:K-77", customer_id="K-77", customer_name="Noor Haddad",
        customer_tier="standard", channel="webchat", reason="approval",
        wants="A refund of 120.00 EUR for the armchair on order Q5560.",
        found="Order Q5560 was delivered 2 days ago; nothing refunded yet.",
        why="Refunds over 50.00 need a person's approval.", sentiment="calm", mode="bot",
        taken_by=None, status="open", approval=approval, slack_channel=None, slack_ts=None,
        created_at="2026-11-25T10:00:00.000Z")
    return dataclasses.replace(view, **changes)


def draft_view(draft_id: int = 11, *, action: str | None = "refund",
               **changes: Any) -> Draft:
    """A pending draft: a refund with its rule, or (`action=None`) a plain reply."""
    view = Draft(
        id=draft_id, thread_id="customer:K-77", customer_id="K-77", channel="webchat",
        case_type="refund" if action else "order_status",
        customer_text="The desk lamp from order Q5521 arrived cracked, I'd like a refund",
        reply=("I've refunded 38.40 EUR on order Q5521." if action
               else "Your order Q5544 shipped with DPD on Monday."),
        action=action, args={"order_id": "Q5521", "amount": "38.40"} if action else {},
        rule="refund-up-to-50-auto" if action else None, idempotency_key=None,
        description="refund 38.40 EUR on order Q5521" if action else None, done=None,
        language="en", status="pending", sent_text=None, label=None, note=None,
        decided_by=None, decided_at=None, outcome=None, result=None, escalation_id=7,
        created_at="2026-11-25T10:00:00.000Z")
    return dataclasses.replace(view, **changes)


def shadow_case(case_id: int = 7, *drafts: Draft, **changes: Any) -> Escalation:
    """A case in shadow mode showing `drafts`."""
    return case_view(case_id, reason="shadow", drafts=drafts or (draft_view(),),
                     wants="The desk lamp from order Q5521 arrived cracked",
                     found="Drafted a reply and refund for a person to release",
                     why="Refund runs in shadow mode", **changes)


class StandInShadow:
    """The desk's drafts: Send, Edit and Reject, each decided once."""

    def __init__(self, desk: StandInDesk) -> None:
        self._desk = desk

    async def send(self, draft_id: int, actor: str, text: str | None = None) -> DraftResult:
        self._desk.calls.append(("send", draft_id, actor, text))
        case, draft = self._find(draft_id)
        if draft is None or draft.status != "pending":
            return self._not_pending(draft)
        if text is not None and not text.strip():
            return DraftResult("invalid", "The text to send is empty; nothing was sent.")
        if draft.action and not self._desk.may_decide(actor):
            return DraftResult("not_allowed", "Only approvers can send this draft.")
        status = "edited" if text is not None and text != draft.reply else "sent"
        told = text if status == "edited" else draft.reply
        return self._decide(case, draft, status, decided_by=actor, sent_text=text,
                            result=told, outcome="done" if draft.action else "sent")

    async def reject(self, draft_id: int, actor: str, label: str,
                     note: str = "") -> DraftResult:
        self._desk.calls.append(("reject", draft_id, actor, label, note))
        if label not in LABELS:
            return DraftResult("invalid", "Pick one of the labels.")
        case, draft = self._find(draft_id)
        if draft is None or draft.status != "pending":
            return self._not_pending(draft)
        result = self._decide(case, draft, "rejected", decided_by=actor, label=label,
                              note=note)
        taken = dataclasses.replace(self._desk.cases[case.id], mode="human", taken_by=actor)
        self._desk.cases[case.id] = taken
        return dataclasses.replace(result, case=taken)

    def _find(self, draft_id: int) -> tuple[Escalation, Draft | None]:
        for case in self._desk.cases.values():
            for draft in case.drafts:
                if draft.id == draft_id:
                    return case, draft
        return case_view(0), None

    def _decide(self, case: Escalation, draft: Draft, status: str,
                **changes: Any) -> DraftResult:
        decided = dataclasses.replace(draft, status=status,
                                      decided_at="2026-11-25T10:05:00.000Z", **changes)
        drafts = tuple(decided if d.id == draft.id else d for d in case.drafts)
        self._desk.cases[case.id] = dataclasses.replace(case, drafts=drafts)
        return DraftResult(status, f"Draft {status}.", self._desk.cases[case.id])

    @staticmethod
    def _not_pending(draft: Draft | None) -> DraftResult:
        if draft is None:
            return DraftResult("unknown", "There is no such draft.")
        return DraftResult("already_decided", f"This draft was already {draft.status} "
                           f"(by {draft.decided_by}); nothing changed.")


class StandInDesk:
    """Just enough desk for the connector: cases in a dict, every call recorded."""

    def __init__(self, *cases: Escalation, delay: float = 0.0) -> None:
        self.cases = {case.id: case for case in cases}
        self.calls: list[tuple[Any, ...]] = []
        self.replies: list[tuple[int, str, str]] = []
        self.notes: list[tuple[int, str, str]] = []
        self.events: set[str] = set()
        self.delay = delay
        """Seconds each decision takes (a slow database, a slow backend)."""
        self.shadow = StandInShadow(self)

    def may_decide(self, actor: str) -> bool:
        return actor.removeprefix("slack:") in APPROVERS

    async def decide(self, approval_id: int, actor: str, *, approve: bool,
                     digest: str | None = None, reason: str | None = None) -> DecisionResult:
        self.calls.append(("decide", approval_id, actor, approve, digest, reason))
        await asyncio.sleep(self.delay)
        case = next((c for c in self.cases.values()
                     if c.approval is not None and c.approval.id == approval_id), None)
        if case is None or case.approval is None:
            return DecisionResult("unknown", "There is no such request.")
        if not self.may_decide(actor):
            return DecisionResult("not_allowed", "You are not allowed to decide this request.")
        if case.approval.status != "pending":
            return DecisionResult("already_decided", f"This request was already "
                                  f"{case.approval.status} (by {case.approval.decided_by}).")
        if digest != case.approval.digest:
            return DecisionResult("mismatch", "The action changed since it was shown.")
        status = "approved" if approve else "denied"
        decided = dataclasses.replace(case.approval, status=status, decided_by=actor,
                                      decided_at="2026-11-25T10:05:00.000Z", reason=reason)
        self.cases[case.id] = dataclasses.replace(case, approval=decided)
        return DecisionResult(status, f"Request {status}.", self.cases[case.id])

    async def take_over(self, case_id: int, actor: str) -> Escalation | None:
        self.calls.append(("take_over", case_id, actor))
        case = self.cases.get(case_id)
        if case is None or case.status != "open":
            return None
        if case.mode != "human":  # someone else's takeover stands
            self.cases[case_id] = dataclasses.replace(case, mode="human", taken_by=actor)
        return self.cases[case_id]

    async def reply(self, case_id: int, actor: str, text: str) -> bool:
        self.calls.append(("reply", case_id, actor, text))
        case = self.cases.get(case_id)
        if case is None or case.status != "open" or case.mode != "human" or (
                case.taken_by != actor):
            return False
        self.replies.append((case_id, actor, text))
        return True

    async def add_internal_note(self, case_id: int, actor: str, text: str) -> Escalation | None:
        self.calls.append(("add_internal_note", case_id, actor, text))
        case = self.cases.get(case_id)
        if case is None or case.status != "open":
            return None
        self.notes.append((case_id, actor, text))
        return case

    async def hand_back(self, case_id: int, actor: str) -> Escalation | None:
        self.calls.append(("hand_back", case_id, actor))
        case = self.cases.get(case_id)
        if case is None or case.status != "open" or case.mode != "human":
            return None
        self.cases[case_id] = dataclasses.replace(case, mode="bot", taken_by=None,
                                                  status="closed")
        return self.cases[case_id]

    async def attach_slack_thread(self, case_id: int, channel: str, ts: str) -> None:
        self.calls.append(("attach_slack_thread", case_id, channel, ts))
        self.cases[case_id] = dataclasses.replace(self.cases[case_id], slack_channel=channel,
                                                  slack_ts=ts)

    async def case_for_slack_thread(self, channel: str, ts: str) -> Escalation | None:
        return next((c for c in self.cases.values()
                     if c.slack_channel == channel and c.slack_ts == ts), None)

    async def case(self, case_id: int) -> Escalation | None:
        return self.cases.get(case_id)

    async def remember_slack_event(self, event_id: str) -> bool:
        if event_id in self.events:
            return False
        self.events.add(event_id)
        return True

    def operations(self) -> list[str]:
        """The names of the operations called so far, in order."""
        return [call[0] for call in self.calls]
