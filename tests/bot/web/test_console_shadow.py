"""Shadow mode in the console, in process: drafts sent, edited and rejected from a case's page,
and case types promoted from the autonomy page (issue 14)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from bot.assembly import Caseloop, assemble
from tests.bot.web.test_console_routes import Console, Page, console_client
from tests.conftest import Customer, verify
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

LAMP = "The desk lamp from order Q5521 arrived cracked, I'd like a refund please"
TRIPPED = "reopen rate 30% over the latest 20 closed cases, above 20%"


@pytest.fixture
async def shadow(tmp_path: Path, smtp: SmtpSink) -> AsyncIterator[tuple[Caseloop, CaptureChannel]]:
    channel = CaptureChannel()
    app = await assemble(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url,
                                       CASELOOP_AUTONOMY="shadow"), extra_channels=[channel])
    yield app, channel
    await app.close()


@pytest.fixture
async def ana(shadow: tuple[Caseloop, CaptureChannel]) -> AsyncIterator[Console]:
    async with console_client(shadow[0]) as client:
        await client.sign_in("Ana")
        yield client


async def noor_writes(shadow: tuple[Caseloop, CaptureChannel], smtp: SmtpSink,
                      text: str) -> tuple[Customer, int, int]:
    """Noor, verified, writes `text` on a case type in shadow; her case's id and its draft's."""
    app, channel = shadow
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    [holding] = await noor.say(text)
    assert "colleague is checking" in holding
    await app.desk.drain()
    [case] = await app.desk.open_cases()
    [draft] = case.waiting_drafts
    return noor, case.id, draft.id


async def refunded(app: Caseloop) -> Decimal:
    return (await app.store.get_order("Q5521")).refunded


async def audit(app: Caseloop, *actions: str) -> list[tuple[str, str, str]]:
    return [(r.action, r.actor, r.outcome) for r in await app.audit.records()
            if r.action in actions]


async def test_a_drafted_refund_shows_in_full_and_only_an_approver_sends_it_once(
    shadow, ana, smtp
):
    app, channel = shadow
    _, case_id, draft_id = await noor_writes(shadow, smtp, LAMP)
    path = f"/console/cases/{case_id}"
    async with console_client(app) as cy:
        await cy.sign_in("Cy", approver=False)
        shown = await cy.page(path)
        assert "Draft to release" in shown.text
        assert f"Draft #{draft_id}: Refund · waiting for a person" in shown.text
        assert "Customer wrote " + LAMP in shown.text
        assert "Action refund amount 38.40 order_id Q5521 Rule refund-up-to-50-auto" in (
            shown.text)
        assert "only approvers can send or edit it" in shown.text
        assert f"/console/drafts/{draft_id}/send" not in shown.forms
        assert f"/console/drafts/{draft_id}/reject" in shown.forms
        refused = Page(await cy.client.post(f"/console/drafts/{draft_id}/send",
                                            data=shown.forms[f"/console/drafts/{draft_id}/reject"]))
        assert refused.status == 403 and "only people who may approve actions" in refused.text
    assert await refunded(app) == Decimal("0.00")

    page = await ana.submit(path, f"/console/drafts/{draft_id}/send")
    assert "Draft sent; outcome: done." in page.text
    assert f"Draft #{draft_id}: Refund · sent as drafted" in page.text
    assert "Sent by console:Ana on" in page.text and "Action outcome: done." in page.text
    assert f"/console/drafts/{draft_id}/send" not in page.forms
    told = channel.texts_for("noor")[-1]
    assert "refunded 38.40" in told and f"Customer told: {told}" in page.text
    stale = await ana.client.post(f"/console/drafts/{draft_id}/send",
                                  data=page.forms["/console/logout"])
    again = await ana.page(stale.headers["location"])
    assert "This draft was already sent (by console:Ana); nothing changed." in again.text
    assert await refunded(app) == Decimal("38.40")
    assert await audit(app, "draft_sent", "refund") == [
        ("draft_sent", "console:Ana", "sent"), ("refund", "console:Ana", "done")]


async def test_edit_opens_the_draft_and_the_edited_text_goes_out(shadow, smtp):
    app, channel = shadow
    _, case_id, draft_id = await noor_writes(shadow, smtp, "where is my order Q5544?")
    draft = (await app.desk.case(case_id)).drafts[0]
    path = f"/console/cases/{case_id}"
    async with console_client(app) as jon:
        await jon.sign_in("Jon", approver=False)  # a plain reply: anyone on the desk
        shown = await jon.page(path)
        assert "No action: a reply only." in shown.text
        assert f"/console/drafts/{draft_id}/edit" not in shown.forms
        opened = await jon.page(f"{path}?edit={draft_id}")
        assert opened.forms[f"/console/drafts/{draft_id}/edit"]["text"] == draft.reply
        edited = "It left us on Monday, Noor: expect it by Friday."
        page = await jon.submit(f"{path}?edit={draft_id}", f"/console/drafts/{draft_id}/edit",
                                text=edited)
    assert "Draft edited; outcome: sent." in page.text
    assert "Edited by console:Jon on" in page.text and f"Sent instead: {edited}" in page.text
    assert channel.texts_for("noor")[-1] == edited
    [record] = [r for r in await app.audit.records() if r.action == "draft_edited"]
    assert (record.actor, record.detail) == ("console:Jon", {"text": edited, "draft": draft.reply})


async def test_reject_with_a_label_does_nothing_and_the_person_answers(shadow, ana, smtp):
    app, channel = shadow
    _, case_id, draft_id = await noor_writes(shadow, smtp, LAMP)
    path, reject = f"/console/cases/{case_id}", f"/console/drafts/{draft_id}/reject"
    bad = await ana.submit(path, reject, label="looks odd")
    assert bad.status == 400 and "Pick why the draft is wrong: wrong policy" in bad.text
    long = await ana.submit(path, reject, label="tone", note="x" * 501)
    assert long.status == 400 and "at most 500 characters" in long.text
    told_before = channel.texts_for("noor")

    page = await ana.submit(path, reject, label="wrong policy", note="lamps are final sale")
    assert "Draft rejected (wrong policy). You now hold the conversation" in page.text
    assert "Rejected by console:Ana on" in page.text and "Note: lamps are final sale" in page.text
    assert "Taken over by console:Ana" in page.text and f"{path}/reply" in page.forms
    assert await refunded(app) == Decimal("0.00")
    assert not any("refunded" in text for text in channel.texts_for("noor")[len(told_before):])
    assert await audit(app, "draft_rejected", "refund") == [
        ("draft_rejected", "console:Ana", "rejected")]


async def test_scripts_send_drafts_and_read_autonomy_as_json(shadow, smtp):
    app, _ = shadow
    _, case_id, draft_id = await noor_writes(shadow, smtp, LAMP)
    async with console_client(app) as script:
        sent = await script.client.post(f"/console/drafts/{draft_id}/send",
                                        headers=script.bearer)
        assert sent.status_code == 200 and sent.json()["status"] == "sent"
        again = await script.client.post(f"/console/drafts/{draft_id}/send",
                                         headers=script.bearer)
        assert again.status_code == 409 and again.json()["changed"] is False
        missing = await script.client.post("/console/drafts/4242/send", headers=script.bearer)
        assert missing.status_code == 404
        levels = (await script.client.get("/console/autonomy", headers=script.bearer)).json()
    refund = next(row for row in levels["case_types"] if row["case_type"] == "refund")
    assert (refund["level"], refund["set_by"]) == ("shadow", None)
    assert (refund["readiness"]["drafts"], refund["readiness"]["sent_unchanged"]) == (1, 1)
    assert await refunded(app) == Decimal("38.40")


async def test_the_autonomy_page_shows_readiness_and_an_approver_promotes(shadow, ana, smtp):
    app, channel = shadow
    noor, case_id, draft_id = await noor_writes(shadow, smtp, "where is my order Q5544?")
    await ana.submit(f"/console/cases/{case_id}", f"/console/drafts/{draft_id}/send")
    page = await ana.page("/console/autonomy")
    assert "Autonomy by case type" in page.text
    configured = "As configured (policy file or CASELOOP_AUTONOMY) Why (for the audit log)"
    assert (f"Order status shadow {configured} Promote to autonomous 1 1 (100%) 0 0 0 0 s "
            "not ready: 1 of 50 drafts sent unchanged") in page.text
    assert (f"Refund shadow {configured} Promote to autonomous 0 0 (-) 0 0 0 - "
            "not ready: no drafts decided in the last 30 days") in page.text
    assert "Drafts decided, last 30 days" in page.text
    assert "/console/autonomy/refund" in page.forms

    async with console_client(app) as cy:
        await cy.sign_in("Cy", approver=False)
        seen = await cy.page("/console/autonomy")
        assert "Only approvers can promote a case type" in seen.text and (
            "/console/autonomy/refund" not in seen.forms)
        refused = Page(await cy.client.post("/console/autonomy/refund", data={
            **seen.forms["/console/logout"], "level": "autonomous"}))
        assert refused.status == 403
    unknown = await ana.submit("/console/autonomy", "/console/autonomy/refund", level="bold")
    assert unknown.status == 400

    page = await ana.submit("/console/autonomy", "/console/autonomy/refund",
                            reason="a month of clean drafts")
    assert "Refund is now autonomous" in page.text
    assert "Refund autonomous Promoted by console:Ana on" in page.text
    assert await audit(app, "autonomy_changed") == [
        ("autonomy_changed", "console:Ana", "autonomous")]
    [refund] = [r for r in await app.audit.records() if r.action == "autonomy_changed"]
    assert refund.detail == {"reason": "a month of clean drafts"}

    [offer] = await noor.say(LAMP)
    assert "refund 38.40" in offer and "colleague is checking" not in offer
    assert "refunded 38.40" in (await noor.say("yes"))[0]
    assert await refunded(app) == Decimal("38.40")
    assert [case.waiting_drafts for case in await app.desk.open_cases()] == []


async def test_a_guardrail_stop_is_a_banner_on_every_page(shadow, ana, smtp):
    app, _ = shadow
    _, case_id, _ = await noor_writes(shadow, smtp, "where is my order Q5544?")
    assert "put back in shadow mode" not in (await ana.page("/console")).text
    await app.autonomy.set("refund", "autonomous", "console:Ana")
    await app.autonomy.set("refund", "shadow", "guardrail", TRIPPED)
    for path in ("/console", "/console/kpis", f"/console/cases/{case_id}", "/console/autonomy"):
        page = await ana.page(path)
        assert "Refund was put back in shadow mode by a guardrail on " in page.text, path
        assert f"{TRIPPED}. Its replies and actions wait for a person" in page.text, path
    page = await ana.page("/console/autonomy")
    assert "Refund shadow Put in shadow by a guardrail on" in page.text
    page = await ana.submit("/console/autonomy", "/console/autonomy/refund")
    assert "Refund is now autonomous" in page.text
    assert "put back in shadow mode" not in page.text
