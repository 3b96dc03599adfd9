"""Shadow mode in Slack, end to end: the bot drafts, people send, edit or reject in the thread.

The real server with every case type in shadow (`CASELOOP_AUTONOMY=shadow`), bolt inside it, the
fake Slack Web API outside it; Alice and Bob are approvers, Mallory is only in the channel. What
the customer receives is read from their web chat, what people see from the fake workspace,
what was done from the order and `caseloop audit`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.channels.slack_forms import edit_values, label_options, reject_values, text_input
from tests.e2e.test_slack import (  # noqa: F401 - start_server is a fixture used by name
    StartServer,
    audit,
    buttons,
    parent,
    post,
    refunded,
    say_in_thread,
    shown,
    silence,
    start_server,
    until,
    updated,
    verified_chat,
)
from tests.fakes.server import CaseloopServer, WebchatClient
from tests.fakes.slack import (
    FakeSlack,
    Message,
    block_action,
    interaction_body,
    view_submission,
)
from tests.fakes.smtp import SmtpSink

HOLDING = "A colleague is checking my answer"
LAMP = "The desk lamp from order Q5521 arrived cracked, I'd like a refund please"
DRAFT_ACTIONS = ("draft_sent", "draft_edited", "draft_rejected", "refund")


@pytest.fixture
def server(start_server: StartServer) -> CaseloopServer:  # noqa: F811 - the fixture
    """The real server, Slack pointed at the fake, every case type in shadow mode."""
    return start_server(CASELOOP_AUTONOMY="shadow")


def draft_message(slack: FakeSlack, case: Message) -> Message:
    """The draft's message in the case's thread, once posted."""
    return until(lambda: next((m for m in slack.thread(case.ts) if "Draft #" in shown(m)),
                              None))


def press(server: CaseloopServer, user: str, label: str, message: Message) -> httpx.Response:
    """A person pressing a button on a draft's message, in the thread."""
    button = buttons(message)[label]
    return post(server, interaction_body(block_action(
        user, button["action_id"], button["value"], message.ts, thread_ts=message.thread_ts)))


def form_opened(slack: FakeSlack, count: int = 1) -> dict[str, Any]:
    slack.wait_for("views.open", count)
    return slack.views_opened()[count - 1]


def audit_details(server: CaseloopServer, action: str) -> list[dict[str, Any]]:
    """The `detail` of each audit record of one action, from `caseloop audit --json`."""
    result = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                            env={**os.environ, **server.env}, cwd=server.workdir,
                            capture_output=True, text=True, check=True, timeout=30)
    return [record["detail"] for record in map(json.loads, result.stdout.splitlines())
            if record["action"] == action]


async def lamp_refund_drafted(server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
                              ) -> tuple[WebchatClient, Message, Message]:
    """Noor asks for a refund: she is told a colleague checks, the draft waits in Slack."""
    chat, _ = await verified_chat(server, smtp)
    [holding] = await chat.ask(LAMP)
    assert HOLDING in holding and "refunded" not in holding
    case = parent(slack)
    return chat, case, draft_message(slack, case)


