"""One turn: a stored customer message through the graph to stored replies."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.graph.state import CompiledStateGraph

from bot.cases.lifecycle import CaseLifecycle
from bot.cases.pending_actions import find_pending_action, keep_pending
from bot.cases.satisfaction import Satisfaction
from bot.desk.approvals import ApprovalQueue
from bot.desk.desk import Desk
from bot.desk.escalations import Escalation
from bot.desk.suggestions import suggest
from bot.identity.links import Links, customer_thread, visitor_thread
from bot.identity.recognition import Recognizer
from bot.outreach.consent import (
    OPTED_IN,
    OPTED_OUT,
    Consent,
    address_subject,
    consent_keyword,
    customer_subject,
)
from bot.runtime.contacts import note_contact
from bot.runtime.customer_notes import remember
from bot.runtime.inbox import AlreadyAnswered, Inbox, InboxItem, mark_done
from bot.runtime.outbox import Courier, enqueue
from bot.runtime.thread_locks import ThreadLocks
from bot.runtime.transcript import append_lines, line
from bot.storage.database import Database
from channels.base import InboundMessage, OutboundMessage
from graph.affirmation import classify_reply
from graph.context import CaseContext
from graph.escalation_signals import Signal, escalation_signal
from graph.offers import answers_offer

log = logging.getLogger("caseloop.turns")

MEDIA_ONLY = (
    "Thanks! I can only read text messages for now. Please tell me in words what you need: "
    "an order's status, a refund, a cancellation or a new delivery address."
)
SOMETHING_BROKE = (
    "Sorry, something went wrong on our side while I was working on that. "
    "Please try again in a moment."
)
NO_PHONE_MATCH = (
    "Thanks. I couldn't match that number to an account, so let's use your e-mail instead: "
    "what's the e-mail address on your account?"
)
NOT_OWN_CONTACT = (
    "Thanks, but I can only use a number shared from your own account. Tap \"Share my phone "
    "number\" below, or tell me the e-mail address on your account instead."
)
RECOGNIZED = "Hi {name}, I've matched this number to your account."
BRINGING_IN = {
    "calm": "Of course. I'm bringing in a colleague from our support team; they'll reply right "
            "here, and I've passed on everything so far.",
    "frustrated": "I'm sorry this is taking so long. I'm bringing in a colleague from our support "
                  "team; they'll reply right here, and I've passed on everything so far.",
    "upset": "I understand, and I'm sorry about this. I'm bringing in a colleague from our "
             "support team now; they'll reply right here, and I've passed on everything so far.",
}
ALREADY_COMING = (
    "A colleague from our support team has your case and will reply right here. "
    "Meanwhile I'm happy to help with anything else."
)
NOTHING_FOUND_YET = "Nothing done yet on this case."
ESCALATED_BY_AGENT = {
    "backend_error": "Our order system failed and the bot could not recover.",
    "asked_for_person": "The bot handed over: the customer wanted a person, or it could not help.",
}
RECURSION_LIMIT = 16
PRUNE_EVERY = 20


class TurnRunner:
    """Runs the graph for inbox messages, one turn per customer at a time.

    Args:
        graph: The compiled agent graph (with its checkpointer).
        context: What the graph's nodes and tools call.
        durability: When checkpoints are written. `exit` writes once per turn: a turn cut
            short by a crash is replayed from the inbox, and idempotency keys make that safe.
        lifecycle: Moves the customer's cases on from what each turn did.
        satisfaction: Takes a bare digit answering the closing question before the graph.
    """

    def __init__(self, database: Database, inbox: Inbox, links: Links, courier: Courier,
                 graph: CompiledStateGraph, context: CaseContext, approvals: ApprovalQueue,
                 desk: Desk, locks: ThreadLocks, durability: str = "exit",
                 lifecycle: CaseLifecycle | None = None,
                 satisfaction: Satisfaction | None = None) -> None:
        self._db = database
        self._inbox = inbox
        self._links = links
        self._recognizer = Recognizer(links, context.backend)
        self._approvals = approvals
        self._courier = courier
        self._graph = graph
        self._context = context
        self._desk = desk
        self._locks = locks
        self._consent = Consent(database)
        self._durability = durability
        self._lifecycle = lifecycle
        self._satisfaction = satisfaction
        self._turns: dict[str, int] = {}

    async def process(self, item: InboxItem) -> None:
        """Answer one stored message; on any failure the customer is told and the error kept."""
        message = item.message
        customer_id = await self._links.customer_for(message.channel, message.sender)
        recognized = False
        if customer_id is None and message.verified_phone:
            customer_id = await self._recognizer.recognize(message)
            recognized = customer_id is not None
        thread = (customer_thread(customer_id) if customer_id
                  else visitor_thread(message.channel, message.sender))
        async with self._locks.hold(thread):
            if not await self._inbox.mark_processing(item.id):
                log.info("Inbox message %s was answered meanwhile", item.id)
                return
            try:
                if consent_keyword(message.text) is not None:
                    replies = await self._note_consent(item, thread, customer_id)
                    await self._finish(item, [thread], replies)
                    return
                case = await self._desk.open_case_for(thread)
                if case is not None and case.mode == "human":
                    await self._pass_to_person(item, thread, case)
                    return
                if recognized:
                    assert customer_id is not None
                    replies = await self._welcome(item, customer_id)
                else:
                    replies = await self._replies_for(item, thread, customer_id)
            except Exception as problem:  # noqa: BLE001 - the customer must hear back
                log.exception("Turn failed for inbox message %s", item.id)
                if await self._finish(item, [thread], [AIMessage(content=SOMETHING_BROKE)]):
                    await self._inbox.mark_failed(item.id, repr(problem))
                return
            linked = customer_id or await self._links.customer_for(message.channel,
                                                                   message.sender)
            threads = list(dict.fromkeys([thread, *([customer_thread(linked)] if linked else [])]))
            if await self._finish(item, threads, replies):
                await self._after_turn(item, threads, replies, case)

    async def _replies_for(self, item: InboxItem, thread: str,
                           customer_id: str | None) -> list[AIMessage]:
        message = item.message
        if not message.text.strip():
            return [AIMessage(content=_textless_reply(message))]
        extra = {"customer_id": customer_id, "verified": True} if customer_id else {}
        text = message.text.strip()
        before = (await self._graph.aget_state(_config(thread))).values
        if self._satisfaction is not None and item.status == "pending":
            rated = await self._satisfaction.answer(thread, customer_id, text, before,
                                                    _human_id(item))
            if rated is not None:
                return [rated]
        signal = escalation_signal(text, _customer_texts(before))
        if signal is not None:
            case = await self._desk.open_case_for(thread)
            if case is None or signal.reason == "asked_for_person":
                return await self._bring_in_person(item, thread, customer_id, signal, case, before)
        state = await self._run(thread, item, text, extra)
        replies = _replies_after(state["messages"], _human_id(item))
        if customer_id is None and state.get("verified") and state.get("customer_id"):
            verified_id = state["customer_id"]
            await self._links.link(message.channel, message.sender, verified_id)
            async with self._locks.hold(customer_thread(verified_id)):
                replies += await self._continue(item, verified_id, state.get("carry_over") or [])
        return replies

    async def _welcome(self, item: InboxItem, customer_id: str) -> list[AIMessage]:
        """First words to someone the channel itself proved to be a customer."""
        message = item.message
        customer = await self._context.backend.get_customer(customer_id)
        name = customer.name.split()[0] if customer else "there"
        replies = [AIMessage(content=RECOGNIZED.format(name=name))]
        visitor = {"configurable": {"thread_id": visitor_thread(message.channel, message.sender)}}
        carried = (await self._graph.aget_state(visitor)).values.get("carry_over") or []
        text = message.text.strip()
        return replies + await self._continue(item, customer_id, [text] if text else carried)

    async def _continue(self, item: InboxItem, customer_id: str,
                        requests: list[str]) -> list[AIMessage]:
        """Go on in the customer's thread on a newly linked address.

        Runs what was asked (before verification, or in this very message), then names the case
        still open, if any, so a confirmation asked on one channel can be given on another. A
        message that was neither yes nor no leaves that confirmation open.
        """
        replies: list[AIMessage] = []
        case = await find_pending_action(self._graph, self._approvals, customer_id)
        if requests:
            state = await self._run(customer_thread(customer_id), item, " ".join(requests),
                                    {"customer_id": customer_id, "verified": True},
                                    human_id=f"{_human_id(item)}-continued")
            replies = _replies_after(state["messages"], f"{_human_id(item)}-continued")
        if case is None:
            return replies
        now_open = await find_pending_action(self._graph, self._approvals, customer_id)
        said = " ".join(requests)
        offered = bool((case.pending_action or {}).get("offer"))
        answered = (answers_offer(case.pending_action, said) if offered
                    else classify_reply(said) != "other")
        if now_open is None and case.pending_action and not answered:
            await keep_pending(self._graph, customer_id, case)
            now_open = case
        if now_open is not None and now_open.key == case.key and not (offered and answered):
            # An offer's note names its options; only a plain confirmation takes Yes / No.
            asks = ({"caseloop_confirmation": case.key}
                    if case.pending_action and not offered else {})
            replies.insert(0, AIMessage(content=case.note, additional_kwargs=asks))
        return replies

    async def _note_consent(self, item: InboxItem, thread: str,
                            customer_id: str | None) -> list[AIMessage]:
        """Record a STOP (or START) for the address and its customer, and say so."""
        message = item.message
        opted_out = consent_keyword(message.text) == "opt_out"
        subjects = [address_subject(message.channel, message.sender)]
        subjects += [customer_subject(customer_id)] if customer_id else []
        await self._consent.record(subjects, opted_out=opted_out)
        reply = OPTED_OUT if opted_out else OPTED_IN
        await remember(self._graph, thread, [
            HumanMessage(content=message.text.strip(), id=_human_id(item)),
            AIMessage(content=reply, id=f"{_human_id(item)}-consent")])
        return [AIMessage(content=reply)]

    async def _run(self, thread: str, item: InboxItem, text: str, extra: dict[str, Any],
                   human_id: str | None = None) -> dict[str, Any]:
        human_id = human_id or _human_id(item)
        config = {"configurable": {"thread_id": thread, "channel": item.message.channel},
                  "recursion_limit": RECURSION_LIMIT}
        if item.status != "pending":
            snapshot = await self._graph.aget_state(config)
            if any(m.id == human_id for m in snapshot.values.get("messages", [])):
                if not snapshot.next:
                    return snapshot.values
                # A turn cut short on its way out (e.g. at shutdown) was saved unfinished.
                return await self._graph.ainvoke(None, config, context=self._context,
                                                 durability=self._durability)
        turn_input = {"messages": [HumanMessage(content=text, id=human_id)], "escalation": None,
                      "action_outcome": None, **extra}
        state = await self._graph.ainvoke(turn_input, config, context=self._context,
                                          durability=self._durability)
        await self._prune(thread)
        if self._lifecycle is not None:
            await self._lifecycle.after_turn(item.message.channel, state,
                                             _messages_after(state["messages"], human_id))
        return state

    async def _prune(self, thread: str) -> None:
        count = self._turns.get(thread, 0) + 1
        self._turns[thread] = count % PRUNE_EVERY
        checkpointer = self._graph.checkpointer
        if count % PRUNE_EVERY == 0 and checkpointer is not None:
            await checkpointer.aprune([thread])

    async def _bring_in_person(self, item: InboxItem, thread: str, customer_id: str | None,
                               signal: Signal, case: Escalation | None,
                               before: dict[str, Any]) -> list[AIMessage]:
        """Say, calmly, that a person is coming, and open the case for people to see."""
        text = item.message.text.strip()
        reply = BRINGING_IN[signal.sentiment] if case is None else ALREADY_COMING
        await remember(self._graph, thread, [HumanMessage(content=text, id=_human_id(item)),
                                             AIMessage(content=reply)])
        if self._lifecycle is not None:
            await self._lifecycle.escalated(customer_id, item.message.channel)
        if case is None:
            earlier = [t for t in _customer_texts(before) if len(t.split()) >= 3]
            notes = before.get("case_notes") or []
            await self._desk.escalate(
                thread_id=thread, customer_id=customer_id, channel=item.message.channel,
                reason=signal.reason, wants=earlier[-1] if earlier else text,
                found="; ".join(notes[-2:]) or NOTHING_FOUND_YET,
                why=f"{signal.reason.replace('_', ' ').capitalize()}: {signal.evidence}.",
                sentiment=signal.sentiment)
        return [AIMessage(content=reply)]

    async def _pass_to_person(self, item: InboxItem, thread: str, case: Escalation) -> None:
        """While a person has the case the bot stays silent: it listens and suggests."""
        text = item.message.text.strip() or "[attachment]"
        await remember(self._graph, thread, [HumanMessage(content=text, id=_human_id(item))])
        await self._finish(item, [thread], [])
        await self._desk.note(case, "customer", text)
        approval = case.approval
        pending = approval.description if approval and approval.status == "pending" else None
        await self._desk.note(case, "suggestion", await suggest(
            self._context.backend, self._context.knowledge, case.customer_id, text, pending))

    async def _after_turn(self, item: InboxItem, threads: list[str], replies: list[AIMessage],
                          case: Escalation | None) -> None:
        """Hand people what this turn left for them: approvals, escalations, and the turn itself
        when it belongs to a case they already have."""
        channel = item.message.channel
        for thread in threads:
            state = (await self._graph.aget_state(_config(thread))).values
            found = "; ".join((state.get("case_notes") or [])[-2:]) or NOTHING_FOUND_YET
            await self._desk.announce_approvals(thread, channel, found)
            reason = state.get("escalation")
            if reason:
                texts = [t for t in _customer_texts(state) if len(t.split()) >= 3]
                await self._desk.escalate(
                    thread_id=thread, customer_id=state.get("customer_id"), channel=channel,
                    reason=reason, wants=texts[-1] if texts else item.message.text,
                    found=found, why=ESCALATED_BY_AGENT.get(reason, reason), sentiment="calm")
        if case is not None:
            await self._desk.note(case, "customer", item.message.text.strip() or "[attachment]")
            for reply in replies:
                await self._desk.note(case, "bot", str(reply.content))

    async def _finish(self, item: InboxItem, threads: list[str],
                      replies: list[AIMessage]) -> bool:
        """Store the turn's replies and mark the message answered, in one transaction, then
        deliver them; False (nothing stored) when it had been answered meanwhile."""
        message = item.message
        outbound = [_outbound(message, reply) for reply in replies]
        lines = [line("customer", message.channel, message.text or "[attachment]")]
        lines += [line("bot", message.channel, out.text) for out in outbound]
        try:
            async with self._db.transaction() as connection:
                await append_lines(connection, threads[0], lines)
                for thread in threads:
                    await note_contact(connection, thread, message.channel, message.sender)
                for out in outbound:
                    await enqueue(connection, out)
                await mark_done(connection, item.id)
        except AlreadyAnswered:
            log.warning("Inbox message %s was answered meanwhile (its claim had run out and "
                        "another process took it over): this turn's replies are dropped",
                        item.id)
            return False
        await self._courier.flush(message.channel, message.sender)
        return True


def _config(thread: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def _customer_texts(state: dict[str, Any]) -> list[str]:
    return [str(m.content) for m in state.get("messages", []) if isinstance(m, HumanMessage)]


def _textless_reply(message: InboundMessage) -> str:
    if not any(attachment.kind == "contact" for attachment in message.attachments):
        return MEDIA_ONLY
    return NO_PHONE_MATCH if message.verified_phone else NOT_OWN_CONTACT


def _human_id(item: InboxItem) -> str:
    return f"in-{item.id}"


def _messages_after(messages: list[BaseMessage], human_id: str) -> list[BaseMessage]:
    for index, message in enumerate(messages):
        if message.id == human_id:
            return messages[index + 1:]
    return []


def _replies_after(messages: list[BaseMessage], human_id: str) -> list[AIMessage]:
    return [m for m in _messages_after(messages, human_id)
            if isinstance(m, AIMessage) and str(m.content).strip()]


def _outbound(inbound: InboundMessage, reply: AIMessage) -> OutboundMessage:
    confirming = "caseloop_confirmation" in reply.additional_kwargs
    return OutboundMessage(
        channel=inbound.channel, recipient=inbound.sender, text=str(reply.content),
        kind="confirmation" if confirming else "reply",
        options=("Yes", "No") if confirming else (),
        in_reply_to=inbound.provider_message_id,
    )
