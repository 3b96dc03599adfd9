"""One turn: a stored customer message through one run of the agent graph to stored replies.

The runner decides nothing about the conversation. It resolves the customer behind the
address, holds their thread, claims the message, runs the graph once (twice when verification
hands a visitor over to their own thread), stores replies, transcript and outbox in one
transaction, and hands what the turn left for people to the desk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from bot.cases.lifecycle import CaseLifecycle
from bot.desk.desk import Desk
from bot.identity.links import Links, customer_thread, visitor_thread
from bot.identity.recognition import Recognizer
from bot.runtime.inbox import InboxItem
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.turn_records import TurnRecords
from channels.base import LiveChannel
from graph.agent import Agent
from graph.state import Arrival
from graph.streaming import SPEAKER
from graph.triage import ATTACHMENT

log = logging.getLogger("caseloop.turns")

SOMETHING_BROKE = (
    "Sorry, something went wrong on our side while I was working on that. "
    "Please try again in a moment."
)
RECURSION_LIMIT = 16
PRUNE_EVERY = 20


@dataclass(frozen=True)
class Run:
    """One run of the graph in a turn."""

    thread: str
    state: dict[str, Any]
    replies: list[AIMessage]


class TurnRunner:
    """Runs the graph for inbox messages, one turn per customer at a time.

    `live` are the channels on which a customer listens as the reply is made (calls): a turn
    for one of them passes the graph a speaker, so the reply is said as the model writes it.
    """

    def __init__(self, records: TurnRecords, agent: Agent, links: Links, locks: ThreadLocks,
                 desk: Desk, lifecycle: CaseLifecycle,
                 live: Mapping[str, LiveChannel] | None = None) -> None:
        self._records = records
        self._agent = agent
        self._links = links
        self._recognizer = Recognizer(links, agent.context.backend)
        self._locks = locks
        self._desk = desk
        self._lifecycle = lifecycle
        self._live = dict(live or {})
        self._turns: dict[str, int] = {}

    async def process(self, item: InboxItem) -> None:
        """Answer one stored message; on any failure the customer is told and the error kept."""
        message = item.message
        customer_id = await self._links.customer_for(message.channel, message.sender)
        recognized = None
        if customer_id is None and message.verified_phone:
            customer_id = recognized = await self._recognizer.recognize(message)
        thread = (customer_thread(customer_id) if customer_id
                  else visitor_thread(message.channel, message.sender))
        async with self._locks.hold(thread):
            if not await self._records.claim(item):
                return
            try:
                runs = await self._turn(item, thread, customer_id, recognized is not None)
            except Exception as problem:  # noqa: BLE001 - the customer must hear back
                log.exception("Turn failed for inbox message %s", item.id)
                await self._records.fail(item, thread, SOMETHING_BROKE, problem)
                return
            replies = [reply for run in runs for reply in run.replies]
            if await self._records.finish(item, [run.thread for run in runs], replies):
                await self._desk.after_turn([(run.thread, run.state) for run in runs], message,
                                            [str(reply.content) for reply in replies])

    async def _turn(self, item: InboxItem, thread: str, customer_id: str | None,
                    recognized: bool) -> list[Run]:
        message = item.message
        text = message.text.strip()
        if recognized:
            if not text:
                text = " ".join(await self._carried(visitor_thread(message.channel,
                                                                   message.sender)))
            return [await self._run(thread, item, text, customer_id,
                                    {"kind": "recognized", "asked": bool(text)})]
        first = await self._run(thread, item, text or ATTACHMENT, customer_id)
        verified = first.state.get("handover")
        if not verified:
            return [first]
        await self._links.link(message.channel, message.sender, verified)
        requests = " ".join(first.state.get("carry_over") or [])
        async with self._locks.hold(customer_thread(verified)):
            second = await self._run(customer_thread(verified), item, requests, verified,
                                     {"kind": "verified", "asked": bool(requests)},
                                     human_id=f"{_human_id(item)}-continued",
                                     language=first.state.get("language"), aloud=False)
        return [first, second]

    async def _run(self, thread: str, item: InboxItem, text: str, customer_id: str | None,
                   arrival: Arrival | None = None, human_id: str | None = None,
                   language: str | None = None, aloud: bool = True) -> Run:
        """One run of the graph. `aloud`: a listening customer may hear its replies while
        they are written (not in a second run, whose replies follow the first run's)."""
        human_id = human_id or _human_id(item)
        message, graph = item.message, self._agent.graph
        config: dict[str, Any] = {"configurable": {
            "thread_id": thread, "channel": message.channel, "sender": message.sender,
            "human_id": human_id, "verified_phone": bool(message.verified_phone),
            "attachments": [attachment.kind for attachment in message.attachments],
        }, "recursion_limit": RECURSION_LIMIT}
        live = self._live.get(message.channel) if aloud else None
        speaker = live.speaker(message.sender, message.provider_message_id) if live else None
        if speaker is not None:
            config["configurable"][SPEAKER] = speaker
        run = {"context": self._agent.context, "durability": self._agent.durability}
        if item.status != "pending":
            snapshot = await graph.aget_state(config)
            if any(m.id == human_id for m in snapshot.values.get("messages", [])):
                # A turn cut short on its way out (e.g. at shutdown) was saved unfinished.
                state = (await graph.ainvoke(None, config, **run) if snapshot.next
                         else snapshot.values)
                return Run(thread, state, _replies_after(state["messages"], human_id))
        turn_input: dict[str, Any] = {
            "messages": [HumanMessage(content=text, id=human_id)] if text else [],
            "escalation": None, "turn_facts": None, "handover": None, "held_action": None,
            "arrival": arrival,
            **({"customer_id": customer_id, "verified": True} if customer_id else {}),
            **({"language": language} if language else {})}
        state = await graph.ainvoke(turn_input, config, **run)
        await self._prune(thread)
        await self._lifecycle.after_turn(message.channel, state)
        return Run(thread, state, _replies_after(state["messages"], human_id))

    async def _carried(self, visitor: str) -> list[str]:
        """What a visitor asked before the channel proved who they are."""
        state = (await self._agent.graph.aget_state({"configurable": {"thread_id": visitor}}))
        return list(state.values.get("carry_over") or [])

    async def _prune(self, thread: str) -> None:
        count = self._turns.get(thread, 0) + 1
        self._turns[thread] = count % PRUNE_EVERY
        checkpointer = self._agent.graph.checkpointer
        if count % PRUNE_EVERY == 0 and checkpointer is not None:
            await checkpointer.aprune([thread])  # type: ignore[union-attr]


def _human_id(item: InboxItem) -> str:
    return f"in-{item.id}"


def _replies_after(messages: list[BaseMessage], human_id: str) -> list[AIMessage]:
    """The bot's replies in this turn: after the customer's message, or marked with its id
    when the turn carried no message of theirs."""
    for index, message in enumerate(messages):
        if message.id == human_id:
            later = messages[index + 1:]
            break
    else:
        later = [m for m in messages if str(m.id or "").startswith(f"{human_id}-")]
    return [m for m in later if isinstance(m, AIMessage) and str(m.content).strip()]
