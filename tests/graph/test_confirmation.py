"""The customer's answer to a proposed action: yes acts, no declines, anything else moves on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.graph.agent_rig import Rig, customer

NOOR = customer("K-77")
ZERO = Decimal("0.00")
PROPOSE = "I'd like a refund for order Q5521 please"
ASKED = ("Just to confirm: I'll refund 38.40 EUR on order Q5521 to the original payment method. "
         "Shall I go ahead? (yes / no)")
DECLINED = "No problem, I haven't changed anything. Is there anything else I can help with?"


@pytest.mark.parametrize("yes", ["yes please", "Yep, go ahead", "sure, do it", "ok thanks 👍"])
async def test_yes_carries_the_action_out(rig: Rig, yes: str) -> None:
    assert await rig.say(NOOR, PROPOSE) == [ASKED]
    [done] = await rig.say(NOOR, yes)
    assert done.startswith("Done: I've refunded 38.40 EUR on order Q5521")
    assert (await rig.order("Q5521")).refunded == Decimal("38.40")
    assert [r.outcome for r in await rig.audited()] == ["done"]
    assert not (await rig.state(NOOR)).get("pending_action")


async def test_a_cancellation_is_carried_out_on_yes_too(rig: Rig) -> None:
    asked = " ".join(await rig.say(NOOR, "Please cancel my bookshelf order, Q5530"))
    assert "cancel order Q5530 and refund its full 210.00 EUR" in asked
    assert (await rig.order("Q5530")).status == "processing"
    [done] = await rig.say(NOOR, "yes")
    assert done.startswith("Done: I've cancelled order Q5530")
    order = await rig.order("Q5530")
    assert (order.status, order.refunded) == ("cancelled", Decimal("210.00"))
    [record] = await rig.audited()
    assert (record.action, record.outcome, record.rule) == (
        "cancel_order", "done", "cancel-processing-auto")


@pytest.mark.parametrize("no", ["no, leave it", "No thanks", "nope, don't do that",
                                "I changed my mind"])
async def test_no_declines_and_nothing_changes(rig: Rig, no: str) -> None:
    await rig.say(NOOR, PROPOSE)
    assert await rig.say(NOOR, no) == [DECLINED]
    assert (await rig.order("Q5521")).refunded == ZERO
    assert await rig.audited() == [] and await rig.parked() == []
    assert not (await rig.state(NOOR)).get("pending_action")
    assert "Done" not in " ".join(await rig.say(NOOR, "yes"))
    assert (await rig.order("Q5521")).refunded == ZERO


async def test_anything_else_drops_the_proposal_and_is_answered_as_a_new_request(
        rig: Rig) -> None:
    await rig.say(NOOR, PROPOSE)
    answer = " ".join(await rig.say(NOOR, "actually, where is my rug? it's order Q5544"))
    assert "Q5544" in answer and "DPD-998877" in answer
    assert "Done" not in answer and DECLINED not in answer
    assert not (await rig.state(NOOR)).get("pending_action")
    late_yes = " ".join(await rig.say(NOOR, "yes"))
    assert "Done" not in late_yes
    assert (await rig.order("Q5521")).refunded == ZERO
    assert await rig.audited() == []


async def test_a_new_request_in_place_of_an_answer_gets_its_own_proposal(rig: Rig) -> None:
    await rig.say(NOOR, PROPOSE)
    asked = " ".join(await rig.say(NOOR, "hmm, rather refund the armchair, order Q5560"))
    assert "refund 120.00 EUR on order Q5560" in asked and "Q5521" not in asked
    assert (await rig.state(NOOR))["pending_action"]["args"]["order_id"] == "Q5560"
    assert (await rig.order("Q5521")).refunded == ZERO


async def test_the_same_confirmation_replayed_does_not_refund_twice(rig: Rig) -> None:
    await rig.say(NOOR, PROPOSE)
    asked = await rig.checkpoint(NOOR)
    first = await rig.say(NOOR, "yes please")
    again = await rig.say(NOOR, "yes please", at=asked)  # the same turn, run again
    assert first == again and first[0].startswith("Done")
    assert (await rig.order("Q5521")).refunded == Decimal("38.40")
    [record] = await rig.audited()
    assert record.outcome == "done"
    actions = await rig.database.fetchall(
        "SELECT idempotency_key FROM store_actions WHERE order_id = ?", ("Q5521",))
    assert [row["idempotency_key"] for row in actions] == [record.idempotency_key]


@pytest.mark.parametrize(("answer", "amount"), [
    ("wait, just 10 euros", "10.00"), ("no, only 12 please", "12.00"),
    ("nein, nur 5 Euro", "5.00"),
])
async def test_a_no_that_names_another_sum_amends_the_refund(
        rig: Rig, answer: str, amount: str) -> None:
    await rig.say(NOOR, PROPOSE)
    asked = " ".join(await rig.say(NOOR, answer))
    assert f"{amount} EUR" in asked and "Q5521" in asked and "?" in asked  # asked again
    assert (await rig.order("Q5521")).refunded == ZERO
    [done] = await rig.say(NOOR, "yes")
    assert (await rig.order("Q5521")).refunded == Decimal(amount)
