"""A reply said into a call while the model writes it: sentences as they become whole, the
rest when the reply is delivered, nothing more once the caller cut in."""

from __future__ import annotations

from channels.base import OutboundMessage
from channels.voice.call import CallSession
from channels.voice.speech import CONFIRM_KEYS, for_the_ear
from channels.voice.translate import Call
from tests.channels.test_voice import CALL_SID, Recorder

REPLY = ("Your order Q5521 was delivered on Monday. It cost £38.40 in all. "
         "Is there anything else?")


def reply(text: str = REPLY, **fields: object) -> OutboundMessage:
    return OutboundMessage(channel="voice", recipient=CALL_SID, text=text, **fields)


def tokens(socket: Recorder) -> list[tuple[str, bool]]:
    return [(frame["token"], frame["last"]) for frame in socket.frames]


async def write(session: CallSession, text: str, pieces: int = 9, after: int = 0) -> None:
    """The model writes the rest of `text` (past `after` characters) in `pieces`, each time
    telling the session all of it so far."""
    step = -(-(len(text) - after) // pieces)
    for end in range(after + step, len(text) + step, step):
        await session.stream(text[:min(end, len(text))])


async def test_sentences_are_said_as_written_and_the_delivery_says_only_the_rest() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.stream("Your order Q5521 was deliv")
    assert socket.frames == []  # half a sentence is not said
    await session.stream("Your order Q5521 was delivered on Monday. It cost")
    assert tokens(socket) == [("Your order Q 5 5 2 1 was delivered on Monday. ", False)]
    await write(session, REPLY, after=50)
    await session.say(reply())
    assert [last for _, last in tokens(socket)] == [False, False, True]
    assert "".join(token for token, _ in tokens(socket)) == for_the_ear(reply())


async def test_a_question_written_aloud_ends_with_its_keys() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    text = "I can refund £38.40 on order Q5521. Shall I go ahead?"
    await write(session, text)
    await session.say(reply(text, options=("Yes", "No")))
    said = "".join(token for token, _ in tokens(socket))
    assert said == for_the_ear(reply(text, options=("Yes", "No")))
    assert said.endswith(CONFIRM_KEYS) and tokens(socket)[-1][1] is True


async def test_a_reply_that_ends_as_written_closes_with_an_empty_last_token() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.stream("Thanks for calling. ")
    await session.say(reply("Thanks for calling."))
    assert tokens(socket) == [("Thanks for calling. ", False), ("", True)]


async def test_a_caller_who_cuts_in_hears_no_more_and_what_they_heard_is_kept() -> None:
    socket, heard = Recorder(), []

    async def keep(call_sid: str, words: str) -> None:
        heard.append((call_sid, words))

    session = CallSession(Call(CALL_SID, None), socket, keep)
    await session.stream("Your order Q5521 was delivered on Monday. It")
    assert session.interrupted("Your order Q 5 5 2") is None  # not in the transcript yet
    await write(session, REPLY, after=45)
    await session.say(reply())
    assert len(socket.frames) == 1 and heard == [(CALL_SID, "Your order Q 5 5 2")]
    session.next_turn()  # the caller's next words: a new reply is said in full
    await write(session, "Of course. The return label is on its way.")
    await session.say(reply("Of course. The return label is on its way."))
    assert tokens(socket)[1:] == [("Of course. ", False), ("The return label is on its way.",
                                                            True)]


async def test_cutting_into_an_earlier_reply_does_not_silence_the_next() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.say(reply("First answer. With two sentences."))
    await session.stream("Second answer ")  # nothing said of it yet
    assert session.interrupted("First answer.") == "First answer."
    await session.stream("Second answer is here. And more.")
    await session.say(reply("Second answer is here. And more."))
    assert tokens(socket)[-2:] == [("Second answer is here. ", False), ("And more.", True)]


async def test_a_delivered_reply_other_than_the_one_written_is_said_whole() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    await session.stream("Let me look that up. ")
    await session.say(reply("I'm passing your call to a colleague."))
    assert tokens(socket) == [("Let me look that up. ", False),
                              ("I'm passing your call to a colleague.", True)]


async def test_a_long_reply_is_said_up_to_the_limit_and_no_further() -> None:
    socket = Recorder()
    session = CallSession(Call(CALL_SID, None), socket)
    text = "This sentence is said aloud. " * 200
    await write(session, text, pieces=400)
    await session.say(reply(text.strip()))
    said = "".join(token for token, _ in tokens(socket))
    assert 1_000 < len(said) <= 1_250 and tokens(socket)[-1][1] is True
