"""Putting Caseloop together from its settings: stores, graph, workers and channels."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from langgraph.graph.state import CompiledStateGraph

from bot.approvals import ApprovalQueue
from bot.audit import AuditLog
from bot.channel_setup import configured_channels
from bot.checkpoints import CachingSqliteSaver, open_checkpointer
from bot.config import Settings
from bot.database import Database
from bot.demo_store import DemoStore
from bot.dispatcher import Dispatcher
from bot.inbox import Inbox
from bot.knowledge import KnowledgeBase
from bot.links import Links
from bot.mailer import Mailer
from bot.outbox import Courier
from bot.turns import TurnRunner
from bot.verification import Verifier
from bot.webchat_sessions import WebchatSessions
from channels.base import BackgroundChannel, Channel, InboundMessage
from channels.webchat import WebchatChannel
from graph.context import CaseContext
from graph.graph import build_graph
from graph.model import select_model
from graph.policy import Policy

log = logging.getLogger("caseloop")


@dataclass
class Caseloop:
    """The running application: everything a route or command needs."""

    settings: Settings
    database: Database
    checkpointer: CachingSqliteSaver
    store: DemoStore
    inbox: Inbox
    audit: AuditLog
    approvals: ApprovalQueue
    courier: Courier
    dispatcher: Dispatcher
    verifier: Verifier
    webchat_sessions: WebchatSessions
    graph: CompiledStateGraph
    channels: dict[str, Channel] = field(default_factory=dict)

    @property
    def webchat(self) -> WebchatChannel:
        """The web chat channel (always present)."""
        channel = self.channels["webchat"]
        assert isinstance(channel, WebchatChannel)
        return channel

    async def receive(self, message: InboundMessage) -> bool:
        """Store an inbound message and schedule it; False when it was a redelivery."""
        item_id = await self.inbox.store(message)
        if item_id is None:
            return False
        self.dispatcher.submit(item_id, message.channel, message.sender)
        return True

    async def close(self) -> None:
        """Finish or release in-flight turns, then close the channels and the databases."""
        await self.dispatcher.stop()
        await self.verifier.drain()
        await self.courier.close()
        for channel in self.channels.values():
            if isinstance(channel, BackgroundChannel):
                await channel.close()
        await self.checkpointer.conn.close()
        await self.database.close()


async def assemble(settings: Settings, extra_channels: list[Channel] | None = None) -> Caseloop:
    """Open the databases, seed the demo store, build the graph and start the workers."""
    policy = Policy.load(settings.policy_file)
    knowledge = KnowledgeBase(settings.knowledge_dir)
    model = select_model(settings.model_name, settings.openai_api_key, settings.openai_base_url)
    database = await Database.open(settings.database_path)
    checkpointer = await open_checkpointer(settings.checkpoints_path)
    store = DemoStore(database)
    await store.seed(settings.demo_data)
    inbox, audit, approvals = Inbox(database), AuditLog(database), ApprovalQueue(database)
    channels: dict[str, Channel] = {"webchat": WebchatChannel()}
    for channel in [*configured_channels(settings, database, inbox), *(extra_channels or [])]:
        channels[channel.name] = channel
    verifier = Verifier(database, store, Mailer(settings.smtp_url, settings.smtp_sender))
    context = CaseContext(backend=store, policy=policy, verification=verifier, audit=audit,
                          approvals=approvals, knowledge=knowledge)
    graph = build_graph(model, checkpointer)
    courier = Courier(database, channels)
    runner = TurnRunner(database, inbox, Links(database), courier, graph, context, approvals)
    dispatcher = Dispatcher(inbox, runner)
    app = Caseloop(settings=settings, database=database, checkpointer=checkpointer, store=store,
                   inbox=inbox, audit=audit, approvals=approvals, courier=courier,
                   dispatcher=dispatcher, verifier=verifier,
                   webchat_sessions=WebchatSessions(database), graph=graph, channels=channels)
    await dispatcher.recover()
    await courier.flush_all()
    for channel in channels.values():
        if isinstance(channel, BackgroundChannel):
            await channel.start(app.receive)
    log.info("Caseloop ready: model %s, database %s", settings.model_name, settings.database_path)
    return app
