"""What came of a person's approve or deny click, and the sentences they are shown."""

from __future__ import annotations

from dataclasses import dataclass

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
