"""The web chat channel: JSON frames over a WebSocket, to and from normalized messages."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Protocol

from channels.base import InboundMessage, OutboundMessage

log = logging.getLogger("caseloop.webchat")

NAME = "webchat"
MAX_FRAME_BYTES = 65_536
"""Largest frame read: room for the longest message even with every character escaped."""
MAX_ID_CHARS = 100
NOT_JSON = 'Messages must be JSON like {"text": "hello"}.'


class FrameError(ValueError):
    """A frame the customer's browser sent cannot be used; the message says why, politely."""


class Socket(Protocol):
    """The part of a WebSocket the channel needs."""

    async def send_text(self, data: str) -> None: ...


def to_inbound(session_id: str, frame: str) -> InboundMessage:
    """Turn a customer's text frame into an inbound message.

    Text longer than the message limit is not refused here: like every channel's, it is cut to
    the limit when it is received. Invalid Unicode in the frame is replaced (`InboundMessage`
    cleans every string it is given).

    Raises:
        FrameError: the frame is too big, not JSON, or has no text.
    """
    too_big = len(frame) > MAX_FRAME_BYTES
    if too_big or len(frame.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise FrameError("That message is too long for me. Could you shorten it?")
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        raise FrameError(NOT_JSON) from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise FrameError(NOT_JSON)
    text = data["text"].strip()
    if not text:
        raise FrameError("That message was empty. What can I help you with?")
    client_id = data.get("id")
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_ID_CHARS:
        client_id = uuid.uuid4().hex
    return InboundMessage(channel=NAME, sender=session_id,
                          provider_message_id=f"{session_id}:{client_id}", text=text,
                          raw={"text": text, "id": client_id})


def to_frame(message: OutboundMessage) -> dict[str, Any]:
    """The JSON frame the browser receives for one bot message."""
    frame: dict[str, Any] = {"type": "message", "id": message.id, "text": message.text}
    if message.options:
        frame["options"] = list(message.options)
    return frame


def error_frame(text: str) -> dict[str, Any]:
    """The JSON frame the browser receives when its frame could not be used."""
    return {"type": "error", "text": text}


class WebchatChannel:
    """Delivers to the browsers connected to a session; offline sessions keep their messages."""

    name = NAME

    def __init__(self) -> None:
        self._sockets: dict[str, set[Socket]] = {}

    def attach(self, session_id: str, socket: Socket) -> None:
        """Register a connected browser tab for a session."""
        self._sockets.setdefault(session_id, set()).add(socket)

    def detach(self, session_id: str, socket: Socket) -> None:
        """Forget a browser tab that went away."""
        sockets = self._sockets.get(session_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[session_id]

    def is_connected(self, session_id: str) -> bool:
        """True while a browser tab of the session is connected to this process."""
        return bool(self._sockets.get(session_id))

    async def send(self, message: OutboundMessage) -> bool:
        """Push a message to every open tab of the session; False when none is open."""
        payload = json.dumps(to_frame(message))
        delivered = False
        for socket in list(self._sockets.get(message.recipient, ())):
            try:
                await socket.send_text(payload)
                delivered = True
            except Exception:  # noqa: BLE001 - a tab that closed mid-send is just gone
                log.info("A web chat tab of %s went away", message.recipient)
                self.detach(message.recipient, socket)
        return delivered
