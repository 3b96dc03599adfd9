"""Outreach: a stored business event becomes a message to the customer, with options to fix it.

For each event, in order: its playbook and order are looked up; a customer whose case about that
order is already open gets no second message (the event joins the case as a note); then consent
(an opt-out stops everything), quiet hours in the customer's time zone (the message waits on a
durable timer), the daily cap, and a question the customer has not answered yet (the message
waits for it, a day at most). What goes out is stored with the event's new status in one
transaction, and the offer waits in the customer's thread for their answer on any channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from langchain_core.messages import AIMessage

from bot.cases.case_book import CaseBook
from bot.identity.links import customer_thread
from bot.outreach.calls import (
    FALLBACK,
    VOICE,
    CallPlan,
    OutreachCalls,
    Unanswered,
    calls_instead,
    spoken_offer,
    text_instead,
)
from bot.outreach.consent import Consent, address_subject, customer_subject
from bot.outreach.events import BusinessEvent, EventLog, StoredEvent, mark_sent
from bot.outreach.offers import as_pending, build_offer
from bot.outreach.playbooks import Playbook, message_values, render
from bot.outreach.quiet_hours import QuietHours, zone_named
from bot.outreach.reach import TEXT_ONLY_CHANNELS, Reach, reach_for
from bot.runtime.customer_notes import CustomerLine
from bot.runtime.outbox import enqueue
from bot.runtime.timers import Timer, Timers
from bot.runtime.transcript import append_lines, line
from bot.storage.database import Database, isoformat, utcnow
from channels.base import OutboundMessage
from graph.backend import BackendError, Customer, Order
from graph.context import CaseContext
from graph.memory import remember_case_note, remember_outreach, waiting_action

log = logging.getLogger("caseloop.outreach")

MESSAGE_KIND = "outreach"
"""The kind of outreach messages (WhatsApp picks its template by it outside the window)."""
TIMER_KIND = "outreach"
"""Timers that bring a waiting event back (after quiet hours, an open question, a failure)."""
FOLLOW_UP_KIND = "order_moved"
"""The follow-up check after an outreach: payload `case_id` and `order_id`."""
RETRY_AFTER = timedelta(minutes=5)
"""How long an event waits when the order system could not be read."""
ANSWER_WAIT = timedelta(minutes=30)
"""How often an event waiting for the customer's answer to an earlier question looks again."""
MAX_ANSWER_WAIT = timedelta(hours=24)
"""After this long the outreach goes out even though an earlier question is still open."""


@dataclass(frozen=True)
class OutreachRules:
    """What outreach says for each event, on which channels, and when it holds back."""

    playbooks: dict[str, Playbook]
    channels: frozenset[str]
    """The names of the channels configured (where outreach can go)."""
    quiet_hours: QuietHours | None
    default_zone: ZoneInfo
    daily_cap: int
    calls: CallPlan | None = None
    """How outreach places calls (`CASELOOP_OUTREACH_VOICE`); None: it never calls."""


