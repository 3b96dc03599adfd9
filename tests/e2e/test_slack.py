"""Slack end to end: the real server, bolt inside it, a local Slack Web API outside it.

A customer talks on the web chat; people work the case in a Slack thread. Every request Slack
would send is signed with slack_sdk's own code; what people see is read back from the fake
workspace (the parent message after every `chat.update`, its thread, ephemeral messages), what
the customer sees from their WebSocket, and what was done from the order and the audit log.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from channels.slack.blocks import APPROVE, HAND_BACK, REASON_BLOCK, REASON_INPUT
from tests import databases
from tests.factories import env_for, make_settings
from tests.fakes.server import CaseloopServer, WebchatClient
from tests.fakes.slack import (
    CHANNEL,
    SIGNING_SECRET,
    TOKEN,
    FakeSlack,
    Message,
    block_action,
    event_body,
    event_callback,
    interaction_body,
    signed_headers,
    thread_reply,
    view_submission,
)
from tests.fakes.smtp import SmtpSink

FORM = "application/x-www-form-urlencoded"
NOOR = "noor.haddad@example.org"
APPROVERS = "U0ALICE,U0BOB"

StartServer = Callable[..., CaseloopServer]


@pytest.fixture
def start_server(tmp_path: Path, smtp: SmtpSink, slack: FakeSlack) -> Iterator[StartServer]:
    """Starts the real server with Slack pointed at the fake; a second call is a restart."""
    started: list[CaseloopServer] = []

    def start(**env: str) -> CaseloopServer:
        settings = env_for(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url))
        server = CaseloopServer({
            **settings, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_ESCALATION_CHANNEL": CHANNEL, "SLACK_APPROVERS": APPROVERS,
            "SLACK_API_URL": slack.api_url, **env}, tmp_path)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server: StartServer) -> CaseloopServer:
    return start_server()


# -- what people do in Slack ----------------------------------------------------------------

def post(server: CaseloopServer, body: str, headers: dict[str, str] | None = None
         ) -> httpx.Response:
    """Slack posting to /slack/events, signed unless `headers` say otherwise."""
    if headers is None:
        headers = signed_headers(body, content_type=FORM if body.startswith("payload=")
                                 else "application/json")
    started = time.monotonic()
    response = httpx.post(f"{server.url}/slack/events", content=body, headers=headers,
                          timeout=10)
    assert time.monotonic() - started < 3.0, "Slack gives up after three seconds"
    return response


def click(server: CaseloopServer, user: str, label: str, parent: Message) -> httpx.Response:
    """A person pressing a button on the parent message, with the value the button holds."""
    button = buttons(parent)[label]
    return post(server, interaction_body(block_action(user, button["action_id"],
                                                      button["value"], parent.ts)))


def say_in_thread(server: CaseloopServer, user: str, text: str, parent: Message
                  ) -> tuple[httpx.Response, str]:
    """A person writing in the case's thread; the response and the event's body."""
    body = event_body(event_callback(thread_reply(user, text, parent.ts)))
    return post(server, body), body


def buttons(message: Message) -> dict[str, dict[str, Any]]:
    return {element["text"]["text"]: element for block in message.blocks
            if block["type"] == "actions" for element in block["elements"]}


def shown(message: Message) -> str:
    """Every text on a message, as a person skims it."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.blocks)
    return "\n".join(found)


def parent(slack: FakeSlack) -> Message:
    """The case's parent message, once posted."""
    slack.wait_for("chat.postMessage", where=lambda call: "thread_ts" not in call.params)
    [message] = slack.parents()
    return message


