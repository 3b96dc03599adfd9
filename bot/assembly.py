"""Putting Caseloop together from its settings: stores, graph, workers and channels."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from bot.audit import AuditLog
from bot.autonomy.guardrails import LineStop
from bot.autonomy.levels import AutonomyLevels
from bot.business.knowledge import KnowledgeBase
from bot.business.opening import close_backend, open_backend
from bot.cases.case import case_reasons
from bot.cases.case_book import CaseBook
from bot.cases.follow_ups import FollowUps, FollowUpStores, FollowUpTimes
from bot.cases.lifecycle import CaseLifecycle
from bot.cases.satisfaction import Satisfaction
from bot.channel_setup import code_texter, configured_channels, connect_slack, outreach_calls
from bot.config import Settings
from bot.desk.approval_runs import ApprovalRuns
from bot.desk.approvals import ApprovalQueue
from bot.desk.desk import Desk, DeskStores
from bot.desk.draft_releases import DraftReleases
from bot.desk.drafts import DraftQueue
from bot.desk.escalations import Escalations
from bot.desk.handover import Handover
from bot.desk.listeners import Notifier
from bot.desk.operators import Approvers, Operators
from bot.identity.links import Links
from bot.identity.mailer import Mailer
from bot.identity.verification import Verifier
from bot.outreach.consent import Consent
from bot.outreach.outreach import Outreach, OutreachRules
from bot.outreach.playbooks import Playbook, load_playbooks
from bot.outreach.quiet_hours import QuietHours
from bot.runtime.customer_notes import CustomerLine, CustomerNotes
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.inbox import Inbox
from bot.runtime.outbox import Courier
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.timers import Timers
from bot.runtime.turn_records import TurnRecords
from bot.runtime.turns import TurnRunner
from bot.storage.checkpoints import open_checkpointer
from bot.storage.database import Database, utcnow
from bot.web.rate_limits import TrafficLimits
from bot.web.webchat_sessions import WebchatSessions
from channels.base import BackgroundChannel, Channel, InboundMessage, LiveChannel, limit_text
from channels.webchat import WebchatChannel
from graph.agent import Agent
from graph.approval import build_approval_graph
from graph.autonomy import case_types
from graph.backend import Backend
from graph.context import CaseContext
from graph.declarations.loading import DeclarationError, check_operations, load_actions
from graph.graph import build_graph
from graph.model import select_model
from graph.policy import Policy

if TYPE_CHECKING:
    from bot.runtime.sharing import Sharing

log = logging.getLogger("caseloop")


@dataclass
class Caseloop:
    """The running application: everything a route or command needs."""

    settings: Settings
    database: Database
    checkpointer: BaseCheckpointSaver
    """LangGraph's checkpoints: SQLite beside the database, or PostgreSQL in it."""
    store: Backend
    """The business's systems: the demo store, or its own backend over HTTP."""
    inbox: Inbox
    audit: AuditLog
    approvals: ApprovalQueue
    courier: Courier
    dispatcher: Dispatcher
    verifier: Verifier
    webchat_sessions: WebchatSessions
    graph: CompiledStateGraph
    desk: Desk
    admin_token: str
    """Opens the operator console: `CASELOOP_ADMIN_TOKEN`, or one made up at start."""
    cases: CaseBook
    """Every customer problem from intake to closed (`bot/cases/case_book.py`)."""
    timers: Timers
    """Durable timers: follow-ups scheduled for later, run once (`bot/runtime/timers.py`)."""
    follow_ups: FollowUps
    """Schedules the checks that an outcome held (`order_moved_later` after an outreach)."""
    limits: TrafficLimits
    """Web chat sessions per client address and messages per sender (`bot/web/rate_limits.py`)."""
    autonomy: AutonomyLevels
    """Each case type's level: shadow or autonomous (`bot/autonomy/levels.py`)."""
    channels: dict[str, Channel] = field(default_factory=dict)
    slack: Any = None
    """The Slack connector, when Slack is configured."""
    outreach: Outreach | None = None
    """Business events to outreach, when `CASELOOP_EVENTS_SECRET` is set."""
    sharing: Sharing | None = None
    """On PostgreSQL: what lets several processes share the database."""

    @property
    def webchat(self) -> WebchatChannel:
        """The web chat channel (always present)."""
        channel = self.channels["webchat"]
        assert isinstance(channel, WebchatChannel)
        return channel

    async def receive(self, message: InboundMessage) -> bool:
        """Store an inbound message and schedule it; False when it was a redelivery.

        Every channel's text is held to `CASELOOP_MAX_MESSAGE_CHARS` here, in one place: a
        longer message is kept cut to that length (at a word boundary, marked with " …").
        """
        limit = self.settings.max_message_chars
        if len(message.text) > limit:
            log.info("A %s message of %d characters was cut to %d", message.channel,
                     len(message.text), limit)
            message = message.model_copy(update={"text": limit_text(message.text, limit)})
        item_id = await self.inbox.store(message)
        if item_id is None:
            return False
        self.dispatcher.submit(item_id, message.channel, message.sender)
        return True

    async def close(self, deadline: float | None = None) -> None:
        """Finish or release in-flight turns, then close the channels and the databases.

        Args:
            deadline: When (`time.monotonic()`) turns still running are released: their
                messages stay in the inbox for the next start. Default: `CASELOOP_SHUTDOWN_GRACE`
                seconds from now.
        """
        grace = (float(self.settings.shutdown_grace) if deadline is None
                 else max(0.0, deadline - time.monotonic()))
        log.info("Shutting down: turns in flight get up to %.1f s to finish", grace)
        await self.dispatcher.stop(timeout=grace)
        if self.outreach is not None:
            await self.outreach.stop()
        await self.timers.stop()
        await self.verifier.drain()
        await self.desk.notifier.close()
        if self.slack is not None:
            await self.slack.close()
        await self.courier.close()
        for channel in self.channels.values():
            if isinstance(channel, BackgroundChannel):
                await channel.close()
        await close_backend(self.store)
        if self.sharing is not None:
            await self.sharing.close()
        await self.checkpointer.conn.close()  # type: ignore[attr-defined]
        await self.database.close()


