"""Through the whole graph: a declared action the offline model understood is stated for a
yes, carried out, or refused with the business's own words."""

from __future__ import annotations

from pathlib import Path

from tests.factories import shop
from tests.graph.agent_rig import Rig, agent_rig, customer

NOOR = customer("K-77")


async def test_a_declared_action_is_confirmed_then_carried_out(tmp_path: Path) -> None:
    data = shop()
    data["orders"][0]["invoice"] = {"number": "INV-5521", "url": "https://x.example/5521.pdf"}
    rig = await agent_rig(tmp_path, shop=data)
    try:
        await _invoice_sent(rig)
    finally:
        await rig.close()


async def _invoice_sent(rig: Rig) -> None:
    asked = " ".join(await rig.say(NOOR, "could you email me the invoice for Q5521 again?"))
    assert "send the invoice for order Q5521 to the e-mail address on your account" in asked
    [done] = await rig.say(NOOR, "yes please")
    assert done.startswith("Done: I've sent the invoice for order Q5521")
    assert [(r.action, r.outcome) for r in await rig.audited()] == [("resend_invoice", "done")]


async def test_an_item_is_returned_by_the_name_the_customer_gives_it(rig: Rig) -> None:
    asked = " ".join(await rig.say(NOOR, "can I return the desk lamp? I need a label"))
    assert "start the return of the Desk lamp from order Q5521" in asked


async def test_a_refusal_is_said_in_the_business_words(rig: Rig) -> None:
    said = " ".join(await rig.say(NOOR, "the courier lost my bookshelf Q5530, please send it "
                                        "again"))
    assert "Order Q5530 hasn't shipped yet, so there is nothing to send again." in said
    assert [(r.action, r.outcome) for r in await rig.audited()] == [("reship_order", "refused")]
