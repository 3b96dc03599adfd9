"""ConversationRelay's WebSocket messages to and from Caseloop's: pure functions, no I/O.

Twilio transcribes the caller and sends `setup`, `prompt`, `dtmf`, `interrupt` and `error`
messages; Caseloop answers with `text` tokens (spoken by Twilio) and `end` (with hand-off
data) when a person takes the call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from channels.base import InboundMessage

NAME = "voice"
MAX_FRAME_BYTES = 16_384
"""Largest message read from the relay: a long spoken prompt, escaped, fits many times over."""
MAX_FIELD_CHARS = 4_000
MAX_PARAMETERS = 20
ATTESTATION = "StirVerstat"
"""Twilio's caller ID attestation of an inbound call (`TN-Validation-Passed-A`...), passed
from the call's webhook to the relay as a custom parameter."""
CHOICES = "choices"
"""How many keypad choices the call opened with (an outreach call's offer), passed from its
answer webhook to the relay: a key among them names its choice ("2")."""
OUTREACH = "outreach"
"""The event an outreach call was placed for, passed to the relay like `CHOICES`."""
UNANSWERED = frozenset({"busy", "no-answer", "failed", "canceled"})
"""A placed call's final `CallStatus` when nobody took it."""

_E164 = re.compile(r"\+[1-9]\d{5,14}")
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
_DIGIT = re.compile(r"[0-9*#A-Da-d]")

Kind = Literal["setup", "prompt", "dtmf", "interrupt", "error"]


class RelayError(ValueError):
    """A relay message Caseloop cannot use (too big, not JSON, unknown type, bad fields)."""


@dataclass(frozen=True)
class Call:
    """The call a relay session carries, from its `setup` message."""

    sid: str
    """Twilio's `CallSid`: the call's address on the `voice` channel."""
    caller: str | None
    """The caller's number (E.164) as caller ID gives it; None when withheld or not a number."""
    attestation: str | None = None
    """STIR/SHAKEN attestation of the caller ID, when Twilio gave one."""
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RelayEvent:
    """One message from Twilio's side of the relay."""

    kind: Kind
    call: Call | None = None
    """`setup` only."""
    text: str = ""
    """`prompt`: what the caller said; `interrupt`: what they heard before speaking;
    `error`: Twilio's description."""
    last: bool = True
    """`prompt`: False while the caller is still speaking (a partial transcript)."""
    digit: str = ""
    """`dtmf`: the key pressed."""


def read_event(frame: str) -> RelayEvent:
    """Turn one relay message into an event.

    Raises:
        RelayError: the message is too big, not a JSON object, of an unknown type, or lacks
            what its type needs.
    """
    if len(frame) > MAX_FRAME_BYTES or len(frame.encode("utf-8", "surrogatepass")) > \
            MAX_FRAME_BYTES:
        raise RelayError("message too big")
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        raise RelayError("not JSON") from None
    if not isinstance(data, dict):
        raise RelayError("not a JSON object")
    kind = data.get("type")
    if kind == "setup":
        return RelayEvent("setup", call=_call(data))
    if kind == "prompt":
        return RelayEvent("prompt", text=_text(data.get("voicePrompt")),
                          last=data.get("last") is not False)
    if kind == "dtmf":
        digit = _text(data.get("digit"))
        if not _DIGIT.fullmatch(digit):
            raise RelayError("dtmf without a key")
        return RelayEvent("dtmf", digit=digit.upper())
    if kind == "interrupt":
        return RelayEvent("interrupt", text=_text(data.get("utteranceUntilInterrupt")))
    if kind == "error":
        return RelayEvent("error", text=_text(data.get("description")))
    raise RelayError(f"unknown message type {str(kind)[:40]!r}")


def to_inbound(call: Call, text: str, turn: int) -> InboundMessage:
    """What the caller said (or keyed) in one turn of the call, as an inbound message.

    The caller's number is passed as `verified_phone`: it recognizes a customer for reads.
    Caller ID can be spoofed, so an action on a call still needs a one-time code.
    """
    raw: dict[str, Any] = {"callSid": call.sid, "from": call.caller or "", "turn": turn}
    if call.attestation:
        raw[ATTESTATION] = call.attestation
    return InboundMessage(channel=NAME, sender=call.sid,
                          provider_message_id=f"{call.sid}:{turn}", text=text.strip(),
                          verified_phone=call.caller, raw=raw)


def text_frame(token: str, last: bool) -> dict[str, Any]:
    """A piece of the reply for Twilio to speak; `last` closes the reply."""
    return {"type": "text", "token": token, "last": last}


def end_frame(handoff: dict[str, Any]) -> dict[str, Any]:
    """Ends the relay session; Twilio posts `handoff` (as JSON) to the `<Connect>` action."""
    return {"type": "end", "handoffData": json.dumps(handoff, separators=(",", ":"))}


def read_handoff(value: str | None) -> dict[str, Any]:
    """The hand-off data Caseloop gave when it ended a session ({} when absent or unusable)."""
    if not value or len(value) > MAX_FIELD_CHARS:
        return {}
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def caller_number(value: str | None) -> str | None:
    """An E.164 caller number, or None (withheld, anonymous, a SIP address)."""
    number = (value or "").strip()
    return number if _E164.fullmatch(number) else None


def _call(data: dict[str, Any]) -> Call:
    sid = _text(data.get("callSid"))
    if not _CALL_SID.fullmatch(sid):
        raise RelayError("setup without a callSid")
    raw_parameters = data.get("customParameters")
    parameters: dict[str, str] = {}
    if isinstance(raw_parameters, dict):
        for key, value in list(raw_parameters.items())[:MAX_PARAMETERS]:
            if isinstance(key, str) and isinstance(value, str):
                parameters[key[:100]] = value[:MAX_FIELD_CHARS]
    attestation = parameters.get(ATTESTATION, "")[:60] or None
    return Call(sid=sid, caller=caller_number(_text(data.get("from"))),
                attestation=attestation, parameters=parameters)


def _text(value: object) -> str:
    return value[:MAX_FIELD_CHARS].strip() if isinstance(value, str) else ""
