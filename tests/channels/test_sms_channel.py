"""The SMS channel against a local Twilio REST stand-in: parts in order, refusals, STOP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.outreach.consent import Consent, address_subject
from bot.runtime.deliveries import Deliveries
from bot.storage.database import Database
from channels.base import DeliveryError, OutboundMessage
from channels.sms.channel import SmsChannel
from channels.twilio.account import TwilioAccount
from tests.databases import database_url
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_helpers import LONG_ANSWER, running

ACCOUNT, TOKEN, NUMBER = "AC" + "1" * 32, "secret-token", "+14155550142"
SERVICE = "MG" + "2" * 32
CUSTOMER = "+33612345678"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    yield from running(FakeTwilio())


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(database_url(tmp_path))
    yield opened
    await opened.close()


def channel_for(twilio: FakeTwilio, database: Database, sender: str = NUMBER) -> SmsChannel:
    consent = Consent(database)
    account = TwilioAccount(account_sid=ACCOUNT, auth_token=TOKEN, sender=sender,
                            api_url=twilio.url)
    return SmsChannel(account, Deliveries(database),
                      unsubscribed=lambda number: consent.choose("sms", number, None, True))


def message(text: str = "Your rug ships tomorrow.", outbox_id: int = 7) -> OutboundMessage:
    return OutboundMessage(channel="sms", recipient=CUSTOMER, text=text, id=f"out-{outbox_id}")


async def refused_send(twilio: FakeTwilio, database: Database) -> DeliveryError:
    """Why sending `message()` failed (it must fail)."""
    channel = channel_for(twilio, database)
    try:
        with pytest.raises(DeliveryError) as refused:
            await channel.send(message())
    finally:
        await channel.close()
    return refused.value


async def test_a_reply_is_one_sms_from_the_number_and_recorded(
    twilio: FakeTwilio, database: Database
) -> None:
    channel = channel_for(twilio, database)
    try:
        assert await channel.send(message("**Good news**: your rug ships tomorrow.")) is True
    finally:
        await channel.close()
    [request] = twilio.created
    assert request["auth"] == (ACCOUNT, TOKEN)
    assert request["form"] == {"To": CUSTOMER, "From": NUMBER,
                               "Body": "Good news: your rug ships tomorrow."}
    assert await Deliveries(database).parts_sent("sms", 7) == 1


async def test_a_messaging_service_picks_the_number(twilio: FakeTwilio,
                                                    database: Database) -> None:
    channel = channel_for(twilio, database, sender=SERVICE)
    try:
        await channel.send(message())
    finally:
        await channel.close()
    [request] = twilio.created
    assert request["form"] == {"To": CUSTOMER, "MessagingServiceSid": SERVICE,
                               "Body": "Your rug ships tomorrow."}


async def test_a_long_reply_cut_short_by_an_outage_sends_only_the_rest_on_retry(
    twilio: FakeTwilio, database: Database
) -> None:
    channel = channel_for(twilio, database)
    twilio.succeed()
    twilio.fail(503, 20503)
    try:
        with pytest.raises(DeliveryError) as failed:
            await channel.send(message(LONG_ANSWER))
        assert not failed.value.permanent
        await channel.send(message(LONG_ANSWER))
    finally:
        await channel.close()
    bodies = [form["Body"] for form in twilio.sent_to(CUSTOMER, "sms")]
    assert len(bodies) == 3 and " ".join(bodies) == LONG_ANSWER


async def test_an_unsubscribed_number_is_recorded_as_opted_out_and_not_retried(
    twilio: FakeTwilio, database: Database
) -> None:
    twilio.unsubscribe(CUSTOMER)
    refused = await refused_send(twilio, database)
    assert refused.permanent
    assert "21610" in str(refused) and "replied STOP" in str(refused)
    assert await Consent(database).opted_out([address_subject("sms", CUSTOMER)])
    assert twilio.sent_to(CUSTOMER, "sms") == []


async def test_another_refusal_records_no_opt_out(twilio: FakeTwilio,
                                                  database: Database) -> None:
    twilio.fail(400, 21211, "Invalid 'To' Phone Number")
    assert (await refused_send(twilio, database)).permanent
    assert not await Consent(database).opted_out([address_subject("sms", CUSTOMER)])


async def test_after_close_a_send_is_a_transient_failure(twilio: FakeTwilio,
                                                         database: Database) -> None:
    channel = channel_for(twilio, database)
    await channel.close()
    with pytest.raises(DeliveryError) as failed:
        await channel.send(message())
    assert not failed.value.permanent
    assert twilio.requests == []
