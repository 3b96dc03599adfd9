"""The message types every channel produces and consumes, and the channel interface."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, field_validator

_KEPT_CONTROLS = frozenset("\n\t")
_CONTROL = "Cc"
"""Control characters are dropped; format characters such as the zero-width joiners inside
emoji (Cf) are kept, and so are code points newer than this Python's Unicode tables (new
emoji)."""
_CUT_MARK = " …"


def clean_text(text: str) -> str:
    """Text safe to store and show: lone surrogates become U+FFFD, NUL and other control
    characters (except newline and tab) are dropped, and line ends become newlines.

    Customer text arrives from JSON and forms that may carry invalid Unicode; nothing past the
    channel edge ever sees it.
    """
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            kept.append("\ufffd")
        elif ch.isprintable() or ch in _KEPT_CONTROLS:
            kept.append(ch)
        elif unicodedata.category(ch) != _CONTROL:
            kept.append(ch)
    return "".join(kept)


def limit_text(text: str, max_chars: int) -> str:
    """The text cut to at most `max_chars` characters, at a word boundary when one is near,
    ending with " …" when anything was cut."""
    if len(text) <= max_chars:
        return text
    room = max(max_chars - len(_CUT_MARK), 0)
    cut = text[:room]
    space = cut.rfind(" ")
    if space >= room * 3 // 4:
        cut = cut[:space]
    return (cut.rstrip() + _CUT_MARK)[:max_chars]


class Attachment(BaseModel):
    """A file, image or other media the customer sent alongside (or instead of) text."""

    model_config = ConfigDict(frozen=True)

    kind: str
    """What it is: `image`, `audio`, `video`, `document`, `sticker`, `location`, `contact`..."""
    url: str | None = None
    """Where the provider serves it, if it does."""
    mime_type: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    """Structured content (e.g. a shared contact's phone number)."""

    @field_validator("kind", "url", "mime_type")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return None if value is None else clean_text(value)

    @field_validator("data")
    @classmethod
    def _clean_data(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _clean_mapping(value)


class InboundMessage(BaseModel):
    """One customer message, normalized from whichever channel carried it."""

    model_config = ConfigDict(frozen=True)

    channel: str
    """The channel's name: `webchat`, `whatsapp`, `telegram`, `cli`..."""
    sender: str
    """The sender's address on that channel (a session id, a phone number, a user id)."""
    provider_message_id: str
    """The provider's own id for the message; a repeated id is a redelivery."""
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    sender_name: str | None = None
    verified_phone: str | None = None
    """A phone number (E.164) the channel itself vouches belongs to the sender: WhatsApp's sender
    number, or a Telegram contact shared by its own user. None when there is no such proof."""
    received_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    raw: dict[str, Any] = Field(default_factory=dict)
    """The provider's payload as received, for debugging and later reprocessing."""

    @field_validator("channel", "sender", "provider_message_id", "text", "sender_name",
                     "verified_phone")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return None if value is None else clean_text(value)

    @field_validator("raw")
    @classmethod
    def _clean_raw(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _clean_mapping(value)


def _clean_mapping(value: dict[str, Any]) -> dict[str, Any]:
    cleaned = _clean_json(value)
    return cleaned if isinstance(cleaned, dict) else {}


def _clean_json(value: Any, depth: int = 0) -> Any:
    """A JSON-like value with every string cleaned; nesting past 64 levels is dropped."""
    if isinstance(value, str):
        return clean_text(value)
    if depth > 64:
        return None
    if isinstance(value, dict):
        return {clean_text(str(key)): _clean_json(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(item, depth + 1) for item in value]
    return value


class OutboundMessage(BaseModel):
    """One bot (or human agent) message for a customer on a given channel."""

    model_config = ConfigDict(frozen=True)

    channel: str
    recipient: str
    """The customer's address on that channel."""
    text: str
    options: tuple[str, ...] = ()
    """Short replies the channel may offer as buttons (e.g. `Yes`, `No`)."""
    kind: str = "reply"
    """Why it is sent: `reply`, `confirmation`, `notice`... (channels may pick templates by it)."""
    in_reply_to: str | None = None
    """The provider message id this answers, when it answers one."""
    id: str | None = None
    """Caseloop's id for the message, set when it is stored; a redelivery repeats it."""


class DeliveryError(Exception):
    """A channel could not deliver a message.

    Args:
        message: What went wrong.
        permanent: True when retrying cannot help (e.g. the address no longer exists).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


Receive = Callable[[InboundMessage], Awaitable[bool]]
"""Stores an inbound message durably and schedules it; False when it was a redelivery."""


@runtime_checkable
class Channel(Protocol):
    """A way to reach customers. Inbound traffic reaches the inbox through the channel's routes."""

    name: str

    async def send(self, message: OutboundMessage) -> bool:
        """Deliver a message.

        Returns:
            True when delivered, False when the recipient cannot be reached right now and the
            message should wait (e.g. a web chat visitor who is offline).

        Raises:
            DeliveryError: delivery failed.
        """
        ...


Speaker = Callable[[str, str, bool], Awaitable[None]]
"""Told, while the model writes a reply: its message id, its text so far (the whole text each
time, growing), and whether that is all of it."""


@runtime_checkable
class LiveChannel(Channel, Protocol):
    """A channel on which the customer listens as the reply is made (a phone call): it can
    say a turn's replies while the model is still writing them."""

    def speaker(self, recipient: str, turn: str) -> Speaker | None:
        """Says the replies answering the message whose provider id is `turn`, to a recipient
        listening here now; None when they are not."""
        ...


@runtime_checkable
class BackgroundChannel(Channel, Protocol):
    """A channel with work of its own while Caseloop runs (e.g. Telegram long polling)."""

    async def start(self, receive: Receive) -> None:
        """Begin; inbound messages go to `receive`."""
        ...

    async def close(self) -> None:
        """Stop background work and release connections."""
        ...
