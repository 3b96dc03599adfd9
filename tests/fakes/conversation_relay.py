"""Twilio's side of a call: the "a call comes in" webhook's form, then ConversationRelay's
WebSocket speaking the documented messages (`setup`, `prompt`, `dtmf`, `interrupt`), its
handshake signed with Twilio's own `RequestValidator`."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

import websockets

from tests.fakes.whatsapp_helpers import ACCOUNT_SID, PUBLIC_URL, sign

BUSINESS_NUMBER = "+14155550100"
RELAY_URL = PUBLIC_URL.replace("https://", "wss://") + "/twilio/relay"

_calls = itertools.count(1)


def call_sid() -> str:
    """A fresh Twilio call sid."""
    return f"CA{next(_calls):032x}"


def call_form(sid: str, caller: str, attestation: str | None = None) -> dict[str, str]:
    """The form Twilio posts to the number's "a call comes in" URL."""
    form = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": sid,
            "CallStatus": "ringing", "Called": BUSINESS_NUMBER, "Caller": caller,
            "Direction": "inbound", "From": caller, "To": BUSINESS_NUMBER}
    if attestation:
        form["StirVerstat"] = attestation
    return form


class RelayCall:
    """One call's relay session against the server.

    Args:
        ws_url: The server's `ws://host:port`.
        signature: "sign" to sign the handshake for the public relay URL, None for none, or a
            value to send as the signature.
    """

    def __init__(self, ws_url: str, sid: str, caller: str, attestation: str | None = None,
                 signature: str | None = "sign",
                 parameters: dict[str, str] | None = None) -> None:
        self.ws_url = ws_url
        self.sid = sid
        self.caller = caller
        self.attestation = attestation
        self.signature = signature
        self.parameters = parameters
        """The TwiML's `<Parameter>`s, for a call Caseloop placed (then the caller is the
        business's number and the call is outbound)."""
        self.frames: list[dict[str, Any]] = []
        self.socket: Any = None

    async def __aenter__(self) -> RelayCall:
        headers = {}
        if self.signature == "sign":
            headers["X-Twilio-Signature"] = sign(RELAY_URL, {})
        elif self.signature is not None:
            headers["X-Twilio-Signature"] = self.signature
        self.socket = await websockets.connect(self.ws_url + "/twilio/relay",
                                               additional_headers=headers)
        parameters = {"caller": self.caller}
        if self.attestation:
            parameters["StirVerstat"] = self.attestation
        ends = (self.caller, BUSINESS_NUMBER, "inbound")
        if self.parameters is not None:
            parameters = self.parameters
            ends = (BUSINESS_NUMBER, self.caller, "outbound-api")
        await self._send({"type": "setup", "sessionId": "VX" + self.sid[2:],
                          "accountSid": ACCOUNT_SID, "parentCallSid": "", "callSid": self.sid,
                          "from": ends[0], "to": ends[1], "forwardedFrom": "",
                          "callType": "PSTN", "callerName": "", "direction": ends[2],
                          "callStatus": "RINGING", "customParameters": parameters})
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.socket.close()

    async def say(self, words: str, partial: bool = True) -> float:
        """The caller says `words` (a partial transcript first); returns when the final
        `prompt` was sent (`time.perf_counter()`)."""
        if partial and " " in words:
            await self._send({"type": "prompt", "voicePrompt": words.rsplit(" ", 1)[0],
                              "lang": "en-US", "last": False})
        await self._send({"type": "prompt", "voicePrompt": words, "lang": "en-US",
                          "last": True})
        return time.perf_counter()

    async def press(self, keys: str) -> None:
        """The caller presses keys, one `dtmf` message each."""
        for key in keys:
            await self._send({"type": "dtmf", "digit": key})

    async def interrupt(self, heard: str) -> None:
        """The caller spoke over the reply after hearing `heard` of it."""
        await self._send({"type": "interrupt", "utteranceUntilInterrupt": heard,
                          "durationUntilInterruptMs": 460})

    async def reply(self, timeout: float = 20.0) -> str:
        """The next reply spoken: its `text` tokens up to the one marked `last`."""
        tokens: list[str] = []
        while True:
            frame = await self.next_frame(timeout)
            if frame["type"] == "text":
                tokens.append(frame["token"])
                if frame["last"]:
                    return "".join(tokens)

    async def next_frame(self, timeout: float = 20.0) -> dict[str, Any]:
        """The next message the server sent into the call."""
        frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        self.frames.append(frame)
        return frame

    async def _send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))
