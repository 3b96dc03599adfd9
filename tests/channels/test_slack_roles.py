"""Roles in Slack: who takes a case over and hands it back, and whose words reach the customer.

`SLACK_AGENTS` (here Alice and Bob) may take over and hand back; Mallory, also in the channel,
may not. Once Bob holds a case only his thread messages go to the customer: the desk refuses
anyone else's, and the connector keeps them as internal notes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from channels.slack.blocks import HAND_BACK, TAKE_OVER
from channels.slack.handlers import NOT_AN_AGENT, NOT_AN_AGENT_TO_ANSWER, NOT_TAKEN_OVER
from tests.channels.slack_desk import StandInDesk, case_view
from tests.channels.slack_rig import Rig
from tests.fakes.slack import FakeSlack

AGENTS = frozenset({"U0ALICE", "U0BOB"})


@pytest.fixture
async def rig(slack: FakeSlack) -> AsyncIterator[Rig]:
    running = Rig(slack, StandInDesk(case_view(8, reason="asked_for_person")), agents=AGENTS)
    yield running
    await running.close()


async def test_someone_not_an_agent_cannot_take_over_and_the_bot_keeps_the_case(rig: Rig) -> None:
    ts = await rig.show(8)
    assert (await rig.click("U0MALLORY", TAKE_OVER, "8", ts)).status_code == 200
    assert rig.slack.ephemerals_to("U0MALLORY") == [NOT_AN_AGENT]
    assert "take_over" not in rig.desk.operations()
    assert (rig.desk.cases[8].mode, rig.desk.cases[8].taken_by) == ("bot", None)


async def test_someone_not_an_agent_cannot_hand_back_by_button_or_by_command(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    await rig.click("U0MALLORY", HAND_BACK, "8", ts)
    await rig.say_in_thread("U0MALLORY", "/handback", ts)
    told = [(c.params["text"], c.params.get("thread_ts"))
            for c in rig.slack.calls_to("chat.postEphemeral")]
    assert told == [(NOT_AN_AGENT, None), (NOT_AN_AGENT, ts)]
    assert "hand_back" not in rig.desk.operations()
    assert (rig.desk.cases[8].mode, rig.desk.cases[8].taken_by) == ("human", "slack:U0BOB")
    await rig.click("U0ALICE", HAND_BACK, "8", ts)  # any agent may, Bob away
    assert rig.desk.cases[8].mode == "bot"


async def test_words_of_anyone_but_the_one_who_took_over_are_kept_as_internal_notes(
    rig: Rig
) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    await rig.say_in_thread("U0MALLORY", "send your card number to pay@evil.example", ts)
    await rig.say_in_thread("U0ALICE", "Bob, they were refunded last week", ts)
    await rig.say_in_thread("U0BOB", "Hi Noor, Bob here.", ts)
    assert rig.desk.replies == [(8, "slack:U0BOB", "Hi Noor, Bob here.")]
    assert rig.desk.notes == [
        (8, "slack:U0MALLORY", "send your card number to pay@evil.example"),
        (8, "slack:U0ALICE", "Bob, they were refunded last week")]
    assert rig.slack.calls_to("chat.postEphemeral") == []  # the thread shows the note


async def test_a_note_shows_in_the_thread_marked_internal(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    held = rig.desk.cases[8]
    await rig.connector.case_note(held, "internal", "psst", "slack:U0MALLORY")
    [line] = rig.slack.thread(ts)
    assert line.text == (":lock: *Internal note* from <@U0MALLORY>: not sent to the customer. "
                         "Only <@U0BOB>, who took this case over, writes to the customer.")


async def test_words_on_a_case_the_bot_answers_are_not_sent_and_the_writer_is_told_why(
    rig: Rig
) -> None:
    ts = await rig.show(8)
    await rig.say_in_thread("U0MALLORY", "hello?", ts)
    await rig.say_in_thread("U0ALICE", "hello?", ts)
    assert rig.desk.replies == [] and rig.desk.notes == []
    assert rig.slack.ephemerals_to("U0MALLORY") == [NOT_AN_AGENT_TO_ANSWER]
    assert rig.slack.ephemerals_to("U0ALICE") == [NOT_TAKEN_OVER]


async def test_without_a_list_of_agents_anyone_in_the_channel_takes_over(
    slack: FakeSlack
) -> None:
    rig = Rig(slack, StandInDesk(case_view(8, reason="asked_for_person")))
    try:
        ts = await rig.show(8)
        await rig.click("U0MALLORY", TAKE_OVER, "8", ts)
        assert rig.desk.cases[8].taken_by == "slack:U0MALLORY"
        await rig.say_in_thread("U0BOB", "let me", ts)
        assert rig.desk.notes == [(8, "slack:U0BOB", "let me")]
    finally:
        await rig.close()
