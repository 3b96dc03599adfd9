"""The voice channel's pure parts: relay messages, TwiML, speech for the ear, keys, a session."""

from __future__ import annotations

import json
import time

import pytest
from twilio.request_validator import RequestValidator

from channels.base import OutboundMessage
from channels.twilio.signature import SignatureChecker
from channels.voice.call import CallSession
from channels.voice.speech import for_the_ear, sentences, spoken
from channels.voice.translate import (
    Call,
    RelayError,
    end_frame,
    read_event,
    read_handoff,
    to_inbound,
)
from channels.voice.twiml import connect_relay, farewell, relay_url, transfer

CALL_SID = "CA" + "1f" * 16
TOKEN = "f00dfeedcafe0123456789abcdef0123"


def setup_frame(**extra: object) -> str:
    return json.dumps({"type": "setup", "sessionId": "VX" + "0" * 32, "callSid": CALL_SID,
                       "from": "+33612345678", "to": "+14155550100", "direction": "inbound",
                       "customParameters": {"StirVerstat": "TN-Validation-Passed-A"}, **extra})


def test_setup_prompt_dtmf_interrupt_error_are_read() -> None:
    setup = read_event(setup_frame())
    assert setup.call == Call(CALL_SID, "+33612345678", "TN-Validation-Passed-A",
                              {"StirVerstat": "TN-Validation-Passed-A"})
    prompt = read_event('{"type":"prompt","voicePrompt":"where is my order","lang":"en-US",'
                        '"last":false}')
    assert (prompt.kind, prompt.text, prompt.last) == ("prompt", "where is my order", False)
    assert read_event('{"type":"dtmf","digit":"#"}').digit == "#"
    heard = read_event('{"type":"interrupt","utteranceUntilInterrupt":"Your order",'
                       '"durationUntilInterruptMs":460}')
    assert (heard.kind, heard.text) == ("interrupt", "Your order")
    assert read_event('{"type":"error","description":"bad"}').text == "bad"


@pytest.mark.parametrize("frame", [
    "not json", "[1]", '{"type":"nope"}', '{"type":"dtmf","digit":"12"}',
    '{"type":"setup","callSid":"XX"}', '{"type":"prompt","voicePrompt":"' + "a" * 20_000 + '"}',
    "[" * 50_000,
])
def test_unusable_messages_are_refused(frame: str) -> None:
    with pytest.raises(RelayError):
        read_event(frame)


def test_withheld_numbers_prove_nothing() -> None:
    call = read_event(setup_frame(**{"from": "anonymous"})).call
    assert call is not None and call.caller is None
    message = to_inbound(call, " hello ", 3)
    assert (message.channel, message.sender, message.provider_message_id, message.text,
            message.verified_phone) == ("voice", CALL_SID, f"{CALL_SID}:3", "hello", None)


def test_the_call_is_answered_with_a_relay_that_carries_its_identity() -> None:
    twiml = connect_relay("https://support.example.com", "Hello", "en-US",
                          {"caller": "+33612345678"})
    assert '<Connect action="https://support.example.com/twilio/voice/handoff">' in twiml
    assert 'url="wss://support.example.com/twilio/relay"' in twiml
    assert 'dtmfDetection="true"' in twiml and 'interruptible="any"' in twiml
    assert '<Parameter name="caller" value="+33612345678" />' in twiml
    assert "<Dial><Sip>sip:desk@pbx.example.com</Sip></Dial>" in transfer(
        "sip:desk@pbx.example.com", None)
    assert '<Dial callerId="+14155550100"><Number>+442071234567</Number>' in transfer(
        "+442071234567", "+14155550100")
    assert farewell("Bye.").endswith("<Say>Bye.</Say><Hangup /></Response>")


def test_handshakes_are_checked_with_twilios_code() -> None:
    url = relay_url("https://support.example.com/")
    signature = RequestValidator(TOKEN).compute_signature(url, {})
    assert SignatureChecker(TOKEN).handshake_is_valid(url, signature)
    assert not SignatureChecker(TOKEN).handshake_is_valid(url + "x", signature)
    assert not SignatureChecker(TOKEN).handshake_is_valid(url, None)
    assert not SignatureChecker("0" * 32).handshake_is_valid(url, signature)


def test_handoff_data_round_trips_and_junk_is_empty() -> None:
    assert read_handoff(end_frame({"reason": "person"})["handoffData"]) == {"reason": "person"}
    assert read_handoff("[1]") == {} and read_handoff(None) == {} and read_handoff("{") == {}


def test_replies_are_written_for_the_ear() -> None:
    said = spoken("**Order Q5521** shipped (see https://shop.example.com/t?q=1). It was $38.40.")
    assert said == ("Order Q 5 5 2 1 shipped (see our website). It was 38 dollars 40 cents.")
    ask = OutboundMessage(channel="voice", recipient=CALL_SID, options=("Yes", "No"),
                          text="Just to confirm: I'll refund €20.00 for order V9001. "
                               "Shall I go ahead? (yes / no)")
    assert for_the_ear(ask) == ("Just to confirm: I'll refund 20 euros for order V 9 0 0 1. "
                                "Shall I go ahead? Say yes or press 1. Say no or press 2.")
    assert sentences("One. Two? Three") == ["One. ", "Two? ", "Three"]


def test_speech_is_linear_on_hostile_text() -> None:
    started = time.perf_counter()
    for text in ("#" * 50_000, "[" * 50_000, "Q1" * 25_000, "http://" + "a" * 50_000,
                 "$" * 50_000, "*" * 50_000, " " * 50_000 + "(yes /"):
        assert len(spoken(text)) <= 1_300
    assert time.perf_counter() - started < 1.0


class Recorder:
    def __init__(self) -> None:
        self.frames: list[dict] = []

    async def send_text(self, data: str) -> None:
        self.frames.append(json.loads(data))


async def test_a_reply_goes_out_as_sentences_and_a_handoff_ends_the_session() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.say(OutboundMessage(channel="voice", recipient=CALL_SID,
                                      text="Hello there. How can I help?"))
    assert socket.frames == [{"type": "text", "token": "Hello there. ", "last": False},
                             {"type": "text", "token": "How can I help?", "last": True}]
    await session.say(OutboundMessage(channel="voice", recipient=CALL_SID, kind="handoff",
                                      text="A colleague will take it from here."))
    assert socket.frames[-1]["type"] == "end"
    assert json.loads(socket.frames[-1]["handoffData"])["reason"] == "person"


def test_keys_pick_a_choice_or_make_a_code() -> None:
    session = CallSession(Call(CALL_SID, None), Recorder())
    session._options = ("Yes", "No")  # as after a yes-or-no question
    assert session.key("2") == "No"
    assert [session.key(d) for d in "12345"] == [None] * 5
    assert session.key("6") == "123456"
    assert session.key("4") is None and session.key("2") is None and session.key("#") == "42"
    assert session.key("9") is None and session.key("*") is None and session.key("#") is None
