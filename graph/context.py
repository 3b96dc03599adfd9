"""What the graph's nodes and tools may call: the business's systems and Caseloop's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from graph.backend import Backend
from graph.declarations.model import Actions
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

    async def start_for_customer(self, thread_id: str, customer_id: str) -> Any:
        """Issue a code for a known customer (a caller recognized by caller ID), sent to their
        own phone by text message, or else to their e-mail; like `start`, and `via` says
        which (`sms` or `email`)."""
        ...


class Audit(Protocol):
    """The append-only audit log (see `bot.audit.AuditLog`)."""

    async def record(self, **fields: Any) -> None: ...


class Approvals(Protocol):
    """Where actions wait for a human decision (see `bot.desk.approvals.ApprovalQueue`)."""

    async def park(self, **fields: Any) -> int: ...

    async def pending_for(self, customer_id: str) -> list[dict[str, Any]]:
        """The customer's requests still waiting for a decision, oldest first (`action`,
        `args`, `idempotency_key`)."""
        ...


class Knowledge(Protocol):
    """Searches help articles (see `bot.business.knowledge.KnowledgeBase`)."""

    def search(self, query: str, limit: int = 2, language: str | None = None) -> list[Any]:
        """The best matching articles, in `language` when the business wrote some in it."""
        ...


class Cases(Protocol):
    """Closes cases and keeps their ratings (see `bot.cases.satisfaction.Satisfaction`: closing
    also asks the satisfaction question)."""

    async def close(self, case_id: int, resolution: str) -> Any: ...

    async def rate(self, case_id: int, score: int) -> None:
        """Keep the customer's 1-5 answer to the satisfaction question about a case."""
        ...


class People(Protocol):
    """The people's desk, as the conversation sees it (see `bot.desk.handover.Handover`)."""

    async def holder(self, thread_id: str) -> Any | None:
        """The thread's open escalation (`mode` is `human` while a person holds it), if any."""
        ...

    async def escalate(self, *, thread_id: str, customer_id: str | None, channel: str | None,
                       reason: str, wants: str, found: str, why: str, sentiment: str) -> Any:
        """Open an escalation for people to see (or return the thread's open one)."""
        ...

    async def hear(self, escalation: Any, text: str) -> None:
        """Pass a customer's message to the person who holds the conversation."""
        ...


class Consent(Protocol):
    """Who agreed to be messaged first (see `bot.outreach.consent.Consent`)."""

    async def choose(self, channel: str, address: str, customer_id: str | None,
                     opted_out: bool) -> None:
        """Record a STOP (or START) for the address and, when known, its customer."""
        ...


class Autonomy(Protocol):
    """Each case type's autonomy now (see `bot.autonomy.levels.AutonomyLevels`)."""

    async def level(self, case_type: str) -> str:
        """`shadow` or `autonomous`."""
        ...

    async def any_in_shadow(self) -> bool:
        """True while any case type runs in shadow mode."""
        ...


class Drafts(Protocol):
    """Where a turn in shadow mode leaves its work for a person (see
    `bot.desk.drafts.DraftQueue`)."""

    async def waiting(self, thread_id: str) -> int:
        """How many of the thread's drafts wait for a person."""
        ...

    async def park(self, **fields: Any) -> int:
        """Keep a draft (once per `draft_key`); returns its id."""
        ...


@dataclass(frozen=True)
class CaseContext:
    """Passed to every run of the graph as its runtime context.

    The services after `actions` are optional so the graph also runs on its own (in a test
    or an evaluation); a deployment passes all of them.
    """

    backend: Backend
    policy: Policy
    verification: Verification
    audit: Audit
    approvals: Approvals
    knowledge: Knowledge
    actions: Actions
    """The actions the business declared (`graph/declarations/`)."""
    cases: Cases | None = None
    """Closes cases (an offer kept as it is) and keeps satisfaction ratings."""
    people: People | None = None
    """Opens escalations and hears customers while a person holds their conversation."""
    consent: Consent | None = None
    """Records STOP and START."""
    autonomy: Autonomy | None = None
    """Which case types run in shadow mode; without it every case type is autonomous."""
    drafts: Drafts | None = None
    """Keeps what a turn in shadow mode drafted, for a person to release."""
    holding_message: str | None = None
    """What the customer hears while their drafts wait (else a built-in text, translated)."""
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
