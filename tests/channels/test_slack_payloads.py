"""Slack's payloads read back: buttons, the deny, edit and reject forms, and people's thread
messages."""

from __future__ import annotations

import pytest

from channels.slack.blocks import APPROVE, REASON_BLOCK, REASON_INPUT, deny_form
from channels.slack.draft_blocks import (
    LABEL_BLOCK,
    LABEL_INPUT,
    NOTE_BLOCK,
    NOTE_INPUT,
    SEND,
    TEXT_BLOCK,
    TEXT_INPUT,
    edit_form,
    reject_form,
)
from channels.slack.payloads import (
    ApprovalRef,
    DraftSubmission,
    approval_ref,
    case_id,
    click,
    deny_submission,
    draft_submission,
    thread_message,
)
from tests.channels.slack_desk import approval_view, draft_view
from tests.fakes.slack import (
    BOT_ID,
    CHANNEL,
    block_action,
    picked,
    thread_reply,
    view_submission,
)


def test_a_button_press_says_who_pressed_what_where() -> None:
    pressed = click(block_action("U0ALICE", APPROVE, "3:abc123", "1700000000.000100"))
    assert pressed is not None
    assert (pressed.user, pressed.value, pressed.channel, pressed.message_ts) == (
        "U0ALICE", "3:abc123", CHANNEL, "1700000000.000100")
    assert pressed.trigger_id


@pytest.mark.parametrize("body", [{}, {"actions": []}, {"actions": [{}]}, {"user": "U1"},
                                  {"user": {"id": 5}, "actions": [{"value": "1"}]}])
def test_a_press_without_user_or_action_is_ignored(body: dict) -> None:
    assert click(body) is None


def test_button_values_read_back_or_are_ignored() -> None:
    assert approval_ref("12:0f1e2d3c4b5a6978") == ApprovalRef(12, "0f1e2d3c4b5a6978")
    for bad in (None, "", "12", "12:", "x:abc", "-1:abc"):
        assert approval_ref(bad) is None
    assert case_id("7") == 7
    assert case_id("seven") is None and case_id(None) is None and case_id("-7") is None


def test_a_person_s_thread_reply_is_read() -> None:
    message = thread_message(thread_reply("U0BOB", "  Hello from Bob  ", "1700.0001"), CHANNEL)
    assert message is not None
    assert (message.user, message.text, message.thread_ts) == ("U0BOB", "Hello from Bob",
                                                               "1700.0001")
    assert not message.hands_back


@pytest.mark.parametrize("text", ["/handback", " /handback ", "/HandBack"])
def test_the_hand_back_command(text: str) -> None:
    message = thread_message(thread_reply("U0BOB", text, "1700.0001"), CHANNEL)
    assert message is not None and message.hands_back


@pytest.mark.parametrize("event", [
    thread_reply("U0BOB", "from the bot", "1700.0001", bot_id=BOT_ID),
    thread_reply("U0BOB", "edited", "1700.0001", subtype="message_changed"),
    thread_reply("U0BOB", "joined", "1700.0001", subtype="channel_join"),
    thread_reply("U0BOB", "elsewhere", "1700.0001", channel="C0OTHER"),
    thread_reply("U0BOB", "   ", "1700.0001"),
    {**thread_reply("U0BOB", "top level", "1700.0001"), "thread_ts": None},
    {**thread_reply("U0BOB", "the parent itself", "1700.0001"), "ts": "1700.0001"},
    {**thread_reply("U0BOB", "no user", "1700.0001"), "user": None},
    {"type": "reaction_added", "channel": CHANNEL},
])
def test_anything_but_a_person_s_thread_reply_is_ignored(event: dict) -> None:
    assert thread_message(event, CHANNEL) is None


def test_a_reply_also_sent_to_the_channel_is_still_a_reply() -> None:
    event = thread_reply("U0BOB", "for everyone", "1700.0001", subtype="thread_broadcast")
    assert thread_message(event, CHANNEL) is not None


def test_the_deny_form_reads_back_with_its_request_and_reason() -> None:
    approval = approval_view(3)
    form = deny_form(approval, CHANNEL, "1700.0001")
    body = view_submission("U0ALICE", form, {REASON_BLOCK: {REASON_INPUT: " Not eligible. "}})
    submitted = deny_submission(body)
    assert submitted is not None
    assert submitted.approval == ApprovalRef(3, approval.digest)
    assert (submitted.user, submitted.reason, submitted.channel, submitted.thread_ts) == (
        "U0ALICE", "Not eligible.", CHANNEL, "1700.0001")


@pytest.mark.parametrize("metadata", ["", "not json", "[]", '{"approval": "3", "digest": "x"}',
                                      '{"approval": 3}'])
def test_a_form_without_its_request_is_ignored(metadata: str) -> None:
    body = view_submission("U0ALICE", {"type": "modal", "private_metadata": metadata}, {})
    assert deny_submission(body) is None


def test_the_edit_and_reject_forms_read_back() -> None:
    draft = draft_view(11)
    edited = draft_submission(view_submission(
        "U0BOB", edit_form(draft, CHANNEL, "1700000000.000100"),
        {TEXT_BLOCK: {TEXT_INPUT: "It left us Monday."}}))
    assert edited == DraftSubmission(user="U0BOB", draft_id=11, text="It left us Monday.",
                                     label=None, note="", channel=CHANNEL,
                                     thread_ts="1700000000.000100")
    rejected = draft_submission(view_submission(
        "U0BOB", reject_form(draft, CHANNEL, None),
        {LABEL_BLOCK: {LABEL_INPUT: picked("tone")}, NOTE_BLOCK: {NOTE_INPUT: None}}))
    assert rejected is not None and (rejected.label, rejected.note, rejected.text) == (
        "tone", "", None)


@pytest.mark.parametrize("metadata", ["not json", "[]", '{"draft": "11"}', '{"draft": true}',
                                      "{}"])
def test_a_draft_form_without_its_draft_is_ignored(metadata: str) -> None:
    form = {"type": "modal", "private_metadata": metadata}
    assert draft_submission(view_submission("U0BOB", form, {})) is None


def test_a_click_in_a_thread_knows_its_thread() -> None:
    pressed = click(block_action("U0BOB", SEND, "11", "1700000000.000200",
                                 thread_ts="1700000000.000100"))
    assert pressed is not None and pressed.thread == "1700000000.000100"
    on_parent = click(block_action("U0BOB", SEND, "11", "1700000000.000100"))
    assert on_parent is not None and on_parent.thread == "1700000000.000100"
