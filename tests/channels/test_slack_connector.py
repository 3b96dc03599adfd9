"""The Slack connector between a local Slack Web API and a stand-in desk.

Requests reach it through the real `/slack/events` route, signed with slack_sdk's own code; its
Web API calls go over HTTP to `FakeSlack`. The desk here is `StandInDesk`; the end-to-end tests
run the real one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI
from slack_sdk.errors import SlackApiError

from bot.web.routes import slack as slack_route
from channels.slack.app_settings import SlackApp
from channels.slack.blocks import (
    APPROVE,
    DENY,
    DENY_FORM,
    HAND_BACK,
    REASON_BLOCK,
    REASON_INPUT,
    TAKE_OVER,
)
from channels.slack.connector import SlackConnector
from channels.slack.handlers import (
    CASE_CLOSED,
    NOT_AN_APPROVER,
    NOT_TAKEN_OVER,
    STALE_REQUEST,
)
from tests.channels.slack_desk import StandInDesk, approval_view, case_view
from tests.channels.slack_rig import FORM, Rig
from tests.fakes.slack import (
    CHANNEL,
    TOKEN,
    FakeSlack,
    block_action,
    event_body,
    event_callback,
    interaction_body,
    signed_headers,
    thread_reply,
    view_submission,
)


@pytest.fixture
async def rig(slack: FakeSlack) -> AsyncIterator[Rig]:
    approval = approval_view(3)
    desk = StandInDesk(case_view(7, approval=approval), case_view(8, reason="asked_for_person"))
    running = Rig(slack, desk)
    yield running
    await running.close()


async def test_an_escalated_case_is_posted_once_then_updated_in_place(rig: Rig) -> None:
    ts = await rig.show(7)
    [posted] = rig.slack.calls_to("chat.postMessage")
    assert posted.params["channel"] == CHANNEL
    assert posted.params["text"].startswith("Case #7, Noor Haddad: Approval needed")
    assert ("attach_slack_thread", 7, CHANNEL, ts) in rig.desk.calls
    await rig.connector.case_opened(rig.desk.cases[7])  # a new approval on the open case
    assert len(rig.slack.calls_to("chat.postMessage")) == 1
    assert rig.slack.message(ts).updates == 1


async def test_lines_reach_the_thread_even_before_the_desk_knows_its_ts(rig: Rig) -> None:
    stale = rig.desk.cases[7]  # the view the desk queued before the thread existed
    await rig.show(7)
    await rig.connector.case_note(stale, "customer", "Is anyone there?", None)
    await rig.connector.case_note(stale, "human", "On my way", "slack:U0BOB")
    await rig.connector.case_note(stale, "human", "Dana here, from the console", "console:dana")
    await rig.connector.case_note(stale, "suggestion", "Offer store credit.", None)
    ts = rig.desk.cases[7].slack_ts
    assert ts is not None
    assert [m.text for m in rig.slack.thread(ts)] == [
        ":bust_in_silhouette: *Customer:* Is anyone there?",
        ":technologist: *dana (console) to the customer:* Dana here, from the console",
        "Suggestion for you (not sent to the customer): Offer store credit."]


async def test_a_channel_the_app_is_not_in_is_named_in_the_log(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.slack.fail_next("chat.postMessage", "not_in_channel")
    with pytest.raises(SlackApiError):
        await rig.connector.case_opened(rig.desk.cases[7])
    assert "invite the app to that channel" in caplog.text and CHANNEL in caplog.text
    await rig.show(7)  # once invited, the case is shown
    assert rig.desk.cases[7].slack_ts is not None


async def test_a_change_before_the_case_was_ever_shown_posts_it(rig: Rig) -> None:
    await rig.connector.case_changed(rig.desk.cases[8], "taken_over")
    [posted] = rig.slack.calls_to("chat.postMessage")
    assert posted.params["text"].startswith("Case #8")
    assert rig.desk.cases[8].slack_ts is not None


async def test_an_approver_s_click_approves_the_exact_action_shown(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    response = await rig.click("U0ALICE", APPROVE, f"3:{digest}", ts)
    assert response.status_code == 200
    assert ("decide", 3, "slack:U0ALICE", True, digest, None) in rig.desk.calls
    assert rig.desk.cases[7].approval.status == "approved"  # type: ignore[union-attr]
    assert rig.slack.calls_to("chat.postEphemeral") == []


async def test_anyone_else_is_told_privately_and_nothing_changes(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    await rig.click("U0MALLORY", APPROVE, f"3:{digest}", ts)
    assert rig.slack.ephemerals_to("U0MALLORY") == [
        "You are not allowed to decide this request."]
    assert rig.desk.cases[7].approval.status == "pending"  # type: ignore[union-attr]


async def test_a_second_click_and_a_changed_action_are_refused_privately(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    await rig.click("U0ALICE", APPROVE, f"3:{digest}", ts)
    await rig.click("U0BOB", APPROVE, f"3:{digest}", ts)
    await rig.click("U0BOB", APPROVE, "3:0000000000000000", ts)
    assert rig.slack.ephemerals_to("U0BOB") == [
        "This request was already approved (by <@U0ALICE>).",
        "This request was already approved (by <@U0ALICE>)."]


async def test_deny_asks_an_approver_for_a_reason_then_denies_with_it(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    await rig.click("U0BOB", DENY, f"3:{digest}", ts)
    [form] = rig.slack.views_opened()
    assert form["callback_id"] == DENY_FORM
    assert not any(call[0] == "decide" for call in rig.desk.calls)
    submitted = view_submission("U0BOB", form, {REASON_BLOCK: {REASON_INPUT: "Already credited"}})
    response = await rig.post(interaction_body(submitted))
    assert response.status_code == 200 and response.text == ""  # the form closes
    assert ("decide", 3, "slack:U0BOB", False, digest, "Already credited") in rig.desk.calls
    assert rig.desk.cases[7].approval.status == "denied"  # type: ignore[union-attr]


async def test_deny_by_someone_else_opens_no_form(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    await rig.click("U0MALLORY", DENY, f"3:{digest}", ts)
    assert rig.slack.views_opened() == []
    assert rig.slack.ephemerals_to("U0MALLORY") == [NOT_AN_APPROVER]


async def test_deny_on_a_decided_request_opens_no_form(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    await rig.click("U0ALICE", APPROVE, f"3:{digest}", ts)
    await rig.click("U0BOB", DENY, f"3:{digest}", ts)
    assert rig.slack.views_opened() == []
    assert rig.slack.ephemerals_to("U0BOB") == [STALE_REQUEST]


async def test_a_denial_refused_by_the_desk_is_told_in_the_thread(rig: Rig) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    await rig.click("U0BOB", DENY, f"3:{digest}", ts)
    [form] = rig.slack.views_opened()
    await rig.click("U0ALICE", APPROVE, f"3:{digest}", ts)  # while Bob was typing
    await rig.post(interaction_body(view_submission("U0BOB", form,
                                                    {REASON_BLOCK: {REASON_INPUT: "No"}})))
    [told] = [c for c in rig.slack.calls_to("chat.postEphemeral") if c.params["user"] == "U0BOB"]
    assert told.params["text"] == "This request was already approved (by <@U0ALICE>)."
    assert told.params["thread_ts"] == ts


async def test_take_over_then_thread_messages_reach_the_customer_then_hand_back(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    assert rig.desk.cases[8].mode == "human"
    await rig.say_in_thread("U0BOB", "Hi Noor, Bob here.", ts)
    await rig.say_in_thread("U0BOB", "I've refunded the lamp.", ts)
    assert rig.desk.replies == [(8, "slack:U0BOB", "Hi Noor, Bob here."),
                                (8, "slack:U0BOB", "I've refunded the lamp.")]
    await rig.say_in_thread("U0BOB", "/handback", ts)
    assert rig.desk.cases[8].status == "closed"
    assert rig.desk.operations()[-1] == "hand_back"


async def test_the_hand_back_button(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    await rig.click("U0BOB", HAND_BACK, "8", ts)
    assert ("hand_back", 8, "slack:U0BOB") in rig.desk.calls
    assert rig.desk.cases[8].mode == "bot"


async def test_a_second_take_over_says_who_has_the_case(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    await rig.click("U0ALICE", TAKE_OVER, "8", ts)
    assert rig.slack.ephemerals_to("U0ALICE") == ["<@U0BOB> has taken this case over already."]
    assert rig.desk.cases[8].taken_by == "slack:U0BOB"


async def test_words_in_a_thread_not_taken_over_are_not_sent(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.say_in_thread("U0ALICE", "should we refund?", ts)
    assert rig.desk.replies == []
    [told] = rig.slack.calls_to("chat.postEphemeral")
    assert (told.params["user"], told.params["text"], told.params["thread_ts"]) == (
        "U0ALICE", NOT_TAKEN_OVER, ts)


async def test_words_in_the_thread_of_a_closed_case_are_not_sent(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    await rig.say_in_thread("U0BOB", "/handback", ts)
    await rig.say_in_thread("U0BOB", "one more thing", ts)
    assert rig.slack.ephemerals_to("U0BOB") == [CASE_CLOSED]


async def test_bots_edits_and_other_threads_are_ignored(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    await rig.say_in_thread("U0BOB", "from a bot", ts, bot_id="B0OTHER")
    await rig.say_in_thread("U0BOB", "edited", ts, subtype="message_changed")
    await rig.say_in_thread("U0BOB", "not a case", "1111.2222")
    await rig.say_in_thread("U0BOB", "other channel", ts, channel="C0OTHER")
    assert rig.desk.replies == []


async def test_a_repeated_event_is_taken_once_even_as_a_retry(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    body = event_body(event_callback(thread_reply("U0BOB", "Only once", ts)))
    assert (await rig.post(body)).status_code == 200
    assert (await rig.post(body)).status_code == 200
    retry = signed_headers(body, **{"X-Slack-Retry-Num": "1",
                                    "X-Slack-Retry-Reason": "http_timeout"})
    assert (await rig.post(body, retry)).status_code == 200
    assert rig.desk.replies == [(8, "slack:U0BOB", "Only once")]


async def test_a_retry_of_a_delivery_that_never_arrived_is_taken(rig: Rig) -> None:
    ts = await rig.show(8)
    await rig.click("U0BOB", TAKE_OVER, "8", ts)
    body = event_body(event_callback(thread_reply("U0BOB", "Lost the first time", ts)))
    await rig.post(body, signed_headers(body, **{"X-Slack-Retry-Num": "2"}))
    assert rig.desk.replies == [(8, "slack:U0BOB", "Lost the first time")]


@pytest.mark.parametrize("how", ["forged", "unsigned", "stale", "future", "tampered"])
async def test_requests_not_signed_by_slack_now_are_refused(rig: Rig, how: str) -> None:
    ts = await rig.show(7)
    digest = rig.desk.cases[7].approval.digest  # type: ignore[union-attr]
    body = interaction_body(block_action("U0ALICE", APPROVE, f"3:{digest}", ts))
    headers = {
        "forged": signed_headers(body, secret="not-the-secret", content_type=FORM),
        "unsigned": {"Content-Type": FORM},
        # Slack allows five minutes either way; a minute past it, so a slow run stays outside.
        "stale": signed_headers(body, timestamp=int(time.time()) - 360, content_type=FORM),
        "future": signed_headers(body, timestamp=int(time.time()) + 360, content_type=FORM),
        "tampered": signed_headers(body.replace("U0ALICE", "U0BOB"), content_type=FORM),
    }[how]
    response = await rig.post(body, headers)
    assert response.status_code == 401
    assert rig.desk.operations() == ["attach_slack_thread"]
    assert rig.slack.calls_to("chat.postEphemeral") == []


MALFORMED = [
    b"\xff\xfe not utf-8",
    b"{not json",
    b"payload=%7Bnot+json",
    b"[1, 2, 3]",
    b'"just a string"',
    b"payload=%5B%5D",
    b'{"type": "event_callback", "event": 5}',
    b'{"type": "event_callback", "event": {"type": "message", "channel": []}}',
    b'{"type": "block_actions", "actions": "none", "user": 7}',
    b'{"type": "view_submission", "view": "x"}',
    b'{"type": "block_actions", "team": 5, "user": {"id": "U0ALICE"}, "actions": [{}]}',
    b"",
]


@pytest.mark.parametrize("body", MALFORMED)
async def test_malformed_bodies_never_get_a_server_error(rig: Rig, body: bytes) -> None:
    signed = await rig.post(body, signed_headers(_as_text(body)))
    assert signed.status_code < 500
    unsigned = await rig.post(body, {"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    assert "decide" not in rig.desk.operations()


def _as_text(body: bytes) -> str:
    """slack_sdk signs text; a body that is not UTF-8 is signed over its Latin-1 reading."""
    try:
        return body.decode()
    except UnicodeDecodeError:
        return body.decode("latin-1")


async def test_the_url_check_is_answered(rig: Rig) -> None:
    body = json.dumps({"token": "x", "challenge": "c4ll3ng3", "type": "url_verification"})
    response = await rig.post(body)
    assert response.status_code == 200 and response.json() == {"challenge": "c4ll3ng3"}


async def test_events_caseloop_does_not_use_are_acknowledged(rig: Rig) -> None:
    body = event_body(event_callback({"type": "reaction_added", "user": "U0BOB"}))
    assert (await rig.post(body)).status_code == 200


async def test_clicks_are_acknowledged_before_slow_work(slack: FakeSlack) -> None:
    desk = StandInDesk(case_view(7, approval=approval_view(3)), delay=3.5)
    rig = Rig(slack, desk)
    ts = await rig.show(7)
    digest = desk.cases[7].approval.digest  # type: ignore[union-attr]
    body = interaction_body(block_action("U0ALICE", APPROVE, f"3:{digest}", ts))
    started = time.monotonic()
    response = await rig.http.post("/slack/events", content=body,
                                   headers=signed_headers(body, content_type=FORM))
    assert response.status_code == 200 and time.monotonic() - started < 3.0
    await rig.connector.idle()
    assert desk.cases[7].approval.status == "approved"  # type: ignore[union-attr]
    await rig.http.aclose()
    await rig.connector.close()


async def test_socket_mode_takes_clicks_over_the_socket(slack: FakeSlack) -> None:
    desk = StandInDesk(case_view(7, approval=approval_view(3)))
    slack_app = SlackApp(token=TOKEN, api_url=slack.api_url,
                         app_token="xapp-1-A0CASELOOP-1-abcd", mode="socket")
    connector = SlackConnector(desk, slack_app, channel_id=CHANNEL)
    await connector.start()
    try:
        await connector.case_opened(desk.cases[7])
        ts, digest = desk.cases[7].slack_ts, desk.cases[7].approval.digest  # type: ignore[union-attr]
        assert ts is not None
        envelope = slack.push_envelope("interactive",
                                       block_action("U0ALICE", APPROVE, f"3:{digest}", ts))
        assert (await asyncio.to_thread(slack.wait_for_ack, envelope))["envelope_id"] == envelope
        await connector.idle()
        assert desk.cases[7].approval.status == "approved"  # type: ignore[union-attr]
        body = event_callback(thread_reply("U0ALICE", "thanks", ts))
        first = slack.push_envelope("events_api", body)
        again = slack.push_envelope("events_api", body, retry_attempt=1)
        await asyncio.to_thread(slack.wait_for_ack, first)
        await asyncio.to_thread(slack.wait_for_ack, again)
        await connector.idle()
        assert [call[0] for call in desk.calls].count("reply") == 1
    finally:
        await connector.close()
    assert slack.socket_connections == 1


async def test_socket_mode_needs_no_route(slack: FakeSlack) -> None:
    slack_app = SlackApp(token=TOKEN, api_url=slack.api_url,
                         app_token="xapp-1-A0CASELOOP-1-abcd", mode="socket")
    connector = SlackConnector(StandInDesk(), slack_app, channel_id=CHANNEL)
    app = FastAPI()
    app.include_router(slack_route.router)
    app.state.caseloop = SimpleNamespace(slack=connector)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://a") as web:
        assert (await web.post("/slack/events", content=b"{}")).status_code == 404
    await connector.close()


def test_http_mode_needs_a_signing_secret_and_socket_mode_an_app_token() -> None:
    with pytest.raises(ValueError, match="signing secret"):
        SlackApp(token=TOKEN, signing_secret=None)
    with pytest.raises(ValueError, match="app-level token"):
        SlackApp(token=TOKEN, signing_secret=None, mode="socket")
