"""A turn's records: its replies, the transcript and the outbox, stored with the inbox's "done"
in one transaction, then delivered."""

from __future__ import annotations

import logging

from langchain_core.messages import AIMessage

from bot.runtime.contacts import note_contact
from bot.runtime.inbox import AlreadyAnswered, Inbox, InboxItem, mark_done
from bot.runtime.outbox import Courier, enqueue
from bot.runtime.transcript import append_lines, line
from bot.storage.database import Database
from channels.base import InboundMessage, OutboundMessage

log = logging.getLogger("caseloop.turns")

CONFIRMATION = "caseloop_confirmation"
"""`additional_kwargs` key on a reply that asks for a yes or no: it gets Yes / No buttons."""
HAND_OFF = "caseloop_hand_off"
"""`additional_kwargs` key on a reply that hands the conversation to a person (a call is then
transferred)."""


class TurnRecords:
    """Claims a stored message for its turn, stores what the turn said exactly once, and hands
    it to the courier."""

    def __init__(self, database: Database, inbox: Inbox, courier: Courier) -> None:
        self._db = database
        self._inbox = inbox
        self._courier = courier

    async def claim(self, item: InboxItem) -> bool:
        """Mark the message as being answered; False when it was answered meanwhile."""
        if await self._inbox.mark_processing(item.id):
            return True
        log.info("Inbox message %s was answered meanwhile", item.id)
        return False

    async def fail(self, item: InboxItem, thread: str, reply: str, problem: Exception) -> None:
        """Tell the customer the turn failed, and keep the error with the message."""
        if await self.finish(item, [thread], [AIMessage(content=reply)]):
            await self._inbox.mark_failed(item.id, repr(problem))

    async def finish(self, item: InboxItem, threads: list[str],
                     replies: list[AIMessage]) -> bool:
        """Store the turn's replies and mark the message answered, in one transaction, then
        deliver them; False (nothing stored) when it had been answered meanwhile.

        Args:
            threads: The turn's threads: the transcript goes to the first, and each remembers
                the address the customer wrote from.
        """
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


def _outbound(inbound: InboundMessage, reply: AIMessage) -> OutboundMessage:
    confirming = CONFIRMATION in reply.additional_kwargs
    return OutboundMessage(
        channel=inbound.channel, recipient=inbound.sender, text=str(reply.content),
        kind=("confirmation" if confirming
              else "handoff" if HAND_OFF in reply.additional_kwargs else "reply"),
        options=("Yes", "No") if confirming else (),
        in_reply_to=inbound.provider_message_id,
    )
