"""The TwiML Caseloop answers calls with, built by the twilio SDK's `VoiceResponse`."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from twilio.twiml.voice_response import Connect, VoiceResponse

RELAY_PATH = "/twilio/relay"
HANDOFF_PATH = "/twilio/voice/handoff"
OUTREACH_PATH = "/twilio/voice/outreach"
"""Where Twilio asks what to say when a customer answers a call Caseloop placed."""
OUTREACH_STATUS_PATH = "/twilio/voice/outreach/status"
"""Where Twilio tells how a call Caseloop placed ended (answered or not)."""
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


def outreach_urls(public_url: str, event_id: str, greeting: str, choices: int
                  ) -> tuple[str, str]:
    """The answer URL and status URL of an outreach call: the event, what to say first and
    how many keypad choices it offers ride in the query, which Twilio signs with the body."""
    base = public_url.rstrip("/")
    answer = urlencode({"event": event_id, "greeting": greeting, "choices": str(choices)})
    return (f"{base}{OUTREACH_PATH}?{answer}",
            f"{base}{OUTREACH_STATUS_PATH}?{urlencode({'event': event_id})}")


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
