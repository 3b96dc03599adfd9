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

from bot.identity.links import Links
from bot.outreach.offers import question
from bot.outreach.reach import SMS, Reach
from bot.storage.database import Connection, Database
from channels.base import DeliveryError

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


async def note_unanswered(connection: Connection, event_id: str, detail: str) -> bool:
    """Inside the fallback's transaction: record how the call ended on the event; False when
    it was recorded before (Twilio retried its callback)."""
    cursor = await connection.execute(
        "UPDATE events SET detail = ? WHERE id = ? AND status = 'sent' AND detail IS NULL",
        (detail, event_id))
    return cursor.rowcount == 1
