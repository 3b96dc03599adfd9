"""The agent graph on real stores, without a server: one place that builds its context.

`agent_rig(tmp_path)` opens the test's database, seeds the demo store, loads a policy, and
compiles the graph with the offline model and an in-memory checkpointer. `Rig.say` runs one turn
the way the runner does and returns what the bot said in it.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph

from bot.audit import AuditLog, AuditRecord
from bot.business.demo_store import DemoStore
from bot.business.knowledge import KnowledgeBase
from bot.cases.case import case_reasons
from bot.cases.case_book import CaseBook
from bot.cases.satisfaction import Satisfaction
from bot.config import DEFAULTS_DIR
from bot.desk.approvals import ApprovalQueue
from bot.desk.escalations import Escalations
from bot.desk.handover import Handover
from bot.desk.listeners import Notifier
from bot.identity.links import customer_thread, visitor_thread
from bot.identity.mailer import Mailer
from bot.identity.verification import Verifier
from bot.outreach.consent import Consent
from bot.runtime.customer_notes import CustomerLine, CustomerNotes
from bot.runtime.outbox import Courier
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.timers import Timers
from bot.storage.database import Database
from graph.autonomy import case_types
from graph.backend import Order
from graph.context import CaseContext
from graph.declarations.loading import load_actions
from graph.graph import build_graph
from graph.model import select_model
from graph.policy import Policy
from tests.clock import TestClock
from tests.databases import database_url
from tests.factories import write_shop

MAIL_LOGGER = "caseloop.mail"


class _CodeCatcher(logging.Handler):
    """Keeps the codes the mailer writes to the log when no SMTP server is set."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.codes: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("No SMTP configured") and record.args:
            masked, code = record.args  # type: ignore[misc]
            self.codes.append((str(masked), str(code)))


@dataclass
class Stores:
    """The stores behind the services the graph reaches beyond the business's systems."""

    escalations: Escalations
    notifier: Notifier
    consent: Consent
    cases: CaseBook


@dataclass
class Rig:
    """The graph, its runtime context and the stores behind it, for one test."""

    graph: CompiledStateGraph
    context: CaseContext
    database: Database
    store: DemoStore
    audit: AuditLog
    approvals: ApprovalQueue
    verifier: Verifier
    clock: TestClock
    """The verifier's clock (codes, wrong tries and lockouts); move it to let time pass."""
    people: Stores
    """The desk's side: escalations, consent and cases, and what people are told."""
    _catcher: _CodeCatcher = field(repr=False)

    async def say(self, thread: str, text: str, *, at: dict[str, Any] | None = None,
                  arrival: dict[str, Any] | None = None) -> list[str]:
        """Send one customer message into `thread`; returns the bot's replies of that turn.

        A `customer:<id>` thread is a verified customer's, as the runner starts it.

        Args:
            at: An earlier checkpoint (from `checkpoint`) to run the turn from again, as a
                turn replayed after a crash would.
        """
        human_id = f"in-{uuid.uuid4().hex}"
        turn: dict[str, Any] = {"messages": [HumanMessage(content=text, id=human_id)],
                                "escalation": None, "turn_facts": None, "handover": None,
                                "held_action": None, "arrival": arrival}
        if thread.startswith("customer:"):
            turn |= {"customer_id": thread.removeprefix("customer:"), "verified": True}
        config = _config(thread)
        config["configurable"] |= {"human_id": human_id, "sender": thread.split(":")[-1]}
        if at is not None:
            config["configurable"] |= at["configurable"]
        state = await self.graph.ainvoke(turn, config, context=self.context)
        await self.verifier.drain()
        messages = state["messages"]
        start = next(i for i, m in enumerate(messages) if m.id == human_id) + 1
        return [str(m.content) for m in messages[start:]
                if isinstance(m, AIMessage) and str(m.content).strip()]

    async def state(self, thread: str) -> dict[str, Any]:
        """The thread's state as the checkpointer holds it after the last turn."""
        return dict((await self.graph.aget_state(_config(thread))).values)

    async def checkpoint(self, thread: str) -> dict[str, Any]:
        """Where the thread stands now, to run a later turn from here again (`say(at=...)`)."""
        return dict((await self.graph.aget_state(_config(thread))).config)

    @property
    def codes(self) -> list[str]:
        """The codes mailed so far, oldest first (written to the log: no SMTP server is set)."""
        return [code for _, code in self._catcher.codes]

    async def verify(self, thread: str, email: str) -> list[str]:
        """Give the e-mail, then the code it received; returns the replies to the code."""
        sent = len(self.codes)
        await self.say(thread, f"my email is {email}")
        assert len(self.codes) == sent + 1, f"no code was mailed to {email}"
        return await self.say(thread, self.codes[-1])

    async def order(self, order_id: str) -> Order:
        """The order as the demo store holds it now."""
        order = await self.store.get_order(order_id)
        assert order is not None, order_id
        return order

    async def audited(self, customer_id: str | None = None) -> list[AuditRecord]:
        """The audit log, oldest first (optionally one customer's)."""
        return await self.audit.records(customer_id)

    async def parked(self) -> list[dict[str, Any]]:
        """The rows of the approvals table, oldest first, with their arguments decoded."""
        rows = await self.database.fetchall("SELECT * FROM approvals ORDER BY id")
        return [{**dict(row), "args": json.loads(row["args"])} for row in rows]

    async def close(self) -> None:
        await self.verifier.drain()
        logging.getLogger(MAIL_LOGGER).removeHandler(self._catcher)
        await self.database.close()


