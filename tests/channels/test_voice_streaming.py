"""Replies said into a call while the model writes them: sentences as they become whole, in
the order of the turn's replies, the rest when they are delivered, nothing more once the
caller cut in, and what they heard kept for the reply they heard it of."""

from __future__ import annotations

import time

from channels.base import OutboundMessage
from channels.voice.call import CallSession
from channels.voice.channel import VoiceChannel
from channels.voice.speech import CONFIRM_KEYS, for_the_ear
from channels.voice.translate import Call
from tests.channels.test_voice import CALL_SID, Recorder

TURN = f"{CALL_SID}:1"
GREETING = "Hi Noor, I've matched this number to your account."
REPLY = ("Your order Q5521 was delivered on Monday. It cost £38.40 in all. "
         "Is there anything else?")


def reply(text: str = REPLY, turn: str | None = TURN, **fields: object) -> OutboundMessage:
    return OutboundMessage(channel="voice", recipient=CALL_SID, text=text, in_reply_to=turn,
                           **fields)


def tokens(socket: Recorder) -> list[tuple[str, bool]]:
    return [(frame["token"], frame["last"]) for frame in socket.frames]


def heard_words(socket: Recorder) -> str:
    return "".join(token for token, _ in tokens(socket))


async def write(session: CallSession, key: str, text: str, upto: int | None = None,
                turn: str = TURN, pieces: int = 9) -> None:
    """The model writes `text` (up to `upto` characters, else all of it and then says it is
    whole) in `pieces`, each time telling the session all of it so far."""
    end = len(text) if upto is None else upto
    step = -(-end // pieces)
    for stop in range(step, end + step, step):
        await session.ahead(turn, key, text[:min(stop, end)], False)
    if upto is None:
        await session.ahead(turn, key, text, True)


async def answer(session: CallSession, text: str, turn: str) -> None:
    """The model writes a reply to the caller's message `turn`, then it is delivered."""
    await write(session, "m2", text, turn=turn)
    await session.say(reply(text, turn=turn))


class Listener:
    def __init__(self) -> None:
        self.heard: list[tuple[str, str, str]] = []

    async def __call__(self, call_sid: str, said: str, heard: str) -> None:
        self.heard.append((call_sid, said, heard))


async def test_sentences_are_said_as_written_and_each_word_once() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.ahead(TURN, "m1", "Your order Q5521 was deliv", False)
    assert socket.frames == []  # half a sentence is not said
    await session.ahead(TURN, "m1", "Your order Q5521 was delivered on Monday. It cost", False)
    assert tokens(socket) == [("Your order Q 5 5 2 1 was delivered on Monday. ", False)]
    await write(session, "m1", REPLY)
    assert all(not last for _, last in tokens(socket))  # said, not yet closed
    await session.say(reply())
    assert tokens(socket)[-1] == ("", True)
    assert heard_words(socket) == for_the_ear(reply()) + " "


async def test_what_was_not_said_ahead_is_said_at_delivery_and_closes_the_reply() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    text = "I can refund £38.40 on order Q5521. Shall I go ahead?"
    await write(session, "m1", text, upto=40)
    await session.say(reply(text, options=("Yes", "No")))
    assert tokens(socket)[0] == ("I can refund 38 pounds 40 on order Q 5 5 2 1. ", False)
    assert heard_words(socket).endswith(f"Shall I go ahead? {CONFIRM_KEYS}")
    assert [last for _, last in tokens(socket)] == [False] * (len(socket.frames) - 1) + [True]


async def test_a_turns_replies_are_heard_in_their_order() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.ahead(TURN, "greeting", GREETING, True)
    await write(session, "answer", REPLY)
    await session.ahead(TURN, "greeting", GREETING, True)  # told again by a later model call
    await session.say(reply(GREETING))
    await session.say(reply())
    await session.say(reply("Shall I cancel it?", options=("Yes", "No")))  # not said ahead
    said = heard_words(socket)
    assert said.index("Hi Noor") < said.index("delivered") < said.index("Shall I cancel")
    assert said.count("Hi Noor") == 1 and said.count("delivered") == 1
    assert [last for _, last in tokens(socket)].count(True) == 2


async def test_the_callers_next_words_do_not_restart_a_reply_being_written() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await write(session, "m1", REPLY, upto=50)
    session.next_turn()  # "okay", said in a pause: no interruption
    await write(session, "m1", REPLY)
    await session.say(reply())
    assert heard_words(socket).count("delivered") == 1


async def test_a_caller_who_cuts_in_hears_no_more_and_each_reply_keeps_what_they_heard() -> None:
    socket, listener = Recorder(), Listener()
    session = CallSession(Call(CALL_SID, None), socket, listener)
    await session.ahead(TURN, "greeting", GREETING, True)
    await write(session, "answer", REPLY, upto=50)
    assert session.interrupted("Hi Noor, I've matched") == []  # not in the transcript yet
    await write(session, "answer", REPLY)
    await session.say(reply(GREETING))
    await session.say(reply())
    assert "It cost" not in heard_words(socket) and tokens(socket)[-1][1] is False
    assert listener.heard == [(CALL_SID, GREETING, "Hi Noor, I've matched"),
                              (CALL_SID, REPLY, "")]


async def test_cutting_in_after_a_whole_reply_keeps_it_and_cuts_the_next() -> None:
    socket, listener = Recorder(), Listener()
    session = CallSession(Call(CALL_SID, None), socket, listener)
    await session.ahead(TURN, "greeting", GREETING, True)
    await write(session, "answer", REPLY)
    await session.say(reply(GREETING))
    await session.say(reply())
    cut = session.interrupted(f"{GREETING} Your order Q 5 5 2 1 was")
    assert cut == [(REPLY, "Your order Q 5 5 2 1 was")]


async def test_a_failed_turn_after_a_cut_leaves_the_next_turn_whole() -> None:
    socket, listener = Recorder(), Listener()
    session = CallSession(Call(CALL_SID, None), socket, listener)
    await write(session, "m1", "Let me check. Your order is", upto=20)
    session.interrupted("Let me")
    await session.say(reply("Sorry, something went wrong on our side."))
    assert listener.heard == [(CALL_SID, "Sorry, something went wrong on our side.", "")]
    await answer(session, "Let me check. It shipped today.", f"{CALL_SID}:2")
    assert heard_words(socket).endswith("Let me check. It shipped today. ")


async def test_an_interruption_of_an_earlier_reply_does_not_silence_the_next_turn() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.say(reply("First answer. With two sentences."))
    assert session.interrupted("First answer.") == [("First answer. With two sentences.",
                                                     "First answer.")]
    await answer(session, "Second answer is here. And more.", f"{CALL_SID}:2")
    assert heard_words(socket).endswith("Second answer is here. And more. ")


async def test_a_long_reply_stops_at_the_limit() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    text = "This sentence is said aloud. " * 100 + "A last short one."
    await write(session, "m1", text, pieces=300)
    await session.say(reply(text))
    said = heard_words(socket)
    assert 1_000 < len(said) <= 1_250 and "A last short one" not in said
    assert tokens(socket)[-1][1] is True


async def test_a_call_gone_while_a_reply_is_written_ends_without_stopping_the_turn() -> None:
    class Gone(Recorder):
        async def send_text(self, data: str) -> None:
            raise ConnectionError("the caller hung up")

    channel = VoiceChannel()
    session = CallSession(Call(CALL_SID, None), Gone())
    channel._calls[CALL_SID] = session
    speaker = channel.speaker(CALL_SID, TURN)
    assert speaker is not None
    await speaker("m1", "One sentence. Two sentences. ", False)
    assert session.ended and not channel.is_connected(CALL_SID)
    assert channel.speaker(CALL_SID, TURN) is None


async def test_cutting_into_a_reply_still_being_written_keeps_what_was_heard_of_it() -> None:
    socket, listener = Recorder(), Listener()
    session = CallSession(Call(CALL_SID, None), socket, listener)
    await write(session, "answer", REPLY, upto=50)
    assert session.interrupted("Your order Q 5 5 2 1 was") == []
    await write(session, "answer", REPLY)
    await session.say(reply())
    assert len(socket.frames) == 1
    assert listener.heard == [(CALL_SID, REPLY, "Your order Q 5 5 2 1 was")]


async def test_a_reply_written_without_a_sentence_end_is_read_in_linear_time() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    started = time.perf_counter()
    written = ""
    for _ in range(4_000):
        written += "word "
        await session.ahead(TURN, "m1", written, False)
    assert time.perf_counter() - started < 2.0 and socket.frames == []


async def test_a_colleagues_message_in_between_does_not_restart_a_reply() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await write(session, "m1", REPLY, upto=50)
    await session.say(reply("A colleague approved your refund.", turn=None))
    await write(session, "m1", REPLY)
    await session.say(reply())
    said = heard_words(socket)
    assert said.count("delivered on Monday") == 1 and "A colleague approved" in said


async def test_a_very_long_reply_is_matched_to_its_delivery_and_said_once() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    text = "Hello there. " + "x" * 25_000
    await session.ahead(TURN, "m1", text, True)
    await session.say(reply(text))
    assert heard_words(socket).count("Hello there.") == 1


async def test_words_heard_of_a_reply_rewritten_at_delivery_are_kept_for_the_new_one() -> None:
    socket, listener = Recorder(), Listener()
    session = CallSession(Call(CALL_SID, None), socket, listener)
    await session.ahead(TURN, "m1", "Let me look that up for you.", True)
    await session.say(reply("I'm passing your call to a colleague."))
    cut = session.interrupted("Let me look that up for you. I'm passing")
    assert cut == [("I'm passing your call to a colleague.", "I'm passing")]