async def assemble(settings: Settings, extra_channels: list[Channel] | None = None,
                   clock: Callable[[], datetime] = utcnow,
                   mailer: Mailer | None = None) -> Caseloop:
    """Open the databases and the backend, build the graph and start the workers.

    Args:
        clock: The current time for cases, timers and outreach; tests pass one they move.
        mailer: What sends verification codes, when not the one the settings describe
            (`caseloop eval` reads the codes from its own).
    """
    actions = load_actions(settings.actions_file)
    kinds = case_types(actions)  # the bot's own and the declared actions', built once
    policy = Policy.load(settings.policy_file, actions.dimensions, kinds)
    reasons = case_reasons(kinds)
    playbooks = load_playbooks(settings.playbooks_file, reasons)
    knowledge = KnowledgeBase(settings.knowledge_dir)
    model = select_model(settings.model_name, settings.openai_api_key, settings.openai_base_url)
    database = await Database.open(settings.database_url)
    checkpointer = await _open_checkpointer(settings)
    store = await open_backend(settings, database)
    try:
        check_operations(actions, store.operations())
    except DeclarationError:
        await _release(store, checkpointer, database)
        raise
    inbox, audit = Inbox(database), AuditLog(database)
    approvals = ApprovalQueue(database, timedelta(hours=settings.approval_ttl_hours),
                              settings.two_approvers_above)
    channels: dict[str, Channel] = {"webchat": WebchatChannel()}
    for channel in [*configured_channels(settings, database, inbox), *(extra_channels or [])]:
        channels[channel.name] = channel
    verifier = Verifier(database, store, mailer or Mailer(settings.smtp_url, settings.smtp_sender),
                        codes_per_hour=settings.codes_per_hour, texter=code_texter(settings))
    notifier = Notifier()
    autonomy = AutonomyLevels(database, kinds, policy.autonomy, settings.autonomy, audit)
    guardrails = LineStop(database, autonomy, policy.autonomy, notifier, actions)
    cases = CaseBook(database, reasons, clock, watch=guardrails.case_moved)
    timers = Timers(database, clock)
    graph = build_graph(model, actions, checkpointer)
    if settings.uses_postgres:  # psycopg is imported only for a PostgreSQL database
        from bot.runtime.sharing import Sharing
    sharing = Sharing(database, settings.database_url) if settings.uses_postgres else None
    courier = sharing.courier(channels) if sharing else Courier(database, channels)
    locks = sharing.locks() if sharing else ThreadLocks()
    line = CustomerLine(CustomerNotes(database, courier), locks, graph)
    quiet = timedelta(minutes=settings.case_quiet_minutes)
    satisfaction = Satisfaction(cases, timers, line, ask_after=quiet)
    escalations = Escalations(database, store, approvals)
    handover = Handover(escalations, audit, notifier, store, knowledge)
    drafts = DraftQueue(database, settings.two_approvers_above)
    context = CaseContext(backend=store, policy=policy, verification=verifier, audit=audit,
                          approvals=approvals, knowledge=knowledge, actions=actions,
                          cases=satisfaction,
                          people=handover, consent=Consent(database), autonomy=autonomy,
                          drafts=drafts, holding_message=settings.holding_message)
    follow_ups = FollowUps(
        FollowUpStores(database, cases, timers, audit), store, handover, satisfaction,
        FollowUpTimes(refund_check_after=timedelta(hours=settings.refund_check_hours),
                      quiet_after=quiet))
    lifecycle = CaseLifecycle(cases, follow_ups, satisfaction, actions,
                              watch=guardrails.case_moved)
    runs = ApprovalRuns(approvals, line, build_approval_graph(checkpointer), context,
                        on_outcome=lifecycle.after_approval)
    desk = Desk(DeskStores(database, escalations, approvals, audit, drafts), line, runs,
                handover, notifier, Approvers(settings.slack_approver_ids, Operators(database)),
                DraftReleases(drafts, line, context, on_outcome=lifecycle.after_approval))
    desk.add_listener(lifecycle)  # a conversation handed back closes its escalated case
    runner = TurnRunner(TurnRecords(database, inbox, courier), Agent(graph, context),
                        Links(database), locks, desk, lifecycle,
                        live={n: c for n, c in channels.items() if isinstance(c, LiveChannel)})
    dispatcher = sharing.dispatcher(inbox, runner) if sharing else Dispatcher(inbox, runner)
    app = Caseloop(settings=settings, database=database, checkpointer=checkpointer, store=store,
                   inbox=inbox, audit=audit, approvals=approvals, courier=courier,
                   dispatcher=dispatcher, verifier=verifier,
                   webchat_sessions=WebchatSessions(database), graph=graph, desk=desk,
                   admin_token=settings.admin_token or secrets.token_urlsafe(24),
                   cases=cases, timers=timers, follow_ups=follow_ups,
                   limits=TrafficLimits(settings.sessions_per_minute,
                                        settings.messages_per_minute),
                   autonomy=autonomy, channels=channels, sharing=sharing)
    if sharing is not None:
        await sharing.start()
    if settings.slack_enabled:
        app.slack = await connect_slack(settings, desk)
    await desk.recover()
    await dispatcher.recover()
    await courier.flush_all()
    await app.timers.start()
    if settings.outreach_enabled:
        app.outreach = _outreach(settings, app, line, context, playbooks, clock)
        await app.outreach.start()
    for channel in channels.values():
        if isinstance(channel, BackgroundChannel):
            await channel.start(app.receive)
    log.info("Caseloop ready: model %s, database %s", settings.model_name, settings.database_label)
    if settings.admin_token is None:
        base = settings.public_url or f"http://localhost:{settings.port}"
        log.info("Operator console: %s/console?token=%s", base, app.admin_token,
                 extra={"delivers_secret": True})
    return app


def _outreach(settings: Settings, app: Caseloop, line: CustomerLine, context: CaseContext,
              playbooks: dict[str, Playbook], clock: Callable[[], datetime]) -> Outreach:
    rules = OutreachRules(playbooks=playbooks,
                          channels=frozenset(app.channels),
                          quiet_hours=QuietHours.parse(settings.quiet_hours),
                          default_zone=ZoneInfo(settings.default_timezone),
                          daily_cap=settings.outreach_daily_cap,
                          calls=outreach_calls(settings))
    return Outreach(app.database, line, context, app.cases, app.timers, rules, clock)


async def _release(store: Backend, checkpointer: BaseCheckpointSaver,
                   database: Database) -> None:
    """Close what a start that stops early had opened."""
    await close_backend(store)
    await checkpointer.conn.close()  # type: ignore[attr-defined]
    await database.close()


async def _open_checkpointer(settings: Settings) -> BaseCheckpointSaver:
    if settings.uses_postgres:
        from bot.storage.postgres_checkpoints import open_postgres_checkpointer

        return await open_postgres_checkpointer(settings.database_url)
    return await open_checkpointer(settings.checkpoints_path)
