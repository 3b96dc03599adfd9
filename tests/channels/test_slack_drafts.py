"""Shadow mode in Slack, between the fake Slack Web API and a stand-in desk: each draft in the
case's thread with Send, Edit and Reject, the forms, refusals told privately, and notices."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from channels.slack.draft_handlers import (
    NOT_AN_AGENT_TO_REJECT,
    NOT_AN_APPROVER_TO_SEND,
    NOT_ON_THE_DESK,
)
from tests.channels.slack_desk import StandInDesk, draft_view, shadow_case
from tests.channels.slack_forms import edit_values, reject_values, text_input
from tests.channels.slack_rig import Rig, connector
from tests.fakes.slack import (
    CHANNEL,
    FakeSlack,
    Message,
    block_action,
    interaction_body,
    view_submission,
)

REFUND, REPLY = 11, 12


@pytest.fixture
async def rig(slack: FakeSlack) -> AsyncIterator[Rig]:
    desk = StandInDesk(shadow_case(7, draft_view(REFUND), draft_view(REPLY, action=None)))
    running = Rig(slack, desk)
    yield running
    await running.close()


def drafts_in(rig: Rig, parent_ts: str) -> dict[int, Message]:
    """The thread's draft messages as they stand, by draft id."""
    return {int(m.blocks[0]["block_id"].removeprefix("draft_")): m
            for m in rig.slack.thread(parent_ts) if m.blocks}


def labels(message: Message) -> list[str]:
    return [e["text"]["text"] for b in message.blocks if b["type"] == "actions"
            for e in b["elements"]]


async def press(rig: Rig, user: str, label: str, message: Message) -> httpx.Response:
    """A person pressing a button on a draft's message in the thread."""
    [button] = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]
                if e["text"]["text"] == label]
    return await rig.post(interaction_body(block_action(
        user, button["action_id"], button["value"], message.ts, thread_ts=message.thread_ts)))


async def submit(rig: Rig, user: str, form: dict, values: dict) -> httpx.Response:
    return await rig.post(interaction_body(view_submission(user, form, values)))


async def refresh(rig: Rig, event: str) -> None:
    """The desk telling the connector about the change, as it does after every decision."""
    await rig.connector.case_changed(rig.desk.cases[7], event)


async def test_each_draft_is_posted_in_the_thread_once_with_send_edit_and_reject(rig: Rig) -> None:
    ts = await rig.show(7)
    shown = drafts_in(rig, ts)
    assert list(shown) == [REFUND, REPLY]
    assert all(labels(m) == ["Send", "Edit", "Reject"] for m in shown.values())
    await refresh(rig, "draft_ready")  # nothing new: nothing posted again
    assert len(rig.slack.thread(ts)) == 2

    case = rig.desk.cases[7]
    rig.desk.cases[7] = dataclasses.replace(case, drafts=(*case.drafts,
                                                          draft_view(13, action=None)))
    await refresh(rig, "draft_ready")
    assert list(drafts_in(rig, ts)) == [REFUND, REPLY, 13]


async def test_send_by_an_approver_releases_the_draft_and_its_message_shows_it(rig: Rig) -> None:
    ts = await rig.show(7)
    assert (await press(rig, "U0ALICE", "Send", drafts_in(rig, ts)[REFUND])).status_code == 200
    assert ("send", REFUND, "slack:U0ALICE", None) in rig.desk.calls
    assert rig.slack.calls_to("chat.postEphemeral") == []
    await refresh(rig, "draft_sent")
    after = drafts_in(rig, ts)
    assert labels(after[REFUND]) == [] and after[REFUND].updates == 1
    assert "*Sent* by <@U0ALICE>" in after[REFUND].blocks[-2]["text"]["text"]
    assert labels(after[REPLY]) == ["Send", "Edit", "Reject"] and after[REPLY].updates == 0


async def test_an_action_sent_by_someone_else_is_refused_privately_in_the_thread(rig: Rig) -> None:
    ts = await rig.show(7)
    await press(rig, "U0MALLORY", "Send", drafts_in(rig, ts)[REFUND])
    [told] = rig.slack.calls_to("chat.postEphemeral")
    assert (told.params["user"], told.params["text"], told.params["thread_ts"]) == (
        "U0MALLORY", "Only approvers can send this draft.", ts)
    assert rig.desk.cases[7].drafts[0].status == "pending"


async def test_anyone_may_send_a_plain_reply_and_a_second_click_changes_nothing(rig: Rig) -> None:
    ts = await rig.show(7)
    reply = drafts_in(rig, ts)[REPLY]
    await press(rig, "U0MALLORY", "Send", reply)
    await press(rig, "U0BOB", "Send", reply)
    assert rig.desk.cases[7].drafts[1].decided_by == "slack:U0MALLORY"
    assert rig.slack.ephemerals_to("U0BOB") == [
        "This draft was already sent (by <@U0MALLORY>); nothing changed."]


