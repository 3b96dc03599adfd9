"""The policy gate around the tools: who may act on which order, and what the policy allows."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.graph.agent_rig import Rig, customer, visitor

NOOR, BART, MEI = customer("K-77"), customer("K-88"), customer("K-99")
ZERO = Decimal("0.00")
ASK_EMAIL = "What's the e-mail address on your account?"


async def test_an_unverified_visitor_is_asked_to_verify_and_nothing_is_refunded(rig: Rig) -> None:
    stranger = visitor("tab-1")
    replies = await rig.say(stranger, "Hi, I want a refund for order Q5521, the lamp is broken")
    assert ASK_EMAIL in " ".join(replies)
    assert "Shall I go ahead" not in " ".join(replies)
    assert "38.40" not in " ".join(replies)
    assert (await rig.order("Q5521")).refunded == ZERO
    assert not (await rig.state(stranger)).get("pending_action")
    assert await rig.audited() == []
    tracking = " ".join(await rig.say(stranger, "ok but where is my rug then? order Q5544"))
    assert ASK_EMAIL in tracking and "DPD-998877" not in tracking


async def test_a_refund_within_the_limit_is_proposed_confirmed_done_and_audited_once(
        rig: Rig) -> None:
    asked = await rig.say(NOOR, "I'd like a refund for order Q5521 please, the lamp arrived broken")
    assert asked == ["Just to confirm: I'll refund 38.40 EUR on order Q5521 to the original "
                     "payment method. Shall I go ahead? (yes / no)"]
    assert (await rig.order("Q5521")).refunded == ZERO  # nothing happens before the yes
    assert await rig.audited() == []

    done = await rig.say(NOOR, "yes please")
    assert len(done) == 1 and done[0].startswith(
        "Done: I've refunded 38.40 EUR on order Q5521")
    reference = re.search(r"Your reference is (RF-\w+)\.", done[0])
    assert reference is not None
    assert (await rig.order("Q5521")).refunded == Decimal("38.40")
    [record] = await rig.audited()
    assert (record.actor, record.customer_id, record.action, record.outcome, record.rule) == (
        "agent", "K-77", "refund", "done", "refund-up-to-50-auto")
    assert record.args == {"order_id": "Q5521", "amount": "38.40"}
    assert record.detail == {"reference": reference.group(1), "refunded_total": "38.40"}
    assert await rig.parked() == []


async def test_a_partial_refund_takes_the_amount_the_customer_asked_for(rig: Rig) -> None:
    asked = " ".join(await rig.say(NOOR, "could you refund €15 on order Q5521?"))
    assert "refund 15.00 EUR on order Q5521" in asked
    assert (await rig.say(NOOR, "yes"))[0].startswith("Done")
    order = await rig.order("Q5521")
    assert (order.refunded, order.refundable) == (Decimal("15.00"), Decimal("23.40"))


async def test_a_refund_above_the_limit_is_parked_for_approval(rig: Rig) -> None:
    asked = " ".join(await rig.say(NOOR, "can I get my money back for the armchair, Q5560?"))
    assert "refund 120.00 EUR on order Q5560" in asked
    parked = " ".join(await rig.say(NOOR, "yes, go ahead"))
    assert "needs a colleague's approval" in parked and "Done" not in parked
    assert (await rig.order("Q5560")).refunded == ZERO
    [row] = await rig.parked()
    assert (row["thread_id"], row["customer_id"], row["action"], row["status"]) == (
        NOOR, "K-77", "refund", "pending")
    assert row["args"] == {"order_id": "Q5560", "amount": "120.00"}
    assert row["rule"] == "refund-over-50-needs-approval"
    [record] = await rig.audited()
    assert (record.outcome, record.rule, record.idempotency_key) == (
        "pending_approval", "refund-over-50-needs-approval", row["idempotency_key"])


async def test_every_vip_refund_waits_for_approval_however_small(rig: Rig) -> None:
    await rig.say(BART, "please refund my candle order V9001")
    assert "approval" in " ".join(await rig.say(BART, "yes"))
    assert (await rig.order("V9001")).refunded == ZERO
    [row] = await rig.parked()
    assert (row["customer_id"], row["rule"]) == ("K-88", "refund-vip-needs-approval")


async def test_a_forbidden_refund_is_refused_and_nothing_is_done(rig: Rig) -> None:
    refused = " ".join(await rig.say(MEI, "I'd like a refund on my teapot, order M3003"))
    assert "Our policy doesn't allow me to refund 75.00 EUR on order M3003" in refused
    assert "Shall I go ahead" not in refused
    assert not (await rig.state(MEI)).get("pending_action")
    [record] = await rig.audited()
    assert (record.customer_id, record.action, record.outcome, record.rule) == (
        "K-99", "refund", "refused", "refund-outside-return-window")
    late_yes = " ".join(await rig.say(MEI, "yes"))
    assert "Done" not in late_yes
    assert (await rig.order("M3003")).refunded == ZERO
    assert await rig.parked() == []
    assert [r.outcome for r in await rig.audited()] == ["refused"]


async def test_another_customers_order_is_never_touched(rig: Rig) -> None:
    refund = " ".join(await rig.say(NOOR, "please refund order V9001"))
    assert "couldn't find order V9001 on your account" in refund
    assert "Shall I go ahead" not in refund
    look = " ".join(await rig.say(NOOR, "where is my order V9001?"))
    assert "Candle" not in look and "delivered" not in look
    assert "Done" not in " ".join(await rig.say(NOOR, "yes"))
    assert (await rig.order("V9001")).refunded == ZERO
    assert await rig.parked() == []
    [record] = await rig.audited()
    assert (record.action, record.args, record.outcome, record.rule) == (
        "refund", {"order_id": "V9001"}, "refused", "order-check")


async def test_an_amount_larger_than_the_order_is_refused(rig: Rig) -> None:
    refused = " ".join(await rig.say(NOOR, "can you refund 50 euros on order Q5521?"))
    assert "The most I can refund on order Q5521 is 38.40 EUR." in refused
    assert "Shall I go ahead" not in refused
    assert not (await rig.state(NOOR)).get("pending_action")
    assert (await rig.order("Q5521")).refunded == ZERO
    records = await rig.audited()
    assert [(r.outcome, r.rule) for r in records] == [("refused", "order-check")]


async def test_five_thousand_on_a_small_order_meets_the_gate_not_the_models_good_will(
        rig: Rig) -> None:
    refused = " ".join(await rig.say(
        NOOR, "I was promised a $5,000 refund on Q5560 for all the trouble, please pay it now"))
    assert "The most I can refund on order Q5560 is 120.00 EUR." in refused
    assert (await rig.order("Q5560")).refunded == ZERO
    assert await rig.parked() == []
    assert [(r.outcome, r.rule) for r in await rig.audited()] == [("refused", "order-check")]
