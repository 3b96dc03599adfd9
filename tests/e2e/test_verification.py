"""Guessing codes through the real server: wrong codes lock the customer, not the chat session."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from tests.fakes.server import CaseloopServer
from tests.fakes.smtp import SmtpSink

NOOR, MEI, STRANGER = "noor.haddad@example.org", "mei.lin@example.net", "no.one@example.com"
CODES_PER_HOUR = 5
"""`CASELOOP_CODES_PER_HOUR` by default."""
ASKING_AGAIN = ("please resend the code", "I didn't get any code", "could you send a new code?",
                "resend please", "still nothing, send it again", "another code please")
"""Ways of asking for another code, varied as people vary them (the same words three times
in a row read as frustration, and bring in a person)."""
_AFTER = re.compile(r"after (\d\d):(\d\d) UTC")


def wrong(code: str, by: int = 1) -> str:
    return f"{(int(code) + by) % 1_000_000:06d}"


def minutes_until(reply: str) -> float:
    """How far ahead of now the time a reply names ("after 14:32 UTC") is, in minutes."""
    match = _AFTER.search(reply)
    assert match, reply
    now = datetime.now(UTC)
    named = now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    return ((named - now).total_seconds() / 60) % (24 * 60)


async def settled_mails(smtp: SmtpSink, address: str) -> int:
    """What reached the SMTP server for an address once codes still on their way are in."""
    await asyncio.sleep(1)
    return len(smtp.sent_to(address))


async def test_wrong_codes_lock_the_customer_in_every_session(server: CaseloopServer,
                                                             smtp: SmtpSink) -> None:
    chat = await server.connect(server.new_session())
    asked = await chat.ask(f"hi, my email is {NOOR}")
    assert "a 6-digit code is on its way" in asked[0]
    first = await smtp.code_for(NOOR)
    assert "You have 2 more tries" in (await chat.ask(wrong(first, 1)))[0]
    assert "You have 1 more try" in (await chat.ask(wrong(first, 2)))[0]
    assert "sent a new code" in (await chat.ask("please resend the code"))[0]
    second = await smtp.code_for(NOOR, after=1)
    locked = (await chat.ask(wrong(second)))[0]
    assert "verification for this e-mail address is paused after too many wrong codes" in locked
    assert 14 <= minutes_until(locked) <= 16
    assert "paused" in (await chat.ask(second))[0]
    assert "paused" in (await chat.ask("I didn't get any code"))[0]

    other = await server.connect(server.new_session())
    assert (await other.ask(f"my email is {NOOR}"))[0] == locked
    assert "verified" not in (await other.ask(second))[0]
    stranger = await server.connect(server.new_session())
    assert await stranger.ask(f"hi, my email is {STRANGER}") == asked
    assert await settled_mails(smtp, NOOR) == 2
    assert smtp.sent_to(STRANGER) == []
    for socket in (chat, other, stranger):
        await socket.close()


async def test_asking_past_the_hourly_limit_mails_nothing_more_and_says_when(
    server: CaseloopServer, smtp: SmtpSink
) -> None:
    chat = await server.connect(server.new_session())
    await chat.ask(MEI)
    await smtp.code_for(MEI)
    resent, answers = CODES_PER_HOUR - 1, []
    for asked, asking in enumerate(ASKING_AGAIN, start=1):
        answers += await chat.ask(asking)
        if asked <= resent:
            await smtp.code_for(MEI, after=asked)
    assert all("I've sent a new code" in answer for answer in answers[:resent])
    for answer in answers[resent:]:
        assert "I can't send another one just yet" in answer
        assert 59 <= minutes_until(answer) <= 61
    other = await server.connect(server.new_session())
    assert (await other.ask(f"it's {MEI}"))[0] == answers[-1]
    assert await settled_mails(smtp, MEI) == CODES_PER_HOUR

    newest = await smtp.code_for(MEI, after=CODES_PER_HOUR - 1)
    assert "you're verified" in (await chat.ask(newest))[0]
    await chat.close()
    await other.close()
