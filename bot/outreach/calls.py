"""Outreach by phone call: when a call replaces a text, placing it, and what nobody answered.

The rule: with `CASELOOP_OUTREACH_VOICE=on` and voice calls configured, an event whose playbook
offers options, for a customer outreach would otherwise text (SMS to the phone on file: they
have no messaging channel), is a call to that phone instead. The call opens with the event and
its options said for the ear ("Press 1 to keep the order, or 2 to cancel it"). Caseloop dialed
the number on file itself, so the call is linked to the customer's thread and counts as proof
for the offered action, as a code read back would. A call Twilio refuses becomes the text at
once; a call nobody answers (busy, no answer, failed, canceled) is followed by the text, once,
and the event's detail says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bot.identity.links import Links, customer_thread
from bot.outreach.offers import question
from bot.outreach.reach import SMS, Reach
from bot.runtime.customer_notes import CustomerLine
from bot.runtime.outbox import enqueue
from bot.runtime.transcript import append_lines
from bot.runtime.transcript import line as line_of
from bot.storage.database import Connection, Database
from channels.base import DeliveryError, OutboundMessage
from graph.memory import waiting_action

log = logging.getLogger("caseloop.outreach")

VOICE = "voice"
PLACED_BY = "outreach_call"
"""How a placed call is linked to the customer: Caseloop dialed the phone on file."""
FALLBACK = "fallback"
"""Key, in an offer made by call, of the text to send when the call is not answered."""
PRESS = "Press"


class Dialer(Protocol):
    """What places a call (`channels.voice.dialer.Dialer`)."""

    async def place(self, to: str, answer_url: str, status_url: str) -> str: ...


class CallUrls(Protocol):
    """The answer and status URLs of an outreach call (`channels.voice.twiml.outreach_urls`)."""

    def __call__(self, public_url: str, event_id: str, greeting: str,
                 choices: int) -> tuple[str, str]: ...


@dataclass(frozen=True)
class CallPlan:
    """How outreach calls customers, when `CASELOOP_OUTREACH_VOICE` is on."""

    dialer: Dialer
    urls: CallUrls
    public_url: str


def calls_instead(reach: Reach, offer: dict[str, Any] | None) -> bool:
    """True when the rule above makes this outreach a call."""
    return offer is not None and reach.channel == SMS


def spoken_offer(message: str, offer: dict[str, Any]) -> str:
    """The event and its options as the call's greeting says them."""
    return f"{message} {question(offer['options'], verb=PRESS)}"


class OutreachCalls:
    """Places outreach calls and ties each to the customer it rang.

    Args:
        plan: The dialer and where Twilio reaches Caseloop back.
    """

    def __init__(self, database: Database, plan: CallPlan) -> None:
        self._db = database
        self._links = Links(database)
        self._plan = plan

    async def place(self, event_id: str, customer_id: str, reach: Reach, greeting: str,
                    choices: int) -> str | None:
        """Ring the customer's phone; the call's sid (linked to them), or None when Twilio
        refused the call (the text goes instead)."""
        answer_url, status_url = self._plan.urls(self._plan.public_url, event_id, greeting,
                                                 choices)
        try:
            sid = await self._plan.dialer.place(reach.address, answer_url, status_url)
        except DeliveryError as problem:
            log.warning("Outreach call for event %s not placed (%s); texting instead",
                        event_id, problem)
            return None
        await self._links.link(VOICE, sid, customer_id, method=PLACED_BY)
        return sid

    async def rang(self, call_sid: str) -> str | None:
        """The customer a placed call rang, if it was one of outreach's."""
        row = await self._db.fetchone(
            "SELECT customer_id FROM links WHERE channel = ? AND address = ? AND method = ?",
            (VOICE, call_sid, PLACED_BY))
        return row["customer_id"] if row else None


@dataclass(frozen=True)
class Unanswered:
    """How a placed call ended without an answer (Twilio's status callback)."""

    event_id: str
    call_sid: str
    status: str
    """`busy`, `no-answer`, `failed` or `canceled`."""


async def text_instead(calls: OutreachCalls, line: CustomerLine, database: Database,
                       ended: Unanswered, kind: str) -> None:
    """Send the text a call replaced (once), unless the call was not outreach's or its offer
    is no longer waiting; the event's detail says how the call ended either way."""
    customer_id = await calls.rang(ended.call_sid)
    if customer_id is None:
        log.warning("Status %r for a call outreach did not place; ignored", ended.status)
        return
    thread = customer_thread(customer_id)
    async with line.locks.hold(thread):
        offer = ((await waiting_action(line.graph, thread)) or {}).get("offer") or {}
        fallback = offer.get(FALLBACK) if offer.get("event_id") == ended.event_id else None
        async with database.transaction() as connection:
            detail = f"call {ended.status}" + ("; texted instead" if fallback else "")
            if not await _note_unanswered(connection, ended.event_id, detail) or not fallback:
                log.info("Outreach call for event %s: %s", ended.event_id, detail)
                return
            await append_lines(connection, thread, [line_of("bot", SMS, fallback["text"])])
            await enqueue(connection, OutboundMessage(
                channel=SMS, recipient=fallback["address"], text=fallback["text"], kind=kind))
    log.info("Outreach call for event %s: %s", ended.event_id, detail)
    await line.notes.courier.flush(SMS, fallback["address"])


async def _note_unanswered(connection: Connection, event_id: str, detail: str) -> bool:
    """Inside the fallback's transaction: record how the call ended on the event; False when
    it was recorded before (Twilio retried its callback)."""
    cursor = await connection.execute(
        "UPDATE events SET detail = ? WHERE id = ? AND status = 'sent' AND detail IS NULL",
        (detail, event_id))
    return cursor.rowcount == 1