def until(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Wait until `check()` is truthy; its value."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
    return value


def updated(slack: FakeSlack, message: Message, text: str) -> Message:
    """The parent once an update shows `text`."""
    return until(lambda: text in shown(slack.message(message.ts)) and slack.message(message.ts))


def thread_texts(slack: FakeSlack, message: Message) -> list[str]:
    return [reply.text for reply in slack.thread(message.ts)]


# -- what the customer and the back office see ---------------------------------------------

async def verified_chat(server: CaseloopServer, smtp: SmtpSink,
                        token: str | None = None) -> tuple[WebchatClient, str]:
    token = token or server.new_session()
    chat = await server.connect(token)
    await chat.ask(NOOR)
    await chat.ask(await smtp.code_for(NOOR))
    return chat, token


async def ask_for_big_refund(chat: WebchatClient) -> None:
    confirm = await chat.ask("I'd like a refund for my armchair, order Q5560")
    assert "refund 120.00 EUR on order Q5560" in confirm[0]
    parked = await chat.ask("yes")
    assert "approval" in parked[0]


async def silence(chat: WebchatClient, seconds: float = 1.5) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await chat.receive(timeout=seconds)


def query(server: CaseloopServer, sql: str, *params: object) -> list[tuple]:
    return databases.query(server.env["DATABASE_URL"], sql, *params)


def refunded(server: CaseloopServer, order_id: str) -> str:
    [(amount,)] = query(server, "SELECT refunded FROM store_orders WHERE id = ?", order_id)
    return amount


def audit(server: CaseloopServer, *actions: str) -> list[tuple[str, str, str]]:
    """(actor, action, outcome) from `caseloop audit --json`, for the given actions."""
    result = subprocess.run([sys.executable, "-m", "bot", "audit", "--json"],
                            env={**os.environ, **server.env}, cwd=server.workdir,
                            capture_output=True, text=True, check=True, timeout=30)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return [(r["actor"], r["action"], r["outcome"]) for r in records if r["action"] in actions]


# -- the tests --------------------------------------------------------------------------------

async def test_an_approved_refund_is_done_once_and_everyone_sees_it(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)

    case = parent(slack)
    assert case.channel == CHANNEL
    seen = shown(case)
    assert '```refund(amount="120.00", order_id="Q5560")```' in seen
    assert "Policy rule `refund-over-50-needs-approval` requires approval" in seen
    for field in ("*Customer*\nNoor Haddad", "*Tier*\nstandard", "*Channel*\nWeb chat",
                  "*Mood*\n"):
        assert field in seen
    assert "*Wants:* Refund 120.00 EUR on order Q5560" in seen
    assert list(buttons(case)) == ["Approve", "Deny", "Take over"]

    assert click(server, "U0ALICE", "Approve", case).status_code == 200
    told = (await chat.receive())["text"]
    assert told.startswith("Good news: a colleague approved your request")
    assert "refunded 120.00 EUR on order Q5560" in told
    assert refunded(server, "Q5560") == "120.00"
    after = updated(slack, case, "*Approved* by <@U0ALICE>")
    assert "<!date^" in shown(after) and f"Customer told: “{told}”" in shown(after)
    assert buttons(after) == {}

    # a second approver, and the same click replayed, change nothing
    assert click(server, "U0BOB", "Approve", case).status_code == 200
    assert click(server, "U0ALICE", "Approve", case).status_code == 200
    until(lambda: slack.ephemerals_to("U0BOB") and slack.ephemerals_to("U0ALICE"))
    assert slack.ephemerals_to("U0BOB") == slack.ephemerals_to("U0ALICE") == [
        "This request was already approved (by <@U0ALICE>); nothing changed."]
    await silence(chat)
    assert refunded(server, "Q5560") == "120.00"
    assert audit(server, "refund") == [("agent", "refund", "pending_approval"),
                                       ("slack:U0ALICE", "refund", "approved"),
                                       ("slack:U0ALICE", "refund", "done")]
    await chat.close()


async def test_someone_not_on_the_list_is_refused_privately_and_nothing_happens(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)

    click(server, "U0MALLORY", "Approve", case)
    click(server, "U0MALLORY", "Deny", case)
    refusals = until(lambda: len(slack.ephemerals_to("U0MALLORY")) == 2
                     and slack.ephemerals_to("U0MALLORY"))
    assert sorted(refusals) == [  # the two clicks are handled side by side: either order
        "Only the approvers set for this workspace can approve or deny requests.",
        "You're not on the list of people who can approve or deny requests."]
    assert slack.views_opened() == []
    await silence(chat)
    assert refunded(server, "Q5560") == "0.00"
    assert slack.message(case.ts).updates == 0
    assert audit(server, "refund") == [("agent", "refund", "pending_approval")]

    click(server, "U0BOB", "Approve", case)  # the request is still there for an approver
    assert "refunded 120.00 EUR" in (await chat.receive())["text"]
    await chat.close()


async def test_a_denial_asks_for_a_reason_and_tells_the_customer(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)

    click(server, "U0BOB", "Deny", case)
    slack.wait_for("views.open")
    [form] = slack.views_opened()
    assert "refund 120.00 EUR on order Q5560" in json.dumps(form)
    reason = "The armchair was returned damaged by the customer"
    submitted = view_submission("U0BOB", form, {REASON_BLOCK: {REASON_INPUT: reason}})
    response = post(server, interaction_body(submitted))
    assert response.status_code == 200 and response.text == ""

    told = (await chat.receive())["text"]
    assert "couldn't approve it" in told and reason in told
    assert refunded(server, "Q5560") == "0.00"
    after = updated(slack, case, "*Denied* by <@U0BOB>")
    assert f"“{reason}”" in shown(after) and buttons(after) == {}
    assert audit(server, "refund") == [("agent", "refund", "pending_approval"),
                                       ("slack:U0BOB", "refund", "denied")]
    await chat.close()


async def test_a_person_takes_over_answers_in_the_thread_and_hands_back(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    assert "colleague" in (await chat.ask("can I talk to a human please"))[0]
    case = parent(slack)
    assert "The customer asked for a person" in shown(case)
    assert list(buttons(case)) == ["Take over"]

    click(server, "U0BOB", "Take over", case)
    assert "joined this conversation" in (await chat.receive())["text"]
    taken = updated(slack, case, "*Taken over* by <@U0BOB>")
    assert list(buttons(taken)) == ["Hand back"]

    await chat.send("where is my rug, order Q5544?")
    until(lambda: ":bust_in_silhouette: *Customer:* where is my rug, order Q5544?"
          in thread_texts(slack, case))
    suggestion = until(lambda: [m for m in slack.thread(case.ts) if "Suggestion" in m.text])
    assert suggestion[0].text.startswith("Suggestion for you (not sent to the customer)")
    await silence(chat)  # the bot does not talk over the person

    words = "Hi Noor, Bob here: your rug ships with DPD tomorrow."
    response, body = say_in_thread(server, "U0BOB", words, case)
    assert response.status_code == 200
    assert (await chat.receive())["text"] == words
    # Slack delivering the same event again, or retrying it, sends nothing twice
    assert post(server, body).status_code == 200
    retry = signed_headers(body, **{"X-Slack-Retry-Num": "1",
                                    "X-Slack-Retry-Reason": "http_timeout"})
    assert post(server, body, retry).status_code == 200
    await silence(chat)
    assert not any(words in text for text in thread_texts(slack, case))  # not echoed

    say_in_thread(server, "U0BOB", "/handback", case)
    back = updated(slack, case, "*Handed back to the bot*")
    assert buttons(back) == {}
    answer = " ".join(await chat.ask("thanks! and where is order Q5544 now?"))
    assert "DPD-998877" in answer
    assert audit(server, "take_over", "human_message", "hand_back") == [
        ("slack:U0BOB", "take_over", "taken_over"), ("slack:U0BOB", "human_message", "sent"),
        ("slack:U0BOB", "hand_back", "handed_back")]
    await chat.close()


async def test_the_hand_back_button_returns_the_case_to_the_bot(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    await chat.ask("I want to speak to a manager")
    case = parent(slack)
    click(server, "U0ALICE", "Take over", case)
    await chat.receive()
    taken = updated(slack, case, "*Taken over*")
    post(server, interaction_body(block_action("U0ALICE", HAND_BACK,
                                               buttons(taken)["Hand back"]["value"], case.ts)))
    updated(slack, case, "*Handed back to the bot*")
    assert "DPD-998877" in " ".join(await chat.ask("where is order Q5544?"))
    await chat.close()


@pytest.mark.parametrize("how", ["forged", "unsigned", "stale"])
async def test_requests_not_from_slack_are_refused_and_change_nothing(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack, how: str
) -> None:
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)
    value = buttons(case)["Approve"]["value"]
    body = interaction_body(block_action("U0ALICE", APPROVE, value, case.ts))
    headers = {
        "forged": signed_headers(body, secret="someone-else-s-secret", content_type=FORM),
        "unsigned": {"Content-Type": FORM},
        "stale": signed_headers(body, timestamp=int(time.time()) - 6 * 60, content_type=FORM),
    }[how]
    assert post(server, body, headers).status_code == 401
    garbage = post(server, "payload=%7Bnot-json", headers if how != "forged" else None)
    assert garbage.status_code in (400, 401)
    await silence(chat)
    assert refunded(server, "Q5560") == "0.00"
    assert slack.message(case.ts).updates == 0 and slack.calls_to("chat.postEphemeral") == []
    assert audit(server, "refund") == [("agent", "refund", "pending_approval")]
    await chat.close()


def test_a_huge_body_is_refused_at_once_without_being_read(server: CaseloopServer) -> None:
    huge = b"[" * (20 * 1024 * 1024)  # 20 MB of nesting: seconds of parsing, then a crash
    for headers in ({"Content-Type": "application/json"},  # unsigned
                    signed_headers("[]")):  # signed, but for other bytes
        started = time.monotonic()
        response = httpx.post(f"{server.url}/slack/events", content=huge, headers=headers,
                              timeout=10)
        assert response.status_code in (401, 413)
        assert time.monotonic() - started < 1.0
    started = time.monotonic()
    assert httpx.get(f"{server.url}/readyz", timeout=5).status_code == 200
    assert time.monotonic() - started < 0.5  # nothing is still chewing on it
    assert "Traceback" not in server.log()


def test_signed_bodies_nothing_can_read_are_refused_with_400(server: CaseloopServer) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    unreadable = [
        '{"type": "event_callback", "event": ' + deep + "}",
        urlencode({"payload": '{"type": "block_actions", "actions": ' + deep + "}"}),
        urlencode({"payload": "{not json"}),
        urlencode({"payload": "[]"}),
        "payload=",
    ]
    assert [post(server, body).status_code for body in unreadable] == [400] * len(unreadable)
    assert "Traceback" not in server.log()


async def test_an_approval_still_works_after_a_restart(
    start_server: StartServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    server = start_server()
    chat, token = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)
    until(lambda: query(server, "SELECT 1 FROM escalations WHERE slack_ts = ?", case.ts))
    await chat.close()
    server.kill()  # a crash, not a clean stop

    again = start_server()
    click(again, "U0ALICE", "Approve", case)
    after = updated(slack, case, "*Approved* by <@U0ALICE>")
    assert buttons(after) == {}
    assert refunded(again, "Q5560") == "120.00"
    assert len(slack.parents()) == 1  # the same thread, not a new one
    tab = await again.connect(token)  # the customer's tab, back online
    assert "refunded 120.00 EUR on order Q5560" in (await tab.receive())["text"]
    await tab.close()
    assert audit(again, "refund")[-1] == ("slack:U0ALICE", "refund", "done")


def test_slack_s_url_check_is_answered(server: CaseloopServer) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})
    response = post(server, body)
    assert response.status_code == 200 and response.json() == {"challenge": challenge}



