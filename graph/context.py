"""What the graph's nodes and tools may call: the business's systems and Caseloop's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from graph.backend import Backend
from graph.policy import Policy


class Verification(Protocol):
    """Issues and checks one-time codes (see `bot.identity.verification.Verifier`)."""

    async def start(self, thread_id: str, email: str) -> Any:
        """Issue a code for `email`; the result has `outcome` (`issued`, `locked`, `limited`)
        and `until` (when a locked or limited visitor may ask again)."""
        ...

    async def check(self, thread_id: str, code: str) -> Any: ...

    async def resend(self, thread_id: str) -> Any:
        """Issue a fresh code to the address given last; like `start`, or `not_started`."""
        ...


class Audit(Protocol):
    """The append-only audit log (see `bot.audit.AuditLog`)."""

    async def record(self, **fields: Any) -> None: ...


class Approvals(Protocol):
    """Where actions wait for a human decision (see `bot.desk.approvals.ApprovalQueue`)."""

    async def park(self, **fields: Any) -> int: ...


class Knowledge(Protocol):
    """Searches help articles (see `bot.business.knowledge.KnowledgeBase`)."""

    def search(self, query: str, limit: int = 2) -> list[Any]: ...


class Cases(Protocol):
    """Closes cases (see `bot.cases.satisfaction.Satisfaction.close`: it also asks the closing
    question)."""

    async def close(self, case_id: int, *, resolution: str | None = None) -> Any: ...


@dataclass
class CaseContext:
    """Passed to every run of the graph as its runtime context."""

    backend: Backend
    policy: Policy
    verification: Verification
    audit: Audit
    approvals: Approvals
    knowledge: Knowledge
    cases: Cases | None = None
    """Closes the case an offer was about when the customer keeps things as they are."""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
