"""What came of a person's approve or deny click, the sentences they are shown, and the rule
that refuses a click on a request that changed, was decided, or was approved by them already."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.desk.escalations import Escalation

NOT_ALLOWED = "You're not on the list of people who can approve or deny requests."
UNKNOWN = "There is no such approval request."
MISMATCH = "This request changed since it was shown to you; nothing was done. Look again."
ALREADY = "This request was already {status} (by {who}); nothing changed."
SAME_APPROVER = "You already approved this one; it needs a second, different approver."
SECOND_NEEDED = "Approval noted. This amount needs a second approver before anything happens."
EXPIRED_NOW = "This request expired before it was decided; nothing was done."
DECIDED = "Request {status}; outcome: {outcome}."


@dataclass(frozen=True)
class DecisionResult:
    """What came of an approve or deny click."""

    status: str
    """`approved`, `denied`, `awaiting_second` (one of two approvals given), `not_allowed`,
    `same_approver`, `already_decided`, `expired`, `mismatch` (the action changed since it was
    shown) or `unknown`."""
    message: str
    """One sentence for the person who clicked."""
    case: Escalation | None = None

    @property
    def changed(self) -> bool:
        """True when the click changed anything."""
        return self.status in ("approved", "denied", "awaiting_second")


def refusal_of(request: dict[str, Any], actor: str, digest: str | None,
               approve: bool) -> tuple[str, str] | None:
    """Why a click on an approval request changes nothing, as `(status, message)`; None when it
    may go ahead: the action shown (`digest`) is still the request's, it is still pending, and
    an approver does not approve twice."""
    if digest is not None and digest != request["digest"]:
        return "mismatch", MISMATCH
    if request["status"] != "pending":
        who = request["decided_by"] or "someone"
        return "already_decided", ALREADY.format(status=request["status"], who=who)
    if approve and actor in request["approved_by"]:
        return "same_approver", SAME_APPROVER
    return None
