"""The terminal channel behind `caseloop chat`: lines in, printed replies out."""

from __future__ import annotations

import uuid

from channels.base import InboundMessage, OutboundMessage

NAME = "cli"
SENDER = "terminal"


def to_inbound(line: str) -> InboundMessage:
    """A line typed in the terminal as an inbound message."""
    return InboundMessage(channel=NAME, sender=SENDER, provider_message_id=uuid.uuid4().hex,
                          text=line.strip())


def render(message: OutboundMessage) -> str:
    """How a bot message looks in the terminal."""
    options = f"  [{' / '.join(message.options)}]" if message.options else ""
    return f"bot> {message.text}{options}"


class TerminalChannel:
    """Prints the bot's messages."""

    name = NAME

    async def send(self, message: OutboundMessage) -> bool:
        print(render(message), flush=True)
        return True
