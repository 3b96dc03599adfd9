"""Block Kit for shadow mode's drafts: what a person sees on a draft's message and its forms."""

from __future__ import annotations

import json

from bot.desk.drafts import LABELS
from channels.slack.blocks import case_message
from channels.slack.draft_blocks import (
    EDIT,
    EDIT_FORM,
    LABEL_BLOCK,
    NOTE_BLOCK,
    REJECT,
    REJECT_FORM,
    SEND,
    TEXT_BLOCK,
    TEXT_INPUT,
    draft_message,
    edit_form,
    reject_form,
)
from tests.channels.slack_desk import draft_view, shadow_case
from tests.channels.test_slack_blocks import buttons, texts


def test_a_waiting_draft_shows_the_customer_the_reply_the_exact_action_its_rule_and_buttons(
) -> None:
    message = draft_message(draft_view(11))
    shown = texts(message["blocks"])
    assert "*The customer wrote:*\n>The desk lamp from order Q5521 arrived cracked" in shown
    assert "*Draft reply:*\n>I've refunded 38.40 EUR on order Q5521." in shown
    assert "*Proposed action:* refund 38.40 EUR on order Q5521" in shown
    assert '```refund(amount="38.40", order_id="Q5521")```' in shown
    assert "Policy rule `refund-up-to-50-auto`" in shown
    shown_buttons = buttons(message["blocks"])
    assert list(shown_buttons) == ["Send", "Edit", "Reject"]
    assert [(b["action_id"], b["value"]) for b in shown_buttons.values()] == [
        (SEND, "11"), (EDIT, "11"), (REJECT, "11")]
    assert message["text"].startswith("Draft to review (refund)")


def test_a_plain_reply_has_no_action_and_no_rule() -> None:
    shown = texts(draft_message(draft_view(12, action=None))["blocks"])
    assert "*Draft reply:*\n>Your order Q5544 shipped with DPD on Monday." in shown
    assert "Proposed action" not in shown and "Policy rule" not in shown
    assert "order status" in shown


def test_a_sent_draft_shows_who_when_the_outcome_and_no_buttons() -> None:
    sent = draft_view(11, status="sent", decided_by="slack:U0ALICE", outcome="done",
                      decided_at="2026-11-25T10:05:00.000Z",
                      result="I've refunded 38.40 EUR on order Q5521. Your reference is R-1.")
    blocks = draft_message(sent)["blocks"]
    shown = texts(blocks)
    assert ":white_check_mark: *Sent* by <@U0ALICE> · <!date^" in shown
    assert "refund: done" in shown
    assert "Customer told: “I've refunded 38.40 EUR on order Q5521. Your reference is R-1.”" \
        in shown
    assert buttons(blocks) == {}


def test_an_edited_draft_says_so_and_shows_what_the_customer_got() -> None:
    edited = draft_view(12, action=None, status="edited", decided_by="slack:U0BOB",
                        sent_text="It left us Monday.", result="It left us Monday.")
    shown = texts(draft_message(edited)["blocks"])
    assert ":pencil2: *Edited and sent* by <@U0BOB>" in shown
    assert "Customer told: “It left us Monday.”" in shown


def test_a_rejected_draft_shows_its_label_note_and_who_answers() -> None:
    rejected = draft_view(11, status="rejected", decided_by="slack:U0BOB",
                          label="wrong policy", note="lamps are <final> sale")
    blocks = draft_message(rejected)["blocks"]
    shown = texts(blocks)
    assert ("*Rejected* by <@U0BOB>" in shown and "*wrong policy*: “lamps are &lt;final&gt; "
            "sale”" in shown)
    assert "Nothing was sent or done; <@U0BOB> answers the customer." in shown
    assert buttons(blocks) == {}


def test_what_the_customer_or_the_model_wrote_cannot_ping_the_channel() -> None:
    shown = texts(draft_message(draft_view(11, customer_text="<!channel> help",
                                           reply="<@U0ALICE> ok"))["blocks"])
    assert "<!channel>" not in shown and "&lt;!channel&gt; help" in shown
    assert "<@U0ALICE> ok" not in shown


def test_the_edit_form_carries_the_draft_and_holds_its_text() -> None:
    form = edit_form(draft_view(11), "C0ESCALATE", "1700000000.000100")
    assert form["callback_id"] == EDIT_FORM and form["submit"]["text"] == "Send"
    assert json.loads(form["private_metadata"]) == {
        "draft": 11, "channel": "C0ESCALATE", "thread_ts": "1700000000.000100"}
    [text_input] = [b for b in form["blocks"] if b.get("block_id") == TEXT_BLOCK]
    assert text_input["element"]["action_id"] == TEXT_INPUT
    assert text_input["element"]["initial_value"] == "I've refunded 38.40 EUR on order Q5521."
    assert '`refund(amount="38.40", order_id="Q5521")`' in texts(form["blocks"])


def test_the_reject_form_offers_exactly_the_labels_and_an_optional_note() -> None:
    form = reject_form(draft_view(11), "C0ESCALATE", None)
    assert form["callback_id"] == REJECT_FORM and form["submit"]["text"] == "Reject"
    blocks = {b.get("block_id"): b for b in form["blocks"]}
    select = blocks[LABEL_BLOCK]["element"]
    assert select["type"] == "static_select"
    assert [o["value"] for o in select["options"]] == list(LABELS) == [
        "wrong policy", "missing context", "bad action suggestion", "ambiguous intent",
        "knowledge gap", "tone"]
    assert blocks[NOTE_BLOCK]["optional"] is True


def test_the_parent_of_a_shadow_case_says_how_many_drafts_wait() -> None:
    case = shadow_case(7, draft_view(11), draft_view(12, action=None),
                       draft_view(13, status="sent"))
    message = case_message(case)
    shown = texts(message["blocks"])
    assert "Case #7: Shadow mode: a draft to review" in shown
    assert ":memo: 2 drafts waiting in this thread: *Send*, *Edit* or *Reject* each." in shown
    assert list(buttons(message["blocks"])) == ["Take over"]
