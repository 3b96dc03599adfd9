"""A channel that keeps what the bot sends, for in-process tests of the runtime."""

from __future__ import annotations

import itertools

from channels.base import Attachment, InboundMessage, OutboundMessage

_ids = itertools.count(1)


class CaptureChannel:
    """Records every outbound message, like a customer's phone would show them."""

    def __init__(self, name: str = "test") -> None:
        self.name = name
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> bool:
        self.sent.append(message)
        return True

    def texts_for(self, recipient: str) -> list[str]:
        return [m.text for m in self.sent if m.recipient == recipient]


def inbound(sender: str, text: str, provider_id: str | None = None, *, channel: str = "test",
            verified_phone: str | None = None,
            attachments: tuple[Attachment, ...] = ()) -> InboundMessage:
    return InboundMessage(channel=channel, sender=sender, text=text,
                          provider_message_id=provider_id or f"m{next(_ids)}",
                          verified_phone=verified_phone, attachments=attachments)


def shared_contact(phone: str) -> Attachment:
    """A contact card as a channel normalizes it."""
    return Attachment(kind="contact", data={"phone_number": phone})
