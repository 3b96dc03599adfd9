"""One live call on the relay: replies spoken as text tokens, keys pressed, interruptions."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
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
from channels.voice.turn_speech import Spoken, TurnSpeech

log = logging.getLogger("caseloop.voice")

HAND_OFF = "handoff"
"""The kind of the last message of a call a person takes over: the session ends after it."""
CODE_LENGTH = 6
SUBMIT_KEY = "#"
CLEAR_KEY = "*"
MAX_KEYS = 16
KEPT_TURNS = 4
"""The caller's latest turns whose speech is kept (a turn's replies come soon after it)."""
MAX_WRITTEN_CHARS = 20_000
"""Of a reply said while written, what is kept to be said (far more than is ever spoken)."""

Heard = Callable[[str, str, str], Awaitable[None]]
"""Told, for a call's sid, a reply's text and what the caller heard of it before they cut
in ("" for nothing)."""


class Socket(Protocol):
    """The part of a WebSocket a call needs."""

    async def send_text(self, data: str) -> None: ...


class CallSession:
    """Speaks Caseloop's replies into one call and reads the caller's keypad.

    A reply goes out sentence by sentence, each as a `text` token, the last one marked `last`.
    A reply the model is still writing (`ahead`) is said as its sentences become whole; when
    it is delivered, only the rest of it is said. When the caller cuts in, nothing more of
    that turn's replies is said, and `heard` keeps what they heard of each reply, once the
    reply is in the transcript (at its delivery).

    Args:
        call: The call, from the relay's `setup` message.
        socket: The relay's WebSocket.
        heard: Records what the caller heard of a reply they cut short.
    """

    def __init__(self, call: Call, socket: Socket, heard: Heard | None = None) -> None:
        self.call = call
        self._socket = socket
        self._heard = heard
        self._options = _opening_choices(call)
        """The choices a key names now: the last reply's, or those the call opened with."""
        self._keys = ""
        self._turns: dict[str, TurnSpeech] = {}
        """What was said in answer to the caller's latest turns, by the id of their message."""
        self._speaking: TurnSpeech | None = None
        """What was said last: what a cut-in cuts."""
        self.turns = 0
        """Inbound messages made from this call so far (their ids count on from it)."""
        self.ended = False

    async def say(self, message: OutboundMessage) -> None:
        """Speak a delivered reply (what of it was not said while it was written); a hand-off
        reply then ends the relay session.

        Raises:
            Exception: the socket failed (the call went away).
        """
        if self.ended:
            return
        self._options = message.options
        turn = self._speech_for(message.in_reply_to)
        reply = turn.delivered(message.text)
        if turn.cut:
            if reply.heard is not None and self._heard is not None:
                await self._heard(self.call.sid, message.text, reply.heard)
        elif not reply.spoken:
            await self._speak(turn, reply, for_the_ear(message), last=True)
        else:
            rest = "" if reply.complete else spoken(message.text[reply.said_up_to:])
            rest = f"{rest} {choices_said(message.options)}".strip()
            if rest or not turn.more_said_after(reply):
                await self._speak(turn, reply, rest, last=True)
        if message.kind == HAND_OFF:
            self.ended = True
            await self._send(end_frame({"reason": "person", "callSid": self.call.sid}))

    async def ahead(self, turn_id: str, key: str, written: str, whole: bool) -> None:
        """A reply (message id `key`) of the turn answering `turn_id`, written so far: say its
        sentences that became whole since last time, all of it once it is `whole`.

        Raises:
            Exception: the socket failed (the call went away).
        """
        if self.ended:
            return
        turn = self._speech_for(turn_id)
        reply = turn.ahead(key)
        if reply is None:
            return
        reply.written = written[:MAX_WRITTEN_CHARS]  # what its delivery is matched against
        reply.truncated = len(written) > MAX_WRITTEN_CHARS
        if reply.complete or turn.cut:
            return
        end = (len(reply.written) if whole  # a sentence is looked for in what can be said
               else sentence_end(reply.written[:MAX_SPOKEN_CHARS * 2], reply.said_up_to))
        part = spoken(reply.written[reply.said_up_to:end]) if end > reply.said_up_to else ""
        reply.said_up_to = max(end, reply.said_up_to)
        if part:
            await self._speak(turn, reply, part, last=False)
        reply.complete = reply.complete or (whole and not turn.cut)

    def interrupted(self, heard: str) -> list[tuple[str, str]]:
        """The caller cut in: nothing more of the turn being answered is said. Returns, for
        its delivered replies they did not hear in full, each reply's text and what they heard
        of it, to record now (the others are recorded as they are delivered)."""
        turn = self._speaking
        if turn is None or turn.cut:
            return []
        return [(reply.written, reply.heard or "") for reply in turn.cut_at(heard)]

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

    def _speech_for(self, turn_id: str | None) -> TurnSpeech:
        """What is said in answer to message `turn_id` (a message answering none, like a
        colleague's, is said on its own)."""
        if turn_id is None:
            return TurnSpeech(None)
        if turn_id not in self._turns:
            self._turns = {**dict(list(self._turns.items())[-(KEPT_TURNS - 1):]),
                           turn_id: TurnSpeech(turn_id)}
        return self._turns[turn_id]

    async def _speak(self, turn: TurnSpeech, reply: Spoken, text: str, last: bool) -> None:
        """Say `text` of `reply` in sentences, up to the length limit and while the caller
        does not cut in; `last` closes what is said."""
        if reply.spoken and len(reply.spoken) + len(text) > MAX_SPOKEN_CHARS:
            reply.complete, text = True, ""
        parts = sentences(text) or [""]
        if not last:
            parts[-1] += " "
        for index, part in enumerate(parts):
            if turn.cut:
                log.info("Call %s: the caller cut in, the rest of the reply is dropped",
                         self.call.sid)
                return
            if part.strip() or last:
                self._speaking = turn
                reply.spoken += part
                await self._send(text_frame(part, last=last and index == len(parts) - 1))

    async def _send(self, frame: dict[str, Any]) -> None:
        await self._socket.send_text(json.dumps(frame, ensure_ascii=False))


def _opening_choices(call: Call) -> tuple[str, ...]:
    """`1`…`n` for a call that opened with `n` keypad choices (the greeting asked them)."""
    count = call.parameters.get(CHOICES, "")
    if not count.isdigit():
        return ()
    return tuple(str(number) for number in range(1, min(int(count), 9) + 1))
