"""Console pages rendered from hand-made cases: what an operator reads, and nothing unescaped."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from bot.audit import AuditRecord
from bot.desk.escalations import ApprovalView, Escalation
from bot.runtime.transcript import Line
from bot.web.console.case_page import case_page
from bot.web.console.html import age
from bot.web.console.pages import cases_page, link_page, login_page

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def stamp(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def approval(**changes: object) -> ApprovalView:
    base = ApprovalView(
        id=7, action="refund", args={"order_id": "Q5560", "amount": "620.00"},
        rule="refund-over-50-needs-approval",
        description="refund 620.00 EUR on order Q5560 to the original payment method",
        digest="0a1b2c3d4e5f6a7b", status="pending", approvers_needed=2,
        approved_by=("console:ana",), decided_by=None, decided_at=None, reason=None,
        result=None, expires_at=stamp(-72 * 60), created_at=stamp(12))
    return replace(base, **changes)


def case(**changes: object) -> Escalation:
    base = Escalation(
        id=3, thread_id="customer:K-77", customer_id="K-77", customer_name="Noor Haddad",
        customer_tier="standard", channel="webchat", reason="approval",
        wants="Refund 620.00 EUR on order Q5560", found="The armchair arrived broken",
        why="Policy rule refund-over-50-needs-approval requires a person's approval",
        sentiment="frustrated", mode="bot", taken_by=None, status="open", approval=approval(),
        slack_channel=None, slack_ts=None, created_at=stamp(125))
    return replace(base, **changes)


class Text(HTMLParser):
    """The visible text of a page, one string per element, and its forms' fields."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form":
            self.forms.append({"action": fields.get("action") or ""})
        elif tag in ("input", "textarea") and self.forms:
            self.forms[-1][fields.get("name") or ""] = fields.get("value") or ""

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.parts)


def render_case(shown: Escalation, csrf: str = "form-token") -> Text:
    lines = [Line("customer", "telegram", "my armchair came broken", stamp(30)),
             Line("bot", "telegram", "I'm sorry to hear that.", stamp(29)),
             Line("customer", "webchat", "any news?", stamp(3)),
             Line("agent:console:ana", "webchat", "Looking at it now.", stamp(2))]
    audit = [AuditRecord(at=stamp(12), actor="agent", customer_id="K-77", action="refund",
                         args={"order_id": "Q5560", "amount": "620.00"},
                         rule="refund-over-50-needs-approval", outcome="pending_approval")]
    return Text(case_page(shown, transcript=lines, audit=audit, operator="ana", csrf=csrf,
                          now=NOW))


def test_list_shows_open_cases_and_the_exact_action_waiting_for_approval() -> None:
    shown = case()
    page = Text(cases_page(open_cases=[shown], pending=[shown], closed=[], operator="ana",
                           csrf="t", now=NOW))
    assert "Pending approvals 1" in page.text
    assert ("refund 620.00 EUR on order Q5560 to the original payment method refund "
            "order_id Q5560 amount 620.00 refund-over-50-needs-approval "
            "1 of 2 approvals (console:ana) 12 min") in page.text
    assert "Open cases 1" in page.text
    assert "Case #3 Noor Haddad standard Needs approval frustrated Bot 2 h" in page.text
    assert "No closed cases yet." in page.text


def test_case_page_tells_the_story_across_channels_with_the_audit_trail() -> None:
    page = render_case(case())
    assert "Wants Refund 620.00 EUR on order Q5560" in page.text
    assert "Found The armchair arrived broken" in page.text
    assert "Why a person Policy rule refund-over-50-needs-approval" in page.text
    assert re.search(r"Customer telegram \S+ \S+ UTC my armchair came broken", page.text)
    assert re.search(r"Customer webchat \S+ \S+ UTC any news\?", page.text)
    assert re.search(r"console:ana webchat \S+ \S+ UTC Looking at it now\.", page.text)
    assert "agent refund order_id Q5560 amount 620.00 refund-over-50-needs-approval " \
           "pending_approval" in page.text


def test_decision_forms_carry_the_digest_of_the_action_shown() -> None:
    page = render_case(case())
    approve, deny = (form for form in page.forms if "/approvals/" in form["action"])
    assert approve == {"action": "/console/approvals/7/approve", "csrf": "form-token",
                       "digest": "0a1b2c3d4e5f6a7b"}
    assert deny == {"action": "/console/approvals/7/deny", "csrf": "form-token",
                    "digest": "0a1b2c3d4e5f6a7b", "reason": ""}
    assert [form["action"] for form in page.forms if "/cases/" in form["action"]] == [
        "/console/cases/3/take-over"]


def test_reply_and_hand_back_only_once_taken_over() -> None:
    page = render_case(case(mode="human", taken_by="console:ana"))
    assert "Taken over by console:ana" in page.text
    assert [form["action"] for form in page.forms if "/cases/" in form["action"]] == [
        "/console/cases/3/reply", "/console/cases/3/hand-back"]


def test_a_decided_approval_says_who_decided_and_offers_nothing() -> None:
    decided = approval(status="denied", decided_by="console:bo", decided_at=stamp(1),
                       reason="Photos show no damage", result="I'm sorry, we can't refund it.")
    page = render_case(case(approval=decided, status="closed"))
    assert "Denied by console:bo on 2026-11-20 11:59 UTC." in page.text
    assert "Reason: Photos show no damage" in page.text
    assert "Customer told: I'm sorry, we can't refund it." in page.text
    assert "This case is closed." in page.text
    assert [form["action"] for form in page.forms] == ["/console/logout"]


def test_whatever_customers_write_is_shown_as_text_never_as_markup() -> None:
    evil = '<script>alert("x")</script>'
    shown = case(customer_name=evil, wants=evil, approval=approval(args={"note": evil}))
    for markup in (case_page(shown, transcript=[Line("customer", "webchat", evil, stamp(1))],
                             audit=[], operator=evil, csrf="t", now=NOW),
                   cases_page(open_cases=[shown], pending=[shown], closed=[], operator="ana",
                              csrf="t", now=NOW),
                   login_page(next_path='/console"><script>', problem=evil),
                   link_page(name=evil, token=evil, approver=True)):
        assert "<script>" not in markup
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in markup


def test_ages_read_like_a_person_would_say_them() -> None:
    assert [age(stamp(m), NOW) for m in (0.2, 12, 125, 60 * 50)] == [
        "just now", "12 min", "2 h", "2 d"]
    assert age("not a time", NOW) == ""
