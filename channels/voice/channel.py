"""The voice channel: calls through Twilio ConversationRelay, replies spoken into live calls."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from channels.base import OutboundMessage, Receive, Speaker
from channels.voice.call import CallSession, Heard, Socket
from channels.voice.translate import NAME, RelayError, read_event, to_inbound

log = logging.getLogger("caseloop.voice")


class RelaySocket(Socket, Protocol):
    """A relay WebSocket, read as ASGI events."""

    async def receive(self) -> Mapping[str, Any]: ...


class VoiceChannel:
    """Delivers replies to the calls connected to this process; a call gone keeps its messages.

    Args:
        transfer_to: Where a call goes when a person is needed (a number or a SIP URI); None
            when colleagues call back instead.
        caller_id: The business's number, shown to the person the call is transferred to.
    """

    name = NAME

    def __init__(self, transfer_to: str | None = None, caller_id: str | None = None) -> None:
        self.transfer_to = transfer_to
        self.caller_id = caller_id
        self._calls: dict[str, CallSession] = {}

    def is_connected(self, call_sid: str) -> bool:
        """True while the call's relay session is open in this process."""
        return call_sid in self._calls

    async def send(self, message: OutboundMessage) -> bool:
        """Speak a message into its call; False when the call is not connected here."""
        session = self._calls.get(message.recipient)
        if session is None:
            return False
        try:
            await session.say(message)
        except Exception:  # noqa: BLE001 - a call that hung up mid-reply is just gone
            log.info("Call %s went away while a reply was spoken", message.recipient)
            self._calls.pop(message.recipient, None)
            return False
        return True

    def speaker(self, recipient: str, turn: str) -> Speaker | None:
        """Says the replies of the turn answering message `turn` into the call while the model
        writes them; None when the call is not connected here (they are then delivered as a
        whole, to where it is)."""
        session = self._calls.get(recipient)
        if session is None:
            return None

        async def tell(key: str, written: str, whole: bool) -> None:
            try:
                await session.ahead(turn, key, written, whole)
            except Exception:  # noqa: BLE001 - a call gone mid-reply must not stop the turn
                log.info("Call %s went away while a reply was being written", recipient)
                session.ended = True
                if self._calls.get(recipient) is session:
                    del self._calls[recipient]

        return tell

    async def serve(self, socket: RelaySocket, receive: Receive, heard: Heard) -> None:
        """Run one relay session until Twilio closes it.

        The first message must be `setup`; a final `prompt`, or keys that complete a choice or
        a code, becomes an inbound message; an `interrupt` stops the reply being spoken and
        `heard` records what the caller heard of it. Unusable messages are logged and skipped.
        """
        session: CallSession | None = None
        try:
            while True:
                event = await socket.receive()
                if event.get("type") == "websocket.disconnect":
                    return
                frame = event.get("text")
                if not isinstance(frame, str):
                    log.warning("Relay sent a binary message; ignored")
                    continue
                try:
                    relayed = read_event(frame)
                except RelayError as problem:
                    log.warning("Unusable relay message: %s", problem)
                    continue
                if relayed.kind == "setup" and relayed.call is not None and session is None:
                    session = CallSession(relayed.call, socket, heard)
                    self._calls[relayed.call.sid] = session
                    log.info("Call %s connected", relayed.call.sid)
                elif session is None:
                    log.warning("Relay message before setup; ignored")
                elif relayed.kind == "prompt" and relayed.last and relayed.text:
                    await receive(to_inbound(session.call, relayed.text, session.next_turn()))
                elif relayed.kind == "dtmf":
                    keyed = session.key(relayed.digit)
                    if keyed:
                        await receive(to_inbound(session.call, keyed, session.next_turn()))
                elif relayed.kind == "interrupt":
                    for said, heard_part in session.interrupted(relayed.text):
                        await heard(session.call.sid, said, heard_part)
                elif relayed.kind == "error":
                    log.warning("Relay error on call %s: %s", session.call.sid,
                                relayed.text[:200])
        finally:
            if session is not None and self._calls.get(session.call.sid) is session:
                del self._calls[session.call.sid]
                log.info("Call %s disconnected", session.call.sid)