class Outreach:
    """Processes stored business events, one at a time, in the order they arrived.

    Args:
        line: How a message reaches the customer and their memory.
        clock: The current time (timezone-aware); tests pass one they move.
    """

    def __init__(self, database: Database, line: CustomerLine, context: CaseContext,
                 cases: CaseBook, timers: Timers, rules: OutreachRules,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.events = EventLog(database)
        self.consent = Consent(database)
        self.clock = clock
        self._db = database
        self._line = line
        self._context = context
        self._cases = cases
        self._timers = timers
        self.playbooks = rules.playbooks
        self._channels = rules.channels
        self._rules = rules
        self._calls = OutreachCalls(database, rules.calls) if rules.calls else None
        self._queue: deque[str] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._accepting = False

    async def start(self) -> None:
        """Take events: the ones stored but not processed before a restart first."""
        self._accepting = True
        self._timers.handle(TIMER_KIND, self._on_timer)
        for event_id in await self.events.pending():
            self.submit(event_id)

    async def stop(self) -> None:
        """Take no more events; the one being processed finishes, the rest wait in the log."""
        self._accepting = False
        self._queue.clear()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)

    async def receive(self, event: BusinessEvent) -> bool:
        """Store an event and schedule it; False when it was a redelivery."""
        if not await self.events.store(event, self.clock()):
            return False
        self.submit(event.id)
        return True

    def submit(self, event_id: str) -> None:
        """Queue a stored event for processing."""
        if not self._accepting:
            return
        self._queue.append(event_id)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="outreach worker")

    async def idle(self) -> None:
        """Wait until every queued event has been processed."""
        while self._worker is not None and not self._worker.done():
            await asyncio.gather(self._worker, return_exceptions=True)

    async def process(self, event_id: str) -> str:
        """Process one stored event (again, after a wait); returns its status afterwards."""
        stored = await self.events.get(event_id)
        if stored is None or stored.status not in ("pending", "waiting"):
            return stored.status if stored else "unknown"
        event = stored.event
        playbook = self.playbooks.get(event.type)
        if playbook is None:
            return await self._settle(event, "skipped", f"no playbook for {event.type!r}")
        backend = self._context.backend
        try:
            order = await backend.get_order(event.order_id)
            customer = await backend.get_customer(order.customer_id) if order else None
        except BackendError as problem:
            return await self._wait(event, self.clock() + RETRY_AFTER,
                                    f"order system unavailable: {problem}")
        if order is None or customer is None:
            return await self._settle(event, "skipped", f"no order {event.order_id!r}")
        async with self._line.locks.hold(customer_thread(customer.id)):
            try:
                return await self._reach_out(stored, playbook, order, customer)
            except BackendError as problem:
                return await self._wait(event, self.clock() + RETRY_AFTER,
                                        f"order system unavailable: {problem}")

    async def _reach_out(self, stored: StoredEvent, playbook: Playbook, order: Order,
                         customer: Customer) -> str:
        event, now = stored.event, self.clock()
        values = message_values(customer, order, event.data)
        open_case = await self._cases.find_open(customer.id, order.id)
        if open_case is not None and not (open_case.origin == "outreach"
                                          and open_case.event_id == event.id):
            return await self._join(event, playbook, customer, order, open_case.id)
        reach = await reach_for(self._db, customer, self._channels)
        if reach is None:
            return await self._settle(event, "skipped", "no channel to reach the customer",
                                      customer.id)
        if await self.consent.opted_out([customer_subject(customer.id),
                                         address_subject(reach.channel, reach.address)]):
            return await self._settle(event, "skipped", "the customer opted out", customer.id)
        zone = zone_named((customer.model_extra or {}).get("timezone"), self._rules.default_zone)
        quiet_until = (self._rules.quiet_hours.ends_after(now, zone)
                       if self._rules.quiet_hours else None)
        if quiet_until is not None:
            local = quiet_until.astimezone(zone).strftime("%H:%M")
            return await self._wait(event, quiet_until, f"quiet hours until {local} {zone.key}",
                                    customer.id)
        day_start = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
        if await self.events.sent_since(customer.id, day_start) >= self._rules.daily_cap:
            return await self._settle(
                event, "skipped", f"daily cap of {self._rules.daily_cap} reached", customer.id)
        waited = now - _moment(stored.received_at)
        if await self._question_open(event, customer.id) and waited < MAX_ANSWER_WAIT:
            return await self._wait(event, now + ANSWER_WAIT, "waiting for the customer's "
                                    "answer to an earlier question", customer.id)
        await self._send(event, playbook, customer, order, values, reach)
        return "sent"

    async def _send(self, event: BusinessEvent, playbook: Playbook, customer: Customer,
                    order: Order, values: dict[str, str], reach: Reach) -> None:
        thread, now = customer_thread(customer.id), self.clock()
        offer = await build_offer(self._context, playbook, customer.id, order, values, event.id)
        case = await self._cases.open_or_reopen(customer.id, order.id, playbook.reason,
                                                origin="outreach", channel=reach.channel,
                                                event_id=event.id)
        text = render(playbook.message, values)
        buttons: tuple[str, ...] = ()
        call = None
        if offer is not None:
            offer["case_id"] = case.id
            if self._calls is not None and calls_instead(reach, offer):
                greeting = spoken_offer(text, offer)
                call = await self._calls.place(event.id, customer.id, reach, greeting,
                                               len(offer["options"]))
            text = f"{text} {offer['question']}"
            if call is not None:
                offer[FALLBACK] = {"address": reach.address, "text": text}
                reach, text = Reach(VOICE, call), greeting
            elif reach.channel not in TEXT_ONLY_CHANNELS:
                buttons = tuple(o["label"][:1].upper() + o["label"][1:] for o in offer["options"])
        message = AIMessage(content=text, id=f"outreach-{event.id}",
                            additional_kwargs={"caseloop_outreach": event.id})
        await remember_outreach(self._line.graph, thread, message, _note(event, order),
                                as_pending(offer) if offer else None, call_proof=call)
        if playbook.follow_up_hours:
            await self._timers.schedule(
                FOLLOW_UP_KIND, now + timedelta(hours=playbook.follow_up_hours),
                {"case_id": case.id, "order_id": order.id, "status": order.status},
                key=f"{FOLLOW_UP_KIND}:{event.id}")
        async with self._db.transaction() as connection:
            if not await mark_sent(connection, event.id, customer.id, reach.channel, now):
                return
            await append_lines(connection, thread, [line("bot", reach.channel, text)])
            if call is None:
                await enqueue(connection, OutboundMessage(
                    channel=reach.channel, recipient=reach.address, text=text,
                    kind=MESSAGE_KIND, options=buttons))
        log.info("Outreach for event %s sent on %s (case %s)", event.id, reach.channel, case.id)
        if call is None:
            await self._line.notes.courier.flush(reach.channel, reach.address)

    async def call_unanswered(self, event_id: str, call_sid: str, status: str) -> None:
        """A call placed for an event ended unanswered: the customer gets the text instead
        (once), unless the offer is no longer waiting; the event's detail says what happened."""
        if self._calls is None:
            log.warning("Status %r for a call outreach did not place; ignored", status)
            return
        await text_instead(self._calls, self._line, self._db,
                           Unanswered(event_id, call_sid, status), MESSAGE_KIND)

    async def _join(self, event: BusinessEvent, playbook: Playbook, customer: Customer,
                    order: Order, case_id: int) -> str:
        """Add the event to the case the customer already has open about the order."""
        await self._cases.open_or_reopen(customer.id, order.id, playbook.reason,
                                         origin="outreach", event_id=event.id)
        await remember_case_note(self._line.graph, customer_thread(customer.id),
                                 _note(event, order))
        return await self._settle(event, "joined", f"case {case_id}", customer.id)

    async def _question_open(self, event: BusinessEvent, customer_id: str) -> bool:
        """True when the customer's thread waits for their answer to something else."""
        pending = await waiting_action(self._line.graph, customer_thread(customer_id))
        if not pending:
            return False
        return bool((pending.get("offer") or {}).get("event_id") != event.id)

    async def _wait(self, event: BusinessEvent, until: datetime, why: str,
                    customer_id: str | None = None) -> str:
        await self._timers.schedule(TIMER_KIND, until, {"event_id": event.id},
                                    key=f"{TIMER_KIND}:{event.id}:{isoformat(until)}")
        return await self._settle(event, "waiting", why, customer_id)

    async def _settle(self, event: BusinessEvent, status: str, detail: str,
                      customer_id: str | None = None) -> str:
        log.info("Event %s (%s): %s, %s", event.id, event.type, status, detail)
        await self.events.settle(event.id, status, detail, customer_id)
        return status

    async def _on_timer(self, timer: Timer) -> None:
        await self.process(str(timer.payload["event_id"]))

    async def _work(self) -> None:
        while self._queue and self._accepting:
            event_id = self._queue.popleft()
            try:
                await self.process(event_id)
            except Exception as problem:  # noqa: BLE001 - one bad event must not stop the rest
                log.exception("Processing event %s failed", event_id)
                await self.events.settle(event_id, "failed", repr(problem)[:500])


def _note(event: BusinessEvent, order: Order) -> str:
    details = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in event.data.items())
    what = event.type.replace("_", " ")
    return f"{what} on order {order.id}" + (f" ({details})" if details else "")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
