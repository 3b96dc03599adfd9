"""Multi-turn conversations in process: follow-ups, lists, products by name, moods."""

from __future__ import annotations

from tests.conftest import verify


async def _noor(customer_at, smtp, address: str = "noor"):  # type: ignore[no-untyped-def]
    noor = customer_at(address)
    await verify(noor, smtp, "noor.haddad@example.org")
    return noor


async def _says(customer, text: str) -> str:  # type: ignore[no-untyped-def]
    return " ".join(await customer.say(text))


async def test_follow_ups_use_what_was_said_before(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    assert "DPD-998877" in await _says(noor, "where is my order Q5544?")
    eta = await _says(noor, "and when will it arrive?")
    assert "Q5544" in eta and "27 November 2026" in eta
    assert "help articles" not in eta
    shelf = await _says(noor, "what about the bookshelf?")
    assert "Q5530" in shelf and "hasn't shipped" in shelf
    listing = await _says(noor, "show me my orders")
    assert all(order_id in listing for order_id in ("Q5521", "Q5530", "Q5544", "Q5560"))
    first = await _says(noor, "the first one")
    assert "Q5521" in first and "delivered" in first
    calm = await _says(noor, "you are useless!!!")
    assert "sorry" in calm.lower() and "colleague" in calm
    assert "flagged" not in calm
    able = await _says(noor, "what can you do?")
    assert "refund" in able and "cancel" in able and "help articles" not in able


async def test_other_words_for_the_same_follow_ups(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    assert "Q5560" in await _says(noor, "has my armchair been delivered?")
    assert "Q5560" in await _says(noor, "is it there yet?")
    rug = await _says(noor, "how about the carpet")
    assert "Q5544" in rug and "DPD" in rug
    assert "DPD-998877" in await _says(noor, "tracking number?")
    lamp = await _says(noor, "and my dsek lmap")
    assert "Q5521" in lamp


async def test_positions_in_a_list_pick_orders(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    await noor.say("what have I ordered?")
    assert "Q5544" in await _says(noor, "number 3")
    assert "Q5530" in await _says(noor, "and the 2nd one?")
    assert "Q5560" in await _says(noor, "what about the last one")


async def test_a_product_they_never_bought_is_not_swapped_for_another(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    reply = await _says(noor, "where is the sofa I ordered?")
    assert '"sofa"' in reply and "Which one" in reply
    assert "DPD-998877" not in reply
    assert "Q5530" in await _says(noor, "the bookshelf")


async def test_cancel_the_one_named_by_product_after_a_list(caseloop, customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    await noor.say("list my orders please")
    ask = await _says(noor, "cancel the shelf")
    assert "cancel order Q5530" in ask
    assert (await noor.say("yes go ahead"))[0].startswith("Done")
    app, _ = caseloop
    assert (await app.store.get_order("Q5530")).status == "cancelled"
    assert (await app.store.get_order("Q5544")).status == "shipped"


async def test_cancel_it_means_the_order_just_discussed(caseloop, customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    assert "hasn't shipped" in await _says(noor, "status of my bookshelf?")
    assert "cancel order Q5530" in await _says(noor, "actually please cancel it")
    assert "haven't changed anything" in await _says(noor, "no wait")
    app, _ = caseloop
    assert (await app.store.get_order("Q5530")).status == "processing"


async def test_venting_brings_in_a_person_calmly(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    calm = await _says(noor, "this is so annoying, what a waste of time")
    assert "sorry" in calm.lower() and "colleague" in calm


async def test_a_calm_request_with_a_strong_word_is_served_not_escalated(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    reply = await _says(noor, "the delay was ridiculous, but where is order Q5544 now?")
    assert "DPD-998877" in reply and "colleague" not in reply


async def test_shouting_brings_in_a_person_at_once_calmly(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    calm = await _says(noor, "THIS IS A JOKE, NOTHING WORKS")
    assert "sorry" in calm.lower() and "colleague" in calm
    assert "Shall I" not in calm


async def test_asking_for_a_person_hands_over_at_once(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    reply = await _says(noor, "you're hopeless, get me a real person")
    assert "colleague" in reply or "team" in reply
    assert "Shall I" not in reply


async def test_capabilities_in_other_words(customer_at, smtp):
    noor = await _noor(customer_at, smtp)
    for question in ("what do you do", "how can you help me?", "help"):
        reply = await _says(noor, question)
        assert "refund" in reply and "help articles" not in reply, question