async def test_above_the_two_approver_amount_a_second_person_must_approve(
    start_server: StartServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    server = start_server(CASELOOP_TWO_APPROVERS_ABOVE="100")
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)
    assert "2 different approvers" in shown(case)

    click(server, "U0ALICE", "Approve", case)
    first = updated(slack, case, "Approved by <@U0ALICE>; waiting for 1 more approver")
    assert list(buttons(first)) == ["Approve", "Deny", "Take over"]
    assert until(lambda: slack.ephemerals_to("U0ALICE")) == [
        "Approval noted. This amount needs a second approver before anything happens."]
    click(server, "U0ALICE", "Approve", first)
    until(lambda: len(slack.ephemerals_to("U0ALICE")) == 2)
    assert "second, different approver" in slack.ephemerals_to("U0ALICE")[1]
    await silence(chat)
    assert refunded(server, "Q5560") == "0.00"

    click(server, "U0BOB", "Approve", first)
    assert "refunded 120.00 EUR" in (await chat.receive())["text"]
    updated(slack, case, "*Approved* by <@U0ALICE>, <@U0BOB>")
    assert refunded(server, "Q5560") == "120.00"
    await chat.close()


async def test_a_request_nobody_decided_in_time_expires(
    start_server: StartServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    server = start_server(CASELOOP_APPROVAL_TTL_HOURS="0.0003")  # about a second
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)
    await asyncio.sleep(1.5)
    click(server, "U0ALICE", "Approve", case)
    assert "wasn't reviewed in time" in (await chat.receive())["text"]
    assert until(lambda: slack.ephemerals_to("U0ALICE")) == [
        "This request expired before it was decided; nothing was done."]
    assert buttons(updated(slack, case, "*Expired*")) == {}
    assert refunded(server, "Q5560") == "0.00"
    await chat.close()


