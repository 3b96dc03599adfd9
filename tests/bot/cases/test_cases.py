"""Whole cases through the runtime and graph, in process: what the customer reads, what changed."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import verify


async def _audit(caseloop):
    app, _ = caseloop
    return [r.as_json() for r in await app.audit.records()]


async def test_question_before_verification_is_answered_right_after(customer_at, smtp):
    noor = customer_at("noor-phone")
    asked = await noor.say("Hello! where's my order Q5544 at?")
    assert "e-mail" in asked[-1].lower()
    answers = await verify(noor, smtp, "Noor.Haddad@example.org")
    assert "verified" in answers[0]
    assert "DPD-998877" in answers[1]


async def test_unknown_email_gets_the_same_answer_and_no_mail(customer_at, smtp):
    known, stranger = customer_at("a"), customer_at("b")
    known_reply = await known.say("noor.haddad@example.org")
    stranger_reply = await stranger.say("nobody-here@example.com")
    assert known_reply == stranger_reply
    await known.caseloop.verifier.drain()
    assert smtp.sent_to("nobody-here@example.com") == []
    assert len(smtp.sent_to("noor.haddad@example.org")) == 1


async def test_three_wrong_codes_lock_verification(customer_at, smtp):
    mei = customer_at("mei")
    await mei.say("it's mei.lin@example.net")
    code = await smtp.code_for("mei.lin@example.net")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "2 more tries" in (await mei.say(wrong))[0]
    assert "1 more try" in (await mei.say(wrong))[0]
    assert "paused" in (await mei.say(wrong))[0]
    assert "paused" in (await mei.say(code))[0]
    assert "e-mail" in (await mei.say("where is order M3003"))[-1].lower()


async def test_verified_customer_cannot_see_someone_elses_order(customer_at, smtp):
    mei = customer_at("mei")
    await verify(mei, smtp, "mei.lin@example.net")
    reply = " ".join(await mei.say("what's the status of order Q5544?"))
    assert "DPD-998877" not in reply
    assert "couldn't find" in reply.lower()
    refused = " ".join(await mei.say("refund order Q5521"))
    assert "confirm" not in refused.lower()


async def test_small_refund_runs_once_after_yes(caseloop, customer_at, smtp):
    noor = customer_at("noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    ask = await noor.say("I'd like a partial refund of 12.50 on Q5521 please, the lamp flickers")
    assert "refund 12.50 EUR on order Q5521" in ask[0]
    done = await noor.say("yes please", provider_id="confirm-1")
    assert done[0].startswith("Done")
    assert await noor.say("yes please", provider_id="confirm-1") == []
    app, _ = caseloop
    order = await app.store.get_order("Q5521")
    assert order.refunded == Decimal("12.50")
    records = [r for r in await _audit(caseloop) if r["action"] == "refund"]
    assert [(r["outcome"], r["args"], r["rule"], r["actor"]) for r in records] == [
        ("done", {"order_id": "Q5521", "amount": "12.50"}, "refund-up-to-50-auto", "agent")]


async def test_no_leaves_the_order_untouched(caseloop, customer_at, smtp):
    noor = customer_at("noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    assert "cancel order Q5530" in (await noor.say("please cancel Q5530"))[0]
    assert "haven't changed anything" in (await noor.say("no, leave it"))[0]
    app, _ = caseloop
    assert (await app.store.get_order("Q5530")).status == "processing"
    assert await _audit(caseloop) == []


async def test_cancel_and_address_change_on_a_processing_order(caseloop, customer_at, smtp):
    noor = customer_at("noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    ask = await noor.say("Can you send Q5530 to 14 Rue de la Paix, 75002 Paris, France instead?")
    assert "14 Rue de la Paix" in ask[0] and "75002" in ask[0]
    assert (await noor.say("yes"))[0].startswith("Done")
    app, _ = caseloop
    address = (await app.store.get_order("Q5530")).shipping_address
    assert (address.line1, address.city, address.postcode, address.country) == (
        "14 Rue de la Paix", "Paris", "75002", "FR")
    await noor.say("actually cancel order Q5530")
    assert (await noor.say("yep"))[0].startswith("Done")
    assert (await app.store.get_order("Q5530")).status == "cancelled"
    assert "can no longer be" in " ".join(await noor.say("cancel Q5544"))


async def test_refund_above_the_limit_waits_for_a_human(caseloop, customer_at, smtp):
    noor = customer_at("noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    ask = await noor.say("the armchair from order Q5560 broke, I want a full refund")
    assert "refund 120.00 EUR on order Q5560" in ask[0]
    assert "approval" in (await noor.say("ok"))[0]
    app, _ = caseloop
    assert (await app.store.get_order("Q5560")).refunded == Decimal("0.00")
    records = await _audit(caseloop)
    assert [(r["outcome"], r["rule"]) for r in records] == [
        ("pending_approval", "refund-over-50-needs-approval")]


async def test_refund_beyond_what_was_paid_is_not_offered(caseloop, customer_at, smtp):
    noor = customer_at("noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    reply = " ".join(await noor.say("refund me 5000 euros on Q5521, you owe me"))
    assert "most I can refund on order Q5521 is 38.40 EUR" in reply
    assert "confirm" not in reply.lower()
    app, _ = caseloop
    assert (await app.store.get_order("Q5521")).refunded == Decimal("0.00")


async def test_vip_refund_is_parked_for_approval(caseloop, customer_at, smtp):
    bart = customer_at("bart")
    await verify(bart, smtp, "bart@okafor.example")
    await bart.say("please refund my candle, order V9001")
    parked = await bart.say("yes")
    assert "approval" in parked[0]
    app, _ = caseloop
    assert (await app.store.get_order("V9001")).refunded == Decimal("0.00")
    pending = await app.approvals.pending()
    assert [(p["action"], p["args"], p["rule"]) for p in pending] == [
        ("refund", {"order_id": "V9001", "amount": "20.00"}, "refund-vip-needs-approval")]
    assert [r["outcome"] for r in await _audit(caseloop)] == ["pending_approval"]


async def test_refund_outside_the_window_is_refused_and_audited(caseloop, customer_at, smtp):
    mei = customer_at("mei")
    await verify(mei, smtp, "mei.lin@example.net")
    reply = " ".join(await mei.say("I want my money back for M3003"))
    assert "policy" in reply.lower()
    app, _ = caseloop
    assert (await app.store.get_order("M3003")).refunded == Decimal("0.00")
    records = await _audit(caseloop)
    assert [(r["action"], r["outcome"], r["rule"]) for r in records] == [
        ("refund", "refused", "refund-outside-return-window")]


async def test_media_only_message_gets_a_polite_answer(caseloop, customer_at):
    from channels.base import Attachment, InboundMessage

    app, channel = caseloop
    await app.receive(InboundMessage(channel="test", sender="pic", provider_message_id="p1",
                                     attachments=(Attachment(kind="image"),)))
    await app.dispatcher.idle()
    assert "only read text" in channel.texts_for("pic")[0]


async def test_messages_of_one_customer_are_answered_in_order(caseloop, customer_at):
    from tests.fakes.capture import inbound

    app, channel = caseloop
    for text in ("hello", "what is your return policy", "how long does shipping take"):
        await app.receive(inbound("fast-typer", text))
    await app.dispatcher.idle()
    replies = channel.texts_for("fast-typer")
    assert len(replies) == 3
    assert "Returns" in replies[1] and "Shipping" in replies[2]


async def test_a_customer_who_got_no_code_can_have_another(customer_at, smtp):
    ana = customer_at("ana")
    await ana.say("noor.haddad@example.org")
    first = await smtp.code_for("noor.haddad@example.org")
    assert "new code" in (await ana.say("i never got the code :("))[0]
    second = await smtp.code_for("noor.haddad@example.org", after=1)
    if second != first:
        assert "doesn't match" in (await ana.say(first))[0]
    assert "verified" in (await ana.say(second))[0]


async def test_asking_again_for_an_unknown_address_looks_the_same(customer_at, smtp):
    known, stranger = customer_at("k"), customer_at("s")
    await known.say("noor.haddad@example.org")
    await stranger.say("ghost@example.com")
    assert await known.say("can you resend it?") == await stranger.say("can you resend it?")
    await known.caseloop.verifier.drain()
    assert smtp.sent_to("ghost@example.com") == []


async def test_a_request_sent_with_the_email_is_answered_after_the_code(customer_at, smtp):
    mei = customer_at("mei")
    await mei.say("Hello! my e-mail: mei.lin@example.net and I want to cancel my teapot order")
    replies = await mei.say(await smtp.code_for("mei.lin@example.net"))
    assert replies[0] == "Thank you, Mei, you're verified."
    assert "M3003 is already delivered" in replies[1] and "return or a refund instead" in replies[1]
