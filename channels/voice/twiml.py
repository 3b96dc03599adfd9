"""The TwiML Caseloop answers calls with, built by the twilio SDK's `VoiceResponse`."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.twiml.voice_response import Connect, VoiceResponse

RELAY_PATH = "/twilio/relay"
HANDOFF_PATH = "/twilio/voice/handoff"
TRANSFERRING = "Connecting you now. Please stay on the line."
CALL_BACK = ("All of my colleagues are busy right now. One of them will call you back at this "
             "number as soon as they can. Thank you for calling. Goodbye.")
GOODBYE = "Thank you for calling. Goodbye."


def relay_url(public_url: str) -> str:
    """The WebSocket URL Twilio connects to (and signs): `wss://` on the public host."""
    base = public_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://"):]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://"):]
    return base + RELAY_PATH


def connect_relay(public_url: str, greeting: str, language: str,
                  parameters: Mapping[str, str]) -> str:
    """`<Connect action=…><ConversationRelay …>` with the call's identity as parameters.

    The caller may interrupt the speech at any time, and keys pressed are reported (DTMF).
    When Caseloop ends the session, Twilio posts the hand-off data to the action URL.
    """
    response = VoiceResponse()
    connect = Connect(action=public_url.rstrip("/") + HANDOFF_PATH)
    relay = connect.conversation_relay(
        url=relay_url(public_url), welcome_greeting=greeting, language=language,
        interruptible="any", dtmf_detection=True)
    for name, value in parameters.items():
        relay.parameter(name=name, value=value)
    response.append(connect)
    return str(response)


def transfer(target: str, caller_id: str | None) -> str:
    """Tell the caller they are being connected, then dial the number or SIP URI."""
    response = VoiceResponse()
    response.say(TRANSFERRING)
    dial = response.dial(caller_id=caller_id) if caller_id else response.dial()
    if target.lower().startswith("sip:"):
        dial.sip(target)
    else:
        dial.number(target)
    return str(response)


def farewell(text: str) -> str:
    """Say a last sentence and hang up."""
    response = VoiceResponse()
    response.say(text)
    response.hangup()
    return str(response)
