"""One customer across channels: proof of phone, one thread, cases that follow the customer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.assembly import assemble
from channels.base import Attachment
from tests.conftest import Customer, verify
from tests.factories import customer, make_settings, shop, write_shop
from tests.fakes.capture import CaptureChannel, shared_contact
from tests.fakes.smtp import SmtpSink

NOOR_PHONE = "+447700900111"
SHARED_PHONE = "+15550009999"


@pytest.fixture
async def two_channels(tmp_path: Path, smtp: SmtpSink):
    data = shop()
    data["customers"][0]["phone"] = NOOR_PHONE
    data["customers"] += [customer("K-51", "Ana Silva", "ana@example.org", phone=SHARED_PHONE),
                          customer("K-52", "Rui Silva", "rui@example.org", phone=SHARED_PHONE)]
    settings = make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url,
                             CASELOOP_DEMO_DATA=str(write_shop(tmp_path, data)))
    web, phone = CaptureChannel("test"), CaptureChannel("whatsapp")
    app = await assemble(settings, extra_channels=[web, phone])
    yield app, Customer(app, web, "browser-1"), Customer(app, phone, NOOR_PHONE)
    await app.close()


async def _link_method(app, channel: str, address: str) -> str | None:
    row = await app.database.fetchone(
        "SELECT method FROM links WHERE channel = ? AND address = ?", (channel, address))
    return row["method"] if row else None


async def test_confirmation_asked_on_web_is_given_on_whatsapp(two_channels, smtp):
    app, web, phone = two_channels
    await verify(web, smtp, "noor.haddad@example.org")
    assert "cancel order Q5530" in (await web.say("please cancel Q5530"))[0]

    first = await phone.say("hello again", verified_phone=NOOR_PHONE)
    assert first[0] == "Hi Noor, I've matched this number to your account."
    assert "cancel order Q5530" in first[1] and "Reply yes" in first[1]
    done = await phone.say("yes", verified_phone=NOOR_PHONE)
    assert done[0].startswith("Done: I've cancelled order Q5530")
    assert (await app.store.get_order("Q5530")).status == "cancelled"
    assert [(r.action, r.outcome) for r in await app.audit.records()] == [("cancel_order", "done")]
    assert await _link_method(app, "whatsapp", NOOR_PHONE) == "whatsapp_number"
    assert await _link_method(app, "test", "browser-1") == "email_code"


async def test_what_was_said_on_one_channel_is_known_on_the_other(two_channels, smtp):
    app, web, phone = two_channels
    assert "DPD-998877" in " ".join(await phone.say("where is Q5544?", verified_phone=NOOR_PHONE))
    await verify(web, smtp, "noor.haddad@example.org")
    assert "cancel order Q5530" in (await web.say("cancel Q5530 please"))[0]
    assert "haven't changed anything" in (await phone.say("no", verified_phone=NOOR_PHONE))[0]
    assert (await app.store.get_order("Q5530")).status == "processing"


async def test_a_phone_on_file_for_two_customers_links_nobody(two_channels, caplog):
    app, _, _ = two_channels
    shared = Customer(app, two_channels[2].channel, SHARED_PHONE)
    with caplog.at_level(logging.WARNING, logger="caseloop.recognition"):
        reply = await shared.say("where is my order?", verified_phone=SHARED_PHONE)
    assert "e-mail" in reply[-1].lower()
    assert await _link_method(app, "whatsapp", SHARED_PHONE) is None
    assert "matches 2 customers" in caplog.text


async def test_an_unknown_number_gets_nothing_account_specific(two_channels):
    app, _, _ = two_channels
    stranger = Customer(app, two_channels[2].channel, "+12025550123")
    reply = " ".join(await stranger.say("status of Q5544?", verified_phone="+12025550123"))
    assert "DPD-998877" not in reply and "e-mail" in reply.lower()


async def test_a_shared_contact_verifies_and_answers_what_was_asked_before(two_channels):
    app, _, _ = two_channels
    telegram = Customer(app, two_channels[2].channel, "tg-4242")
    assert "e-mail" in (await telegram.say("where's my rug? order Q5544"))[-1].lower()
    replies = await telegram.say("", verified_phone=NOOR_PHONE,
                                 attachments=(shared_contact(NOOR_PHONE),))
    assert replies[0].startswith("Hi Noor")
    assert "DPD-998877" in replies[1]


async def test_a_contact_with_no_match_falls_back_to_email(two_channels):
    app, _, _ = two_channels
    telegram = Customer(app, two_channels[2].channel, "tg-7")
    reply = await telegram.say("", verified_phone="+4915112345678",
                               attachments=(shared_contact("+4915112345678"),))
    assert "couldn't match that number" in reply[0]


async def test_someone_elses_contact_is_not_taken_as_proof(two_channels):
    app, _, _ = two_channels
    telegram = Customer(app, two_channels[2].channel, "tg-8")
    reply = await telegram.say("", attachments=(shared_contact(NOOR_PHONE),))
    assert "your own account" in reply[0]
    assert "Noor" not in reply[0]


async def test_a_photo_alone_gets_told_what_the_bot_reads(two_channels):
    app, _, _ = two_channels
    telegram = Customer(app, two_channels[2].channel, "tg-9")
    reply = await telegram.say("", attachments=(Attachment(kind="image"),))
    assert "only read text" in reply[0]