async def test_a_drafted_refund_waits_and_an_approver_s_send_refunds_once(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, case, draft = await lamp_refund_drafted(server, smtp, slack)
    assert "Shadow mode: a draft to review" in shown(case)
    seen = shown(draft)
    assert "*The customer wrote:*\n>" + LAMP in seen
    assert "*Draft reply:*" in seen and "refunded 38.40" in seen
    assert '```refund(amount="38.40", order_id="Q5521")```' in seen
    assert "Policy rule `refund-up-to-50-auto`" in seen
    assert list(buttons(draft)) == ["Send", "Edit", "Reject"]
    assert refunded(server, "Q5521") == "0.00"
    await silence(chat, 0.5)

    # Mallory is not an approver: refused privately, nothing happens
    assert press(server, "U0MALLORY", "Send", draft).status_code == 200
    assert until(lambda: slack.ephemerals_to("U0MALLORY")) == [
        "This draft carries an action; only people who may approve actions can send it. "
        "You can still reject it."]
    await silence(chat, 0.5)
    assert refunded(server, "Q5521") == "0.00"
    assert list(buttons(slack.message(draft.ts))) == ["Send", "Edit", "Reject"]

    # Alice sends; her second click (and Bob's) changes nothing
    press(server, "U0ALICE", "Send", draft)
    press(server, "U0ALICE", "Send", draft)
    press(server, "U0BOB", "Send", draft)
    told = (await chat.receive())["text"]
    assert "refunded 38.40" in told and "Your reference is" in told
    sent = updated(slack, draft, "*Sent* by <@U0ALICE>")
    assert buttons(sent) == {} and f"Customer told: “{told}”" in shown(sent)
    until(lambda: len(slack.ephemerals_to("U0ALICE") + slack.ephemerals_to("U0BOB")) == 2)
    assert slack.ephemerals_to("U0BOB") == [
        "This draft was already sent (by <@U0ALICE>); nothing changed."]
    await silence(chat)
    assert refunded(server, "Q5521") == "38.40"
    assert audit(server, *DRAFT_ACTIONS) == [("slack:U0ALICE", "draft_sent", "sent"),
                                            ("slack:U0ALICE", "refund", "done")]
    assert "Case closed." in shown(slack.message(case.ts))
    assert "Traceback" not in server.log()
    await chat.close()


async def test_an_edit_in_the_form_is_what_the_customer_receives(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    [holding] = await chat.ask("where is my order Q5544?")
    assert HOLDING in holding and "DPD" not in holding
    case = parent(slack)
    draft = draft_message(slack, case)
    assert "Proposed action" not in shown(draft)

    press(server, "U0MALLORY", "Edit", draft)  # anyone on the desk may release a plain reply
    form = form_opened(slack)
    assert "DPD" in text_input(form)["element"]["initial_value"]
    words = "Hi Noor, your rug left us on Monday with DPD: expect it by Friday."
    response = post(server, interaction_body(view_submission(
        "U0MALLORY", form, edit_values(words))))
    assert response.status_code == 200 and response.text == ""
    assert (await chat.receive())["text"] == words
    edited = updated(slack, draft, "*Edited and sent* by <@U0MALLORY>")
    assert buttons(edited) == {} and f"Customer told: “{words}”" in shown(edited)
    await silence(chat)
    assert audit(server, *DRAFT_ACTIONS) == [("slack:U0MALLORY", "draft_edited", "edited")]
    [detail] = audit_details(server, "draft_edited")
    assert detail["text"] == words and "DPD" in detail["draft"]
    await chat.close()


async def test_a_rejected_draft_does_nothing_and_the_person_answers_the_customer(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, case, draft = await lamp_refund_drafted(server, smtp, slack)
    press(server, "U0BOB", "Reject", draft)
    form = form_opened(slack)
    assert label_options(form) == [
        "wrong policy", "missing context", "bad action suggestion", "ambiguous intent",
        "knowledge gap", "tone"]
    post(server, interaction_body(view_submission(
        "U0BOB", form, reject_values("wrong policy", "Lamps are final sale"))))

    rejected = updated(slack, draft, "*Rejected* by <@U0BOB>")
    assert buttons(rejected) == {} and "*wrong policy*: “Lamps are final sale”" in shown(rejected)
    updated(slack, case, "*Taken over* by <@U0BOB>")
    press(server, "U0ALICE", "Send", draft)  # the old buttons, pressed late
    assert until(lambda: slack.ephemerals_to("U0ALICE")) == [
        "This draft was already rejected (by <@U0BOB>); nothing changed."]

    words = "Hi Noor, Bob here: lamps are final sale, but I can offer store credit."
    say_in_thread(server, "U0BOB", words, case)
    received = [(await chat.receive())["text"] for _ in range(2)]
    assert received[-1] == words and not any("refunded" in text for text in received)
    assert refunded(server, "Q5521") == "0.00"
    assert audit(server, *DRAFT_ACTIONS) == [("slack:U0BOB", "draft_rejected", "rejected")]
    assert audit_details(server, "draft_rejected") == [
        {"label": "wrong policy", "note": "Lamps are final sale"}]
    assert "Traceback" not in server.log()
    await chat.close()
