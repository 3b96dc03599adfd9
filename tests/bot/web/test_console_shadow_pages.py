"""Shadow mode's console pages rendered from hand-made drafts and levels: what an operator reads
and may click, the chart's figures, and nothing unescaped (issue 14)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.autonomy.levels import CaseTypeLevel
from bot.autonomy.readiness import CaseTypeReadiness
from bot.desk.drafts import LABELS, Draft
from bot.desk.escalations import Escalation
from bot.web.console.autonomy_page import autonomy_page
from bot.web.console.case_page import case_page
from bot.web.console.pages import cases_page
from graph.autonomy import Level
from tests.bot.web.test_console_pages import NOW, Text, case, stamp

EVIL = '<script>alert("x")</script>'


def draft(**changes: Any) -> Draft:
    base = Draft(
        id=11, thread_id="customer:K-77", customer_id="K-77", channel="webchat",
        case_type="refund", customer_text="The desk lamp from order Q5521 arrived cracked",
        reply="Done: I've refunded 38.40 EUR on order Q5521.", action="refund",
        args={"order_id": "Q5521", "amount": "38.40"}, rule="refund-up-to-50-auto",
        idempotency_key="k-1", description="refund 38.40 EUR on order Q5521", done=None,
        language="en", status="pending", sent_text=None, label=None, note=None,
        decided_by=None, decided_at=None, outcome=None, result=None, escalation_id=3,
        created_at=stamp(5))
    return replace(base, **changes)


def shadow_case(*drafts: Draft, **changes: Any) -> Escalation:
    return case(reason="shadow", approval=None, drafts=drafts or (draft(),), **changes)


def render(shown: Escalation, *, may_decide: bool = True, editing: int | None = None) -> Text:
    return Text(case_page(shown, transcript=[], audit=[], operator="ana", csrf="t", now=NOW,
                          may_decide=may_decide, editing=editing))


def actions(page: Text) -> list[str]:
    return [form["action"] for form in page.forms if form["action"] != "/console/logout"]


def test_a_pending_draft_shows_what_was_asked_said_and_proposed_with_three_buttons() -> None:
    page = render(shadow_case())
    assert "Reason Draft to release" in page.text
    assert ("Draft #11: Refund · waiting for a person Customer wrote The desk lamp from order "
            "Q5521 arrived cracked Draft reply Done: I've refunded 38.40 EUR on order Q5521. "
            "refund 38.40 EUR on order Q5521 Action refund order_id Q5521 amount 38.40 "
            "Rule refund-up-to-50-auto") in page.text
    assert actions(page) == ["/console/drafts/11/send", "/console/cases/3#draft-11",
                             "/console/drafts/11/reject", "/console/cases/3/take-over"]
    assert re.search(r"\bSend Edit Why Pick a label " + " ".join(LABELS) + r" Note Reject\b",
                     page.text)
    edit = page.forms[2]
    assert edit == {"action": "/console/cases/3#draft-11", "edit": "11"}


def test_edit_opens_the_draft_text_in_a_form() -> None:
    page = render(shadow_case(), editing=11)
    assert "/console/drafts/11/edit" in actions(page)
    assert "The text the customer gets instead Done: I've refunded 38.40" in page.text
    assert "Send edited reply" in page.text


def test_someone_who_is_not_an_approver_may_only_reject_an_action_but_send_a_reply() -> None:
    page = render(shadow_case(), may_decide=False)
    assert "only approvers can send or edit it" in page.text
    assert actions(page) == ["/console/drafts/11/reject", "/console/cases/3/take-over"]
    reply_only = draft(action=None, args={}, rule=None, description=None, case_type="order_status")
    page = render(shadow_case(reply_only), may_decide=False)
    assert "No action: a reply only." in page.text
    assert actions(page)[:3] == ["/console/drafts/11/send", "/console/cases/3#draft-11",
                                 "/console/drafts/11/reject"]


def test_decided_drafts_say_who_did_what_and_offer_nothing() -> None:
    sent = draft(id=1, status="edited", sent_text="Refunded, Noor: 38.40 EUR.",
                 decided_by="console:bo", decided_at=stamp(2), outcome="done",
                 result="Refunded, Noor: 38.40 EUR. Your reference is R-1.")
    rejected = draft(id=2, status="rejected", label="wrong policy",
                     note="lamps are final sale", decided_by="console:ana", decided_at=stamp(1))
    page = render(shadow_case(sent, rejected, mode="human", taken_by="console:ana"))
    assert ("Draft #1: Refund · sent edited" in page.text
            and "Edited by console:bo on 2026-11-20 11:58 UTC." in page.text)
    assert "Sent instead: Refunded, Noor: 38.40 EUR. Action outcome: done." in page.text
    assert "Customer told: Refunded, Noor: 38.40 EUR. Your reference is R-1." in page.text
    assert ("Rejected by console:ana on 2026-11-20 11:59 UTC: wrong policy. "
            "Note: lamps are final sale") in page.text
    assert "Drafts 0 waiting" in page.text
    assert not [a for a in actions(page) if "/drafts/" in a]


def test_drafts_are_text_never_markup() -> None:
    shown = shadow_case(draft(customer_text=EVIL, reply=EVIL, args={"note": EVIL},
                              description=EVIL, note=EVIL))
    for editing in (None, 11):
        markup = case_page(shown, transcript=[], audit=[], operator="ana", csrf="t", now=NOW,
                           editing=editing)
        assert "<script>" not in markup and "&lt;script&gt;" in markup


def level(case_type: str, value: Level = "shadow", **changes: Any) -> CaseTypeLevel:
    return replace(CaseTypeLevel(case_type, value, "shadow", None, None, None), **changes)


def figures(case_type: str, **changes: Any) -> CaseTypeReadiness:
    base = CaseTypeReadiness(
        case_type=case_type, level="shadow", drafts=60, sent_unchanged=57, edited=2,
        rejected={"tone": 1}, pending=0, median_release_seconds=240.0, unchanged_rate=0.95,
        ready=True, recommendation="ready for autonomy")
    return replace(base, **changes)


def render_autonomy(*, may_change: bool = True, stopped: tuple[CaseTypeLevel, ...] = ()) -> str:
    states = [level("refund"),
              level("order_status", "autonomous", set_by="console:bo", set_at=stamp(60),
                    reason="clean month"),
              level("cancellation", set_by="guardrail", set_at=stamp(10), reason=EVIL)]
    shown = [figures("refund"),
             figures("order_status", level="autonomous", drafts=3, sent_unchanged=1, edited=1,
                     rejected={}, pending=1, median_release_seconds=None, unchanged_rate=0.5,
                     ready=False, recommendation="autonomous"),
             figures("cancellation", drafts=0, sent_unchanged=0, edited=0, rejected={},
                     unchanged_rate=None, median_release_seconds=None, ready=False,
                     recommendation="not ready: no drafts decided in the last 30 days")]
    return autonomy_page(states, shown, days=30, operator="ana", csrf="t",
                         may_change=may_change, stopped=stopped)


def test_the_autonomy_page_gives_levels_their_source_figures_and_buttons() -> None:
    page = Text(render_autonomy())
    assert ("Refund shadow As configured (policy file or CASELOOP_AUTONOMY) Why (for the audit "
            "log) Promote to autonomous 60 57 (95%) 2 1 tone: 1 0 4 min ready for autonomy"
            ) in page.text
    assert ("Order status autonomous Promoted by console:bo on 2026-11-20 11:00 UTC: clean "
            "month (configured: shadow) Why (for the audit log) Put back in shadow 3 1 (50%) 1 0 "
            "1 - autonomous") in page.text
    assert "Cancellation shadow Put in shadow by a guardrail on 2026-11-20 11:50 UTC" in page.text
    assert [form["action"] for form in page.forms][1:] == [
        "/console/autonomy/refund", "/console/autonomy/order_status",
        "/console/autonomy/cancellation"]
    assert page.forms[1]["level"] == "autonomous" and page.forms[2]["level"] == "shadow"
    refused = Text(render_autonomy(may_change=False))
    assert "Only approvers can promote a case type" in refused.text
    assert [form["action"] for form in refused.forms] == ["/console/logout"]


def test_the_chart_draws_each_case_type_s_drafts_by_what_people_did() -> None:
    markup = render_autonomy()
    bars = re.findall(r'<g data-key="(\w+)" data-sent="(\d+)" data-edited="(\d+)" '
                      r'data-rejected="(\d+)">', markup)
    assert bars == [("refund", "57", "2", "1"), ("order_status", "1", "1", "0"),
                    ("cancellation", "0", "0", "0")]
    widths = dict(re.findall(r'<rect class="(sent|edited|rejected)" x="[\d.]+" y="8" '
                             r'width="([\d.]+)"', markup))
    assert widths == {"sent": "285.0", "edited": "10.0", "rejected": "5.0"}
    assert "<script" not in markup and "https://" not in markup.replace(
        "http://www.w3.org/2000/svg", "")


def test_a_guardrail_stop_is_a_banner_with_its_reason() -> None:
    stop = level("refund", set_by="guardrail", set_at=stamp(10),
                 reason="reopen rate 30% over the latest 20 closed cases")
    page = Text(cases_page(open_cases=[], pending=[], closed=[], operator="ana", csrf="t",
                           now=NOW, stopped=[stop]))
    assert ("Refund was put back in shadow mode by a guardrail on 2026-11-20 11:50 UTC: reopen "
            "rate 30% over the latest 20 closed cases. Its replies and actions wait for a person "
            "until someone promotes it again. Autonomy by case type") in page.text
    evil = Text(render_autonomy(stopped=(replace(stop, reason=EVIL),)))
    assert f"guardrail on 2026-11-20 11:50 UTC: {EVIL}." in evil.text
    assert "<script>" not in render_autonomy(stopped=(replace(stop, reason=EVIL),))