async def test_a_new_request_on_an_open_case_updates_its_thread(
    server: CaseloopServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    chat, _ = await verified_chat(server, smtp)
    await chat.ask("can I talk to a human please")
    case = parent(slack)
    assert list(buttons(case)) == ["Take over"]
    await ask_for_big_refund(chat)
    shown_now = updated(slack, case, '```refund(amount="120.00", order_id="Q5560")```')
    assert list(buttons(shown_now)) == ["Approve", "Deny", "Take over"]
    assert len(slack.parents()) == 1
    click(server, "U0BOB", "Approve", shown_now)
    assert "refunded 120.00 EUR" in (await chat.receive())["text"]
    await chat.close()


async def test_socket_mode_works_without_a_public_url(
    start_server: StartServer, smtp: SmtpSink, slack: FakeSlack
) -> None:
    server = start_server(CASELOOP_SLACK_MODE="socket", SLACK_SIGNING_SECRET="",
                          SLACK_APP_TOKEN="xapp-1-A0CASELOOP-1-abcdef")
    until(lambda: slack.socket_connections)
    chat, _ = await verified_chat(server, smtp)
    await ask_for_big_refund(chat)
    case = parent(slack)
    value = buttons(case)["Approve"]["value"]
    envelope = slack.push_envelope("interactive",
                                   block_action("U0ALICE", APPROVE, value, case.ts))
    slack.wait_for_ack(envelope)
    assert "refunded 120.00 EUR" in (await chat.receive())["text"]
    updated(slack, case, "*Approved* by <@U0ALICE>")
    assert httpx.post(f"{server.url}/slack/events", content=b"{}").status_code == 404
    await chat.close()
