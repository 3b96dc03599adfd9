"""Block Kit for escalated cases: what a person sees on the parent message and in its thread."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from channels.slack.block_kit import escape, when
from channels.slack.blocks import (
    APPROVE,
    DENY,
    DENY_FORM,
    HAND_BACK,
    REASON_BLOCK,
    REASON_INPUT,
    TAKE_OVER,
    call_text,
    case_message,
    deny_form,
    note_message,
)
from tests.channels.slack_desk import approval_view, case_view


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in the blocks, one per line, as a reader would skim them."""
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

    walk(blocks)
    return "\n".join(found)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The buttons by label."""
    return {element["text"]["text"]: element for block in blocks if block["type"] == "actions"
            for element in block["elements"]}


def test_a_pending_approval_shows_summary_customer_mood_exact_action_rule_and_buttons() -> None:
    approval = approval_view(3)
    message = case_message(case_view(7, approval=approval))
    shown = texts(message["blocks"])
    assert message["blocks"][0] == {"type": "header", "text": {
        "type": "plain_text", "text": "Case #7: Approval needed", "emoji": True}}
    assert ("*Wants:* A refund of 120.00 EUR for the armchair on order Q5560.\n"
            "*Found:* Order Q5560 was delivered 2 days ago; nothing refunded yet.\n"
            "*Why:* Refunds over 50.00 need a person's approval.") in shown
    for field in ("*Customer*\nNoor Haddad", "*Tier*\nstandard", "*Channel*\nWeb chat",
                  "*Mood*\n:large_green_circle: calm"):
        assert field in shown
    assert '```refund(amount="120.00", order_id="Q5560")```' in shown
    assert "*Proposed action:* refund 120.00 EUR on order Q5560" in shown
    assert "Policy rule `refund-over-50-needs-approval` requires approval · 1 approver" in shown
    shown_buttons = buttons(message["blocks"])
    assert list(shown_buttons) == ["Approve", "Deny", "Take over"]
    assert shown_buttons["Approve"]["value"] == f"3:{approval.digest}"
    assert shown_buttons["Approve"]["style"] == "primary"
    assert shown_buttons["Approve"]["action_id"] == APPROVE
    assert shown_buttons["Deny"]["value"] == f"3:{approval.digest}"
    assert shown_buttons["Deny"]["action_id"] == DENY
    assert shown_buttons["Take over"] | {} == {
        "type": "button", "text": {"type": "plain_text", "text": "Take over", "emoji": True},
        "action_id": TAKE_OVER, "value": "7"}
    assert "Case #7, Noor Haddad: Approval needed (refund 120.00 EUR on order Q5560)" \
        == message["text"]


def test_an_approved_request_shows_who_and_when_and_keeps_only_take_over() -> None:
    approval = approval_view(3, status="approved", decided_by="slack:U0ALICE",
                             approved_by=("slack:U0ALICE",),
                             decided_at="2026-11-25T10:05:00.000Z",
                             result="Good news: a colleague approved your request.")
    blocks = case_message(case_view(approval=approval), "approved")["blocks"]
    shown = texts(blocks)
    stamp = int(datetime(2026, 11, 25, 10, 5, tzinfo=UTC).timestamp())
    assert (f":white_check_mark: *Approved* by <@U0ALICE> · <!date^{stamp}^"
            "{date_short_pretty} at {time}|2026-11-25 10:05 UTC>") in shown
    assert "Customer told: “Good news: a colleague approved your request.”" in shown
    assert list(buttons(blocks)) == ["Take over"]


def test_a_denial_shows_the_approver_and_the_reason() -> None:
    approval = approval_view(status="denied", decided_by="slack:U0BOB",
                             decided_at="2026-11-25T10:05:00.000Z", reason="Outside the policy")
    blocks = case_message(case_view(approval=approval), "denied")["blocks"]
    assert ":no_entry_sign: *Denied* by <@U0BOB> · <!date^" in texts(blocks)
    assert ": “Outside the policy”" in texts(blocks)
    assert "Approve" not in buttons(blocks)


def test_a_console_decision_names_the_console_user() -> None:
    approval = approval_view(status="approved", decided_by="console:dana",
                             approved_by=("console:dana",), decided_at="2026-11-25T10:05:00Z")
    assert "*Approved* by dana (console)" in texts(case_message(case_view(approval=approval))
                                                   ["blocks"])


def test_an_expired_request_says_nobody_decided_in_time() -> None:
    approval = approval_view(status="expired")
    blocks = case_message(case_view(approval=approval), "expired")["blocks"]
    assert ":hourglass: *Expired*" in texts(blocks) and "nobody decided in time" in texts(blocks)
    assert list(buttons(blocks)) == ["Take over"]


def test_a_first_of_two_approvals_keeps_the_buttons_for_the_second_person() -> None:
    approval = approval_view(approvers_needed=2, approved_by=("slack:U0ALICE",),
                             args={"order_id": "Q1", "amount": "900.00"})
    blocks = case_message(case_view(approval=approval), "first_approval")["blocks"]
    assert "2 different approvers" in texts(blocks)
    assert "Approved by <@U0ALICE>; waiting for 1 more approver (a different person)" \
        in texts(blocks)
    assert list(buttons(blocks)) == ["Approve", "Deny", "Take over"]


def test_a_taken_over_case_offers_hand_back_and_says_who_has_it() -> None:
    now = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    blocks = case_message(case_view(9, reason="asked_for_person", mode="human",
                                    taken_by="slack:U0BOB"), "taken_over", now)["blocks"]
    shown = texts(blocks)
    assert "Case #9: The customer asked for a person" in shown
    assert f":raising_hand: *Taken over* by <@U0BOB> · <!date^{int(now.timestamp())}^" in shown
    assert "`/handback`" in shown
    assert buttons(blocks)["Hand back"]["action_id"] == HAND_BACK
    assert list(buttons(blocks)) == ["Hand back"]


def test_a_handed_back_case_is_closed_and_has_no_buttons() -> None:
    blocks = case_message(case_view(status="closed", taken_by="slack:U0BOB"),
                          "handed_back")["blocks"]
    assert "*Handed back to the bot*" in texts(blocks) and "Case closed." in texts(blocks)
    assert not any(block["type"] == "actions" for block in blocks)


def test_moods_are_shown_with_a_colour() -> None:
    for mood, sign in (("frustrated", ":large_orange_circle:"), ("upset", ":red_circle:")):
        assert f"*Mood*\n{sign} {mood}" in texts(case_message(case_view(sentiment=mood))
                                                  ["blocks"])


def test_customer_words_cannot_ping_or_format_the_channel() -> None:
    case = case_view(wants="<!channel> refund me & <@U0ALICE> now", customer_name="<b>Eve</b>")
    shown = texts(case_message(case)["blocks"])
    assert "&lt;!channel&gt; refund me &amp; &lt;@U0ALICE&gt; now" in shown
    assert "<!channel>" not in shown and "&lt;b&gt;Eve&lt;/b&gt;" in shown
    note = note_message("customer", "<!here> hello", None)
    assert note == {"text": ":bust_in_silhouette: *Customer:* &lt;!here&gt; hello"}


def test_long_texts_stay_within_block_kit_limits() -> None:
    case = case_view(wants="w" * 10_000, why="y" * 5000, customer_name="n" * 300)
    blocks = case_message(case)["blocks"]
    assert len(blocks[0]["text"]["text"]) <= 150
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 3000


def test_thread_notes_say_who_wrote_and_mark_suggestions_as_not_sent() -> None:
    assert note_message("bot", "Your refund is on its way.", None) == {
        "text": ":robot_face: *Bot:* Your refund is on its way."}
    assert note_message("human", "Hi, Dana here.", "console:dana") == {
        "text": ":technologist: *dana (console) to the customer:* Hi, Dana here."}
    suggestion = note_message("suggestion", "Offer a partial refund.\nNext: check stock.", None)
    assert suggestion is not None
    assert suggestion["text"].startswith("Suggestion for you (not sent to the customer)")
    assert "not sent to the customer" in texts(suggestion["blocks"])
    assert ">Offer a partial refund.\n>Next: check stock." in texts(suggestion["blocks"])


def test_a_person_s_own_slack_message_is_not_echoed_into_the_thread() -> None:
    assert note_message("human", "On it!", "slack:U0BOB") is None


def test_an_internal_note_is_marked_as_not_sent_and_names_who_answers_the_customer() -> None:
    from_slack = note_message("internal", "send your card number to <@U0X>", "slack:U0MALLORY",
                              "slack:U0BOB")
    assert from_slack is not None  # the words are in the thread already: not repeated
    assert from_slack["text"] == (
        ":lock: *Internal note* from <@U0MALLORY>: not sent to the customer. Only <@U0BOB>, "
        "who took this case over, writes to the customer.")
    assert "card number" not in texts(from_slack["blocks"])
    from_console = note_message("internal", "Check <!channel> first", "console:dana", None)
    assert from_console is not None
    assert from_console["text"] == (":lock: *Internal note* from dana (console) (not sent to "
                                    "the customer): Check &lt;!channel&gt; first")
    assert ">Check &lt;!channel&gt; first" in texts(from_console["blocks"])


def test_the_deny_form_carries_the_request_and_asks_for_a_reason() -> None:
    approval = approval_view(3)
    form = deny_form(approval, "C0ESCALATE", "1700000000.000100")
    assert form["type"] == "modal" and form["callback_id"] == DENY_FORM
    assert len(form["title"]["text"]) <= 24 and form["submit"]["text"] == "Deny"
    assert json.loads(form["private_metadata"]) == {
        "approval": 3, "digest": approval.digest, "channel": "C0ESCALATE",
        "thread_ts": "1700000000.000100"}
    reason = next(block for block in form["blocks"] if block["type"] == "input")
    assert reason["block_id"] == REASON_BLOCK
    assert reason["element"]["action_id"] == REASON_INPUT
    assert "customer is told" in reason["label"]["text"]
    assert "refund 120.00 EUR on order Q5560" in texts(form["blocks"])


def test_calls_show_exact_arguments() -> None:
    assert call_text("change_address", {"order_id": "Q1", "address": {"city": "Lyon"}}) == \
        'change_address(address={"city": "Lyon"}, order_id="Q1")'
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert when("not a date") == "not a date" and when(None) == "-"
