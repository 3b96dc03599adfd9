"""What a visitor reads while verifying: the same words whether or not the address is on file."""

from __future__ import annotations

import re

from tests.fakes.smtp import SmtpSink

NOOR, STRANGER = "noor.haddad@example.org", "nobody-here@example.com"
ASKING_AGAIN = ("please resend the code", "I didn't get any code", "could you send a new code?",
                "resend please", "still nothing, send it again", "another code please")
"""Ways of asking for another code, varied as people vary them (the same words three times
in a row read as frustration, and bring in a person)."""
_TIME = re.compile(r"\b\d\d:\d\d UTC\b")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def same_words(replies: list[str]) -> list[str]:
    """Replies with their clock times blanked: two lockouts may straddle a minute."""
    return [_TIME.sub("HH:MM UTC", reply) for reply in replies]


async def test_every_step_reads_the_same_for_an_address_not_on_file(customer_at,
                                                                  smtp: SmtpSink) -> None:
    known, stranger = customer_at("web-1"), customer_at("web-2")
    read: dict[str, list[str]] = {NOOR: [], STRANGER: []}

    async def both(say: str) -> None:
        read[NOOR] += await known.say(say.format(email=NOOR))
        read[STRANGER] += await stranger.say(say.format(email=STRANGER))

    await both("hi, my email is {email}")
    first = await smtp.code_for(NOOR)
    await both(wrong(first))
    await both("I didn't get the code, please resend it")
    second = await smtp.code_for(NOOR, after=1)
    await both(wrong(second))
    await both(wrong(second))
    await both(second)
    await both("please send a new code")

    assert same_words(read[NOOR]) == same_words(read[STRANGER])
    assert "on its way" in read[NOOR][0]
    assert "2 more tries" in read[NOOR][1]
    assert "sent a new code" in read[NOOR][2]
    assert "1 more try" in read[NOOR][3]
    assert all("paused" in reply and _TIME.search(reply) for reply in read[NOOR][4:])
    assert len(smtp.sent_to(NOOR)) == 2 and smtp.sent_to(STRANGER) == []


async def test_a_new_chat_for_a_locked_address_is_paused_too(customer_at, smtp: SmtpSink) -> None:
    first = customer_at("web-1")
    await first.say(f"it's {NOOR}")
    code = await smtp.code_for(NOOR)
    for _ in range(3):
        await first.say(wrong(code))
    again = customer_at("web-2")
    paused = await again.say(f"my email is {NOOR.upper()}")
    assert "paused after too many wrong codes" in paused[0]
    assert "paused" in (await first.say(code))[0]
    assert len(smtp.sent_to(NOOR)) == 1


async def test_asking_past_the_hourly_limit_says_when_to_ask_again(customer_at,
                                                                    smtp: SmtpSink) -> None:
    mei = customer_at("web-1")
    await mei.say("mei.lin@example.net")
    answers = [(await mei.say(asking))[0] for asking in ASKING_AGAIN[:5]]
    assert all("sent a new code" in answer for answer in answers[:4])
    assert "can't send another one just yet" in answers[4]
    assert _TIME.search(answers[4])
    assert len(smtp.sent_to("mei.lin@example.net")) == 5
    newest = await smtp.code_for("mei.lin@example.net", after=4)
    assert "verified" in (await mei.say(newest))[0]