async def agent_rig(tmp_path: Path, *, shop: dict | None = None,
                    policy: Path | None = None) -> Rig:
    """Build the graph and its context on a fresh database in `tmp_path`.

    Args:
        shop: Demo data (`customers`, `orders`); `tests.factories.shop()` when None.
        policy: A policy file; the bundled `policy.toml` when None.
    """
    database = await Database.open(database_url(tmp_path))
    store = DemoStore(database)
    await store.seed(write_shop(tmp_path, shop))
    catcher = _CodeCatcher()
    logging.getLogger(MAIL_LOGGER).addHandler(catcher)
    clock = TestClock()
    verifier = Verifier(database, store, Mailer(None, "support@caseloop.local"), clock=clock)
    audit, approvals = AuditLog(database), ApprovalQueue(database)
    knowledge = KnowledgeBase(DEFAULTS_DIR / "knowledge")
    actions = load_actions(DEFAULTS_DIR / "actions.toml")
    graph = build_graph(select_model("offline"), actions, InMemorySaver())
    kinds = case_types(actions)
    cases, timers = CaseBook(database, case_reasons(kinds), clock), Timers(database, clock)
    line = CustomerLine(CustomerNotes(database, Courier(database, {})), ThreadLocks(), graph)
    stores = Stores(Escalations(database, store, approvals), Notifier(), Consent(database), cases)
    context = CaseContext(
        backend=store,
        policy=Policy.load(policy or DEFAULTS_DIR / "policy.toml", actions.dimensions, kinds),
        verification=verifier, audit=audit, approvals=approvals, knowledge=knowledge,
        actions=actions,
        cases=Satisfaction(cases, timers, line, ask_after=timedelta(minutes=5)),
        people=Handover(stores.escalations, audit, stores.notifier, store, knowledge),
        consent=stores.consent,
    )
    return Rig(graph, context, database, store, audit, approvals, verifier, clock, stores,
               catcher)


def customer(customer_id: str) -> str:
    """The thread of a verified customer, as the runner names it."""
    return customer_thread(customer_id)


def visitor(address: str) -> str:
    """The thread of someone on web chat who has not proved who they are."""
    return visitor_thread("webchat", address)


def _config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread, "channel": "webchat"}}
