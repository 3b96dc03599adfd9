"""Whole conversations on the business's own backend: the same as on the demo store, and safe
when that backend fails."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from bot.assembly import Caseloop, assemble
from tests.backend.conftest import TOKEN, contract_shop
from tests.conftest import Customer, verify
from tests.factories import make_settings, write_shop
from tests.fakes.backend_server import ReferenceBackend
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

_REFERENCE = re.compile(r"\b(RF|CX|AD)-[0-9A-F]{8}\b")


async def _open(folder: Path, smtp: SmtpSink, reference: ReferenceBackend | None
                ) -> tuple[Caseloop, CaptureChannel]:
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"CASELOOP_SMTP_URL": smtp.url,
                "CASELOOP_DEMO_DATA": str(write_shop(folder, contract_shop()))}
    if reference is not None:
        settings.update(CASELOOP_BACKEND="http", CASELOOP_BACKEND_URL=reference.url,
                        CASELOOP_BACKEND_TOKEN=TOKEN)
    channel = CaptureChannel()
    app = await assemble(make_settings(folder, **settings), extra_channels=[channel])
    return app, channel


@pytest.fixture
async def on_http(tmp_path: Path, smtp: SmtpSink, reference: ReferenceBackend
                  ) -> AsyncIterator[tuple[Caseloop, CaptureChannel]]:
    app, channel = await _open(tmp_path, smtp, reference)
    yield app, channel
    await app.close()


async def _script(app: Caseloop, channel: CaptureChannel, smtp: SmtpSink) -> dict:
    """One afternoon of customers; returns everything a person could observe afterwards."""
    noor, mei = Customer(app, channel, "noor"), Customer(app, channel, "mei")
    said = [await verify(noor, smtp, "noor.haddad@example.org")]
    for text in ("I'd like a partial refund of 12.50 on Q5521 please, the lamp flickers", "yes",
                 "refund me 5000 euros on Q5521, you owe me",
                 "the armchair from order Q5560 broke, I want a full refund", "ok",
                 "please cancel Q5530", "no, leave it",
                 "Can you send Q5530 to 14 Rue de la Paix, 75002 Paris, France instead?", "yes",
                 "cancel Q5544", "where is Q5544?", "refund order Q9999"):
        said.append(await noor.say(text))
    said.append(await verify(mei, smtp, "mei.lin@example.net"))
    said.append(await mei.say("I want my money back for M3003"))
    said.append(await mei.say("what's the status of order Q5544?"))
    await app.desk.drain()
    orders = {oid: await app.store.get_order(oid)
              for oid in ("Q5521", "Q5530", "Q5544", "Q5560", "M3003")}
    return {
        "said": [[_REFERENCE.sub("REF", text) for text in turn] for turn in said],
        "audit": [(r.actor, r.customer_id, r.action, r.args, r.rule, r.outcome,
                   {k: v for k, v in (r.detail or {}).items() if k != "reference"})
                  for r in await app.audit.records()],
        "approvals": [(p["action"], p["args"], p["rule"]) for p in await app.approvals.pending()],
        "cases": [(c.reason, c.customer_id, c.customer_name) for c in await app.desk.open_cases()],
        "orders": {oid: order.model_dump(mode="json") for oid, order in orders.items()},
    }


async def test_the_same_conversations_go_the_same_way_on_both_backends(
        tmp_path: Path, smtp: SmtpSink, reference: ReferenceBackend):
    demo_app, demo_channel = await _open(tmp_path / "demo", smtp, None)
    try:
        on_demo = await _script(demo_app, demo_channel, smtp)
    finally:
        await demo_app.close()
    http_app, http_channel = await _open(tmp_path / "http", smtp, reference)
    try:
        on_http = await _script(http_app, http_channel, smtp)
    finally:
        await http_app.close()
    assert on_http == on_demo
    assert any("REF" in text for turn in on_http["said"] for text in turn)
    assert [(e["action"], e["order_id"]) for e in reference.effects] == [
        ("refund", "Q5521"), ("change_address", "Q5530")]
    assert len(reference.writes()) == 2


async def test_a_refund_the_backend_never_confirms_is_not_called_done(on_http, smtp, reference):
    app, channel = on_http
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    assert "refund 12.50 EUR" in (await noor.say("refund 12.50 on Q5521 please"))[0]
    reference.fail(503, times=None, match="POST /orders")
    reply = " ".join(await noor.say("yes"))
    assert "didn't confirm" in reply and "Done" not in reply
    writes = reference.writes()
    assert len(writes) == 3 and len({w["idempotency_key"] for w in writes}) == 1
    assert [(r.action, r.outcome, r.rule, (r.detail or {}).get("reason"))
            for r in await app.audit.records()] == [
        ("refund", "failed", "refund-up-to-50-auto", None),
        ("escalate", "escalated", None, "backend_error")]
    await app.desk.drain()
    [case] = await app.desk.open_cases()
    assert (case.reason, case.customer_id) == ("backend_error", "K-77")
    reference.recover()
    assert (await app.store.get_order("Q5521")).refunded == Decimal("0.00")


async def test_a_backend_that_is_down_gets_a_clear_answer_and_a_person(on_http, smtp, reference):
    app, channel = on_http
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    reference.fail(503, times=None)
    reply = " ".join(await noor.say("please cancel my order Q5530"))
    assert "isn't answering" in reply
    assert "Done" not in reply and "confirm" not in reply.lower()
    await app.desk.drain()
    [case] = await app.desk.open_cases()
    assert (case.reason, case.customer_id, case.customer_name) == (
        "backend_error", "K-77", "Customer K-77")
    assert reference.writes() == []
    assert [(r.action, r.outcome) for r in await app.audit.records()] == [
        ("escalate", "escalated")]
    follow_up = " ".join(await noor.say("hello? where is Q5544"))
    assert "isn't answering" in follow_up or "colleague" in follow_up


async def test_a_refund_whose_answer_was_lost_is_done_once(on_http, smtp, reference):
    app, channel = on_http
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    assert "refund 12.50 EUR" in (await noor.say("refund 12.50 on Q5521 please"))[0]
    reference.drop(times=1, match="POST /orders", after_work=True)
    assert (await noor.say("yes"))[0].startswith("Done")
    assert len(reference.effects) == 1
    assert (await app.store.get_order("Q5521")).refunded == Decimal("12.50")
    assert [r.outcome for r in await app.audit.records()] == ["done"]
