"""One live call on the relay: replies spoken as text tokens, keys pressed, interruptions."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from channels.base import OutboundMessage
from channels.voice.speech import (
    MAX_SPOKEN_CHARS,
    choices_said,
    for_the_ear,
    sentence_end,
    sentences,
    spoken,
)
from channels.voice.translate import CHOICES, Call, end_frame, text_frame

log = logging.getLogger("caseloop.voice")

HAND_OFF = "handoff"
"""The kind of the last message of a call a person takes over: the session ends after it."""
CODE_LENGTH = 6
SUBMIT_KEY = "#"
CLEAR_KEY = "*"
MAX_KEYS = 16
MAX_STREAMED = 4
"""Replies said while written that one turn may leave waiting for their delivery."""

Heard = Callable[[str, str], Awaitable[None]]
"""Told, for a call's sid, what the caller heard of a reply before they interrupted it."""


class Socket(Protocol):
    """The part of a WebSocket a call needs."""

    async def send_text(self, data: str) -> None: ...


@dataclass
class Streamed:
    """A reply said while the model wrote it, until it is delivered at the turn's end."""

    speech: int
    """The session's speech count when it began: an interruption since stops it."""
    written: str = ""
    said_up_to: int = 0
    """How much of `written` was said (whole sentences)."""
    spoken_chars: int = 0
    heard: str | None = None
    """What the caller heard of it, when they cut in before it was delivered."""


class CallSession:
    """Speaks Caseloop's replies into one call and reads the caller's keypad.

    A reply goes out sentence by sentence, each as a `text` token, the last one marked `last`.
    A reply the model is still writing (`stream`) is said as its sentences become whole; when
    it is delivered, only the rest of it is said. When the caller interrupts, what was being
    said stops (later sentences of that reply are not sent) and `heard` keeps what they heard
    of it, once the reply is in the transcript.

    Args:
        call: The call, from the relay's `setup` message.
        socket: The relay's WebSocket.
        heard: Records what the caller heard of a reply they cut short.
    """

    def __init__(self, call: Call, socket: Socket, heard: Heard | None = None) -> None:
        self.call = call
        self._socket = socket
        self._heard = heard
        self._streamed: list[Streamed] = []
        """This turn's replies said while written, in order, not yet delivered."""
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
        """Speak a reply (what of it was not said while it was written); a hand-off reply
        then ends the relay session.

        Raises:
            Exception: the socket failed (the call went away).
        """
        if self.ended:
            return
        self._options = message.options
        whole = for_the_ear(message)
        streamed = self._delivered(message.text)
        if streamed is None:
            self.saying = whole
            await self._speak(self._speech, whole, last=True)
        elif streamed.heard is not None:
            if streamed.heard != whole and self._heard is not None:
                await self._heard(self.call.sid, streamed.heard)
        else:
            self.saying = whole
            rest = spoken(message.text[streamed.said_up_to:])  # past the words said
            if streamed.spoken_chars + len(rest) > MAX_SPOKEN_CHARS:
                rest = ""
            rest = f"{rest} {choices_said(message.options)}".strip()
            if rest or not self._streamed:  # else what was said next closes the reply
                await self._speak(streamed.speech, rest, last=True)
        if message.kind == HAND_OFF:
            self.ended = True
            await self._send(end_frame({"reason": "person", "callSid": self.call.sid}))

    async def stream(self, written: str, whole: bool = False) -> None:
        """A reply written so far: say its sentences that became whole since last time (all
        of it when it is `whole`).

        Raises:
            Exception: the socket failed (the call went away).
        """
        if self.ended or (whole and any(s.written == written for s in self._streamed)):
            return
        current = self._streamed[-1] if self._streamed else None
        if current is None or not written.startswith(current.written):
            current = Streamed(self._speech)
            self._streamed = [*self._streamed[-(MAX_STREAMED - 1):], current]
        if not current.said_up_to:
            current.speech = self._speech  # an interruption of an earlier reply is not this one's
        current.written = written
        end = (len(written) if whole
               else sentence_end(written[:MAX_SPOKEN_CHARS * 2], current.said_up_to))
        if end == current.said_up_to or current.heard is not None:
            return
        part = spoken(written[current.said_up_to:end])
        current.said_up_to = end
        if part and current.spoken_chars + len(part) <= MAX_SPOKEN_CHARS:
            current.spoken_chars += len(part) + 1
            await self._speak(current.speech, part, last=False)

    def interrupted(self, heard: str) -> str | None:
        """Stop what was being said. Returns what the caller heard of it to record now, or
        None: when they heard it all, or when the reply is still being written (what they
        heard is then recorded once it is delivered)."""
        speech, self._speech = self._speech, self._speech + 1
        heard = heard.strip()
        live = next((streamed for streamed in reversed(self._streamed)
                     if streamed.speech == speech and streamed.said_up_to), None)
        if live is not None:
            live.heard = heard
            return None
        return heard if self.saying and heard != self.saying else None

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
        self._streamed = [s for s in self._streamed if s.heard is not None]
        return self.turns

    def _delivered(self, text: str) -> Streamed | None:
        """The reply said while written that `text` delivers (and those before it, left
        behind), if any."""
        for index, streamed in enumerate(self._streamed):
            said = streamed.written[:streamed.said_up_to].rstrip()
            if said and text.startswith(said):
                del self._streamed[:index + 1]
                return streamed
        return None

    async def _speak(self, speech: int, text: str, last: bool) -> None:
        """Say `text` in sentences, unless the caller cut in since `speech`; `last` closes
        the reply."""
        parts = sentences(text) or [""]
        if not last:
            parts[-1] += " "
        for index, part in enumerate(parts):
            if speech != self._speech:
                log.info("Call %s: the caller interrupted, the rest of the reply is dropped",
                         self.call.sid)
                return
            await self._send(text_frame(part, last=last and index == len(parts) - 1))

    async def _send(self, frame: dict[str, Any]) -> None:
        await self._socket.send_text(json.dumps(frame, ensure_ascii=False))


def _opening_choices(call: Call) -> tuple[str, ...]:
    """`1`…`n` for a call that opened with `n` keypad choices (the greeting asked them)."""
    count = call.parameters.get(CHOICES, "")
    if not count.isdigit():
        return ()
    return tuple(str(number) for number in range(1, min(int(count), 9) + 1))
