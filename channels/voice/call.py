"""One live call on the relay: replies spoken as text tokens, keys pressed, interruptions."""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from channels.base import OutboundMessage
from channels.voice.speech import for_the_ear, sentences
from channels.voice.translate import CHOICES, Call, end_frame, text_frame

log = logging.getLogger("caseloop.voice")

HAND_OFF = "handoff"
"""The kind of the last message of a call a person takes over: the session ends after it."""
CODE_LENGTH = 6
SUBMIT_KEY = "#"
CLEAR_KEY = "*"
MAX_KEYS = 16


class Socket(Protocol):
    """The part of a WebSocket a call needs."""

    async def send_text(self, data: str) -> None: ...


class CallSession:
    """Speaks Caseloop's replies into one call and reads the caller's keypad.

    A reply goes out sentence by sentence, each as a `text` token, the last one marked `last`.
    When the caller interrupts, what was being said stops (later sentences of that reply are
    not sent) and `heard` keeps what they heard of it.

    Args:
        call: The call, from the relay's `setup` message.
        socket: The relay's WebSocket.
    """

    def __init__(self, call: Call, socket: Socket) -> None:
        self.call = call
        self._socket = socket
        self._speech = 0
        """Bumped at each interruption: a reply being spoken checks it between sentences."""
        self._options = _opening_choices(call)
        """The choices a key names now: the last reply's, or those the call opened with."""
        self._keys = ""
        self.turns = 0
        """Inbound messages made from this call so far (their ids count on from it)."""
        self.ended = False
        self.saying = ""
        """What the reply being spoken (or spoken last) says, as spoken."""

    async def say(self, message: OutboundMessage) -> None:
        """Speak a reply; a hand-off reply then ends the relay session.

        Raises:
            Exception: the socket failed (the call went away).
        """
        if self.ended:
            return
        speech, spoken = self._speech, for_the_ear(message)
        self._options = message.options
        self.saying = spoken
        parts = sentences(spoken) or [""]
        for index, part in enumerate(parts):
            if speech != self._speech:
                log.info("Call %s: the caller interrupted, the rest of the reply is dropped",
                         self.call.sid)
                break
            await self._send(text_frame(part, last=index == len(parts) - 1))
        if message.kind == HAND_OFF:
            self.ended = True
            await self._send(end_frame({"reason": "person", "callSid": self.call.sid}))

    def interrupted(self, heard: str) -> str:
        """Stop what was being said; returns what the caller heard of it."""
        self._speech += 1
        return heard.strip()

    def key(self, digit: str) -> str | None:
        """A key pressed; returns the text it completes, if any.

        Right after a question with choices, a key names the choice (1 for the first: "Yes").
        Otherwise keys add up to a number, sent at `#` or once a code's six digits are in.
        """
        if digit == CLEAR_KEY:
            self._keys = ""
            return None
        if not self._keys and digit.isdigit() and 1 <= int(digit) <= len(self._options):
            choice = self._options[int(digit) - 1]
            self._options = ()
            return choice
        if digit == SUBMIT_KEY:
            keys, self._keys = self._keys, ""
            return keys or None
        if digit.isdigit():
            self._keys = (self._keys + digit)[-MAX_KEYS:]
        if len(self._keys) == CODE_LENGTH:
            keys, self._keys = self._keys, ""
            return keys
        return None

    def next_turn(self) -> int:
        """The number of the caller's next message on this call."""
        self.turns += 1
        self._options = ()
        return self.turns

    async def _send(self, frame: dict[str, Any]) -> None:
        await self._socket.send_text(json.dumps(frame, ensure_ascii=False))


def _opening_choices(call: Call) -> tuple[str, ...]:
    """`1`…`n` for a call that opened with `n` keypad choices (the greeting asked them)."""
    count = call.parameters.get(CHOICES, "")
    if not count.isdigit():
        return ()
    return tuple(str(number) for number in range(1, min(int(count), 9) + 1))
