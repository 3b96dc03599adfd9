"""The identity node: a visitor proves who they are with a code mailed to the account."""

from __future__ import annotations

import pytest

from bot.identity.attempts import LOCKOUT
from tests.graph.agent_rig import Rig, visitor

NOOR = "noor.haddad@example.org"
CODE_SENT = ("Thanks. If that address is on file, a 6-digit code is on its way to it now. "
             "Please type the code here (it's valid for 10 minutes).")


def wrong(code: str) -> str:
    """A code that is surely not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_email_then_the_code_verifies_the_customer(rig: Rig) -> None:
    tab = visitor("tab-1")
    assert await rig.say(tab, f"sure, it's {NOOR}") == [CODE_SENT]
    assert not (await rig.state(tab)).get("verified")
    [code] = rig.codes
    assert await rig.say(tab, code) == ["Thank you, Noor, you're verified."]
    state = await rig.state(tab)
    assert (state["verified"], state["customer_id"]) == (True, "K-77")
    rug = " ".join(await rig.say(tab, "where is my rug? order Q5544"))
    assert "DPD-998877" in rug


async def test_the_code_can_come_inside_a_sentence(rig: Rig) -> None:
    tab = visitor("tab-1")
    await rig.say(tab, f"hello, my email address is {NOOR}")
    [code] = rig.codes
    verified = await rig.say(tab, f"the code is {code}, thanks")
    assert verified == ["Thank you, Noor, you're verified."]


async def test_a_wrong_code_counts_down_the_tries(rig: Rig) -> None:
    tab = visitor("tab-1")
    await rig.say(tab, f"my email is {NOOR}")
    [code] = rig.codes
    assert await rig.say(tab, wrong(code)) == ["That code doesn't match. You have 2 more tries."]
    assert await rig.say(tab, wrong(wrong(code))) == [
        "That code doesn't match. You have 1 more try."]
    assert not (await rig.state(tab)).get("verified")
    assert await rig.say(tab, code) == ["Thank you, Noor, you're verified."]


async def test_three_wrong_codes_lock_until_a_time_the_visitor_is_told(rig: Rig) -> None:
    tab = visitor("tab-1")
    await rig.say(tab, f"my email is {NOOR}")
    [code] = rig.codes
    for _ in range(2):
        await rig.say(tab, wrong(code))
    [locked] = await rig.say(tab, wrong(code))
    until = (rig.clock() + LOCKOUT).strftime("%H:%M")
    assert "paused after too many wrong codes" in locked
    assert f"You can try again, and ask for a new code, after {until} UTC." in locked
    assert "after 09:15 UTC" in locked  # the clock stands at 09:00
    # Even the right code, a fresh request, or another chat is refused while it lasts.
    assert "paused" in " ".join(await rig.say(tab, code))
    assert "paused" in " ".join(await rig.say(tab, f"my email is {NOOR}"))
    assert "paused" in " ".join(await rig.say(visitor("phone"), f"my email is {NOOR}"))
    assert rig.codes == [code]
    assert not (await rig.state(tab)).get("verified")

    rig.clock.move(minutes=16)
    assert await rig.verify(tab, NOOR) == ["Thank you, Noor, you're verified."]


async def test_an_unknown_email_gets_the_same_answer_and_no_code(rig: Rig) -> None:
    known, unknown = visitor("tab-1"), visitor("tab-2")
    said_known = await rig.say(known, f"my email is {NOOR}")
    said_unknown = await rig.say(unknown, "my email is nobody.here@example.com")
    assert said_unknown == said_known == [CODE_SENT]
    assert len(rig.codes) == 1  # only the address on file got one
    guess = await rig.say(unknown, "123456")
    assert guess == ["That code doesn't match. You have 2 more tries."]
    assert not (await rig.state(unknown)).get("customer_id")


async def test_a_request_made_before_verifying_is_kept_for_afterwards(rig: Rig) -> None:
    tab = visitor("tab-1")
    asked = " ".join(await rig.say(tab, "Where is my rug? It's order Q5544"))
    assert "e-mail address" in asked and "DPD" not in asked
    assert (await rig.state(tab))["carry_over"] == ["Where is my rug? It's order Q5544"]
    assert await rig.verify(tab, NOOR) == ["Thank you, Noor, you're verified."]
    state = await rig.state(tab)
    assert state["carry_over"] == ["Where is my rug? It's order Q5544"]
    assert (state["verified"], state["customer_id"]) == (True, "K-77")


async def test_a_request_given_with_the_email_is_kept_too(rig: Rig) -> None:
    tab = visitor("tab-1")
    said = await rig.say(
        tab, f"hi, I need to cancel my bookshelf order Q5530, my email is {NOOR}")
    assert said == [CODE_SENT]
    [kept] = (await rig.state(tab))["carry_over"]
    assert "cancel" in kept and "Q5530" in kept and NOOR not in kept


async def test_a_plain_greeting_with_the_email_carries_nothing_over(rig: Rig) -> None:
    tab = visitor("tab-1")
    assert await rig.say(tab, f"Hello! {NOOR}") == [CODE_SENT]
    assert not (await rig.state(tab)).get("carry_over")


@pytest.mark.parametrize("words", ["Meine E-Mail ist", "mi correo es", "mon adresse est",
                                   "o meu e-mail é"])
async def test_giving_the_email_in_another_language_carries_nothing_over(
        rig: Rig, words: str) -> None:
    tab = visitor("tab-1")
    await rig.say(tab, f"{words} {NOOR}")
    assert not (await rig.state(tab)).get("carry_over")
