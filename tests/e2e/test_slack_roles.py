"""Roles in Slack, end to end: only agents take cases over, and only the holder speaks.

The real server, bolt inside it, the fake Slack Web API outside it, with `SLACK_AGENTS` set to
Alice and Bob; Mallory is in the channel too. What the customer receives is read from their web
chat, what people see from the fake workspace, what was done from `caseloop audit`.
"""

from __future__ import annotations

import pytest

from channels.slack.blocks import HAND_BACK
from channels.slack.handlers import CANNOT_HAND_BACK, NOT_AN_AGENT
from tests.e2e.test_slack import (  # noqa: F401 - start_server is a fixture used by name
    StartServer,
    audit,
    buttons,
    click,
    parent,
    post,
    say_in_thread,
    shown,
    silence,
    start_server,
    thread_texts,
    until,
    updated,
    verified_chat,
)
from tests.fakes.server import CaseloopServer
from tests.fakes.slack import (
    FakeSlack,
    Message,
    block_action,
    interaction_body,
)
from tests.fakes.smtp import SmtpSink

ACTIONS = ("take_over", "internal_note", "human_message", "hand_back")
SCAM = "Please send your card number to pay@evil.example to speed this up"


@pytest.fixture
def server(start_server: StartServer) -> CaseloopServer:  # noqa: F811 - the fixture
    """The real server, Slack pointed at the fake, Alice and Bob its agents."""
    return start_server(SLACK_AGENTS="U0ALICE, U0BOB")


def internal_notes(slack: FakeSlack, case: Message) -> list[str]:
    return [text for text in thread_texts(slack, case) if "Internal note" in text]


async def test_only_agents_take_over_and_only_the_holder_speaks_to_the_customer(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    assert "colleague" in (await chat.ask("can I talk to a human please"))[0]
    case = parent(slack)

    # Mallory is in the channel but not an agent: refused privately, the bot keeps the case
    click(server, "U0MALLORY", "Take over", case)
    assert until(lambda: slack.ephemerals_to("U0MALLORY")) == [NOT_AN_AGENT]
    # nobody holds the case yet: a hand-back changes nothing
    say_in_thread(server, "U0ALICE", "/handback", case)
    assert until(lambda: slack.ephemerals_to("U0ALICE")) == [CANNOT_HAND_BACK]
    await silence(chat)
    assert slack.message(case.ts).updates == 0
    assert list(buttons(slack.message(case.ts))) == ["Take over"]

    click(server, "U0BOB", "Take over", case)
    assert "joined this conversation" in (await chat.receive())["text"]
    updated(slack, case, "*Taken over* by <@U0BOB>")

    # anyone else's words stay in the thread as internal notes, never reach the customer
    say_in_thread(server, "U0MALLORY", SCAM, case)
    say_in_thread(server, "U0ALICE", "FYI the rug was refunded last week", case)
    assert until(lambda: len(internal_notes(slack, case)) == 2 and internal_notes(slack, case)) == [
        ":lock: *Internal note* from <@U0MALLORY>: not sent to the customer. Only <@U0BOB>, "
        "who took this case over, writes to the customer.",
        ":lock: *Internal note* from <@U0ALICE>: not sent to the customer. Only <@U0BOB>, "
        "who took this case over, writes to the customer."]
    await silence(chat)  # the customer received nothing new

    words = "Hi Noor, Bob here: your rug ships with DPD tomorrow."
    say_in_thread(server, "U0BOB", words, case)
    assert (await chat.receive())["text"] == words

    # Mallory cannot hand back, by button or by command; an agent can
    taken = slack.message(case.ts)
    post(server, interaction_body(block_action("U0MALLORY", HAND_BACK,
                                               buttons(taken)["Hand back"]["value"], case.ts)))
    say_in_thread(server, "U0MALLORY", "/handback", case)
    assert until(lambda: len(slack.ephemerals_to("U0MALLORY")) == 3
                 and slack.ephemerals_to("U0MALLORY")) == [NOT_AN_AGENT] * 3
    await silence(chat, 0.5)
    assert "*Taken over* by <@U0BOB>" in shown(slack.message(case.ts))

    say_in_thread(server, "U0BOB", "/handback", case)
    updated(slack, case, "*Handed back to the bot*")
    assert "DPD-998877" in " ".join(await chat.ask("where is order Q5544 now?"))
    assert audit(server, *ACTIONS) == [
        ("slack:U0BOB", "take_over", "taken_over"),
        ("slack:U0MALLORY", "internal_note", "done"),
        ("slack:U0ALICE", "internal_note", "done"),
        ("slack:U0BOB", "human_message", "sent"),
        ("slack:U0BOB", "hand_back", "handed_back")]
    await chat.close()