async def test_edit_opens_a_form_with_the_text_and_the_edited_text_is_sent(rig: Rig) -> None:
    ts = await rig.show(7)
    await press(rig, "U0BOB", "Edit", drafts_in(rig, ts)[REPLY])
    [form] = rig.slack.views_opened()
    assert text_input(form)["element"]["initial_value"] == (
        "Your order Q5544 shipped with DPD on Monday.")
    assert "send" not in rig.desk.operations()
    response = await submit(rig, "U0BOB", form, edit_values("It left us Monday, Noor."))
    assert response.status_code == 200 and response.text == ""  # the form closes
    assert ("send", REPLY, "slack:U0BOB", "It left us Monday, Noor.") in rig.desk.calls
    assert rig.desk.cases[7].drafts[1].status == "edited"


async def test_edit_of_an_action_by_someone_not_an_approver_opens_no_form(rig: Rig) -> None:
    ts = await rig.show(7)
    await press(rig, "U0MALLORY", "Edit", drafts_in(rig, ts)[REFUND])
    assert rig.slack.views_opened() == []
    assert rig.slack.ephemerals_to("U0MALLORY") == [NOT_AN_APPROVER_TO_SEND]


async def test_an_edit_submitted_after_someone_else_sent_the_draft_is_refused(rig: Rig) -> None:
    ts = await rig.show(7)
    reply = drafts_in(rig, ts)[REPLY]
    await press(rig, "U0BOB", "Edit", reply)
    [form] = rig.slack.views_opened()
    await press(rig, "U0ALICE", "Send", reply)  # while Bob was typing
    await submit(rig, "U0BOB", form, edit_values("Too late"))
    [told] = [c for c in rig.slack.calls_to("chat.postEphemeral") if c.params["user"] == "U0BOB"]
    assert told.params["text"] == "This draft was already sent (by <@U0ALICE>); nothing changed."
    assert told.params["thread_ts"] == ts
    await press(rig, "U0BOB", "Edit", reply)  # a stale button opens no form either
    assert len(rig.slack.views_opened()) == 1


async def test_reject_asks_for_a_label_and_a_note_then_the_person_holds_the_case(
    rig: Rig
) -> None:
    ts = await rig.show(7)
    await press(rig, "U0BOB", "Reject", drafts_in(rig, ts)[REFUND])
    [form] = rig.slack.views_opened()
    await submit(rig, "U0BOB", form, reject_values("wrong policy", " lamps are final sale "))
    assert ("reject", REFUND, "slack:U0BOB", "wrong policy", "lamps are final sale") \
        in rig.desk.calls
    assert (rig.desk.cases[7].mode, rig.desk.cases[7].taken_by) == ("human", "slack:U0BOB")
    await refresh(rig, "draft_rejected")
    rejected = drafts_in(rig, ts)[REFUND]
    assert labels(rejected) == [] and "*wrong policy*" in str(rejected.blocks)
    assert ":raising_hand: *Taken over* by <@U0BOB>" in str(rig.slack.message(ts).blocks)


async def test_with_agents_set_only_they_work_drafts_and_only_they_reject(
    slack: FakeSlack
) -> None:
    desk = StandInDesk(shadow_case(7, draft_view(REFUND), draft_view(REPLY, action=None)))
    rig = Rig(slack, desk, agents=frozenset({"U0BOB"}))
    try:
        ts = await rig.show(7)
        shown = drafts_in(rig, ts)
        await press(rig, "U0MALLORY", "Send", shown[REPLY])
        await press(rig, "U0ALICE", "Reject", shown[REFUND])  # an approver, not an agent
        assert rig.slack.ephemerals_to("U0MALLORY") == [NOT_ON_THE_DESK]
        assert rig.slack.ephemerals_to("U0ALICE") == [NOT_AN_AGENT_TO_REJECT]
        assert rig.slack.views_opened() == [] and "send" not in desk.operations()
        await press(rig, "U0ALICE", "Send", shown[REFUND])  # an approver releases the action
        assert desk.cases[7].drafts[0].status == "sent"
    finally:
        await rig.close()


async def test_after_a_restart_drafts_are_found_in_the_thread_not_posted_again(
    rig: Rig, slack: FakeSlack
) -> None:
    ts = await rig.show(7)
    await press(rig, "U0ALICE", "Send", drafts_in(rig, ts)[REFUND])
    again = connector(slack, rig.desk)
    try:
        await again.case_changed(rig.desk.cases[7], "draft_sent")
    finally:
        await again.close()
    assert len(slack.calls_to("conversations.replies")) == 1
    shown = drafts_in(rig, ts)
    assert list(shown) == [REFUND, REPLY] and len(slack.thread(ts)) == 2
    assert labels(shown[REFUND]) == [] and labels(shown[REPLY]) == ["Send", "Edit", "Reject"]


async def test_a_notice_for_the_whole_desk_is_posted_in_the_channel(rig: Rig) -> None:
    await rig.connector.desk_notice("Refund fell back to shadow mode: 3 of the last 20 <bad>")
    [posted] = rig.slack.calls_to("chat.postMessage")
    assert posted.params["channel"] == CHANNEL and "thread_ts" not in posted.params
    assert posted.params["text"] == (
        "Refund fell back to shadow mode: 3 of the last 20 &lt;bad&gt;")
