"""The WhatsApp channel against a local Twilio REST stand-in: window, templates, failures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.runtime.deliveries import Deliveries
from bot.storage.database import Database
from channels.base import DeliveryError, OutboundMessage
from channels.twilio.account import TwilioAccount
from channels.whatsapp.channel import WhatsAppChannel
from tests.databases import database_url
from tests.fakes.ports import free_port
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_helpers import running

ACCOUNT, TOKEN, SENDER = "AC" + "1" * 32, "secret-token", "whatsapp:+14155238886"
CUSTOMER = "+33612345678"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    yield from running(FakeTwilio())


@pytest.fixture
async def deliveries(tmp_path: Path) -> AsyncIterator[Deliveries]:
    database = await Database.open(database_url(tmp_path))
    yield Deliveries(database)
    await database.close()


def last_wrote(hours_ago: float | None):  # type: ignore[no-untyped-def]
    async def last_inbound(address: str) -> datetime | None:
        if hours_ago is None:
            return None
        return datetime.now(UTC) - timedelta(hours=hours_ago)
    return last_inbound


def channel_for(api_url: str, deliveries: Deliveries, hours_ago: float | None = 0.1,
                templates: dict[str, str] | None = None) -> WhatsAppChannel:
    account = TwilioAccount(account_sid=ACCOUNT, auth_token=TOKEN, sender=SENDER,
                            api_url=api_url)
    return WhatsAppChannel(account, templates=templates or {},
                           last_inbound=last_wrote(hours_ago), deliveries=deliveries)


def message(text: str = "Your rug ships tomorrow.", kind: str = "reply",
            outbox_id: int = 7) -> OutboundMessage:
    return OutboundMessage(channel="whatsapp", recipient=CUSTOMER, text=text, kind=kind,
                           id=f"out-{outbox_id}")


async def test_reply_within_the_window_is_free_text_and_recorded(
    twilio: FakeTwilio, deliveries: Deliveries
) -> None:
    channel = channel_for(twilio.url, deliveries)
    try:
        assert await channel.send(message()) is True
    finally:
        await channel.close()
    [request] = twilio.created
    assert request["account"] == ACCOUNT and request["auth"] == (ACCOUNT, TOKEN)
    assert request["form"] == {"To": f"whatsapp:{CUSTOMER}", "From": SENDER,
                               "Body": "Your rug ships tomorrow."}
    assert await deliveries.parts_sent("whatsapp", 7) == 1


@pytest.mark.parametrize(("templates", "expected"), [
    ({"notice": "HXnotice", "default": "HXdefault"}, "HXnotice"),
    ({"default": "HXdefault"}, "HXdefault"),
])
async def test_outside_the_window_only_a_template_is_sent(
    twilio: FakeTwilio, deliveries: Deliveries, templates: dict[str, str], expected: str
) -> None:
    channel = channel_for(twilio.url, deliveries, hours_ago=30, templates=templates)
    try:
        await channel.send(message("Your refund was approved.", kind="notice"))
    finally:
        await channel.close()
    [request] = twilio.created
    assert request["form"]["ContentSid"] == expected
    assert request["form"]["ContentVariables"] == '{"1": "Your refund was approved."}'
    assert "Body" not in request["form"]


@pytest.mark.parametrize("hours_ago", [None, 24.5, 23.99])
async def test_closed_window_without_template_is_a_permanent_failure_and_nothing_is_sent(
    twilio: FakeTwilio, deliveries: Deliveries, hours_ago: float | None
) -> None:
    channel = channel_for(twilio.url, deliveries, hours_ago=hours_ago,
                          templates={"confirmation": "HXconfirm"})
    with pytest.raises(DeliveryError) as failure:
        await channel.send(message(kind="notice"))
    await channel.close()
    assert failure.value.permanent
    assert "24-hour window" in str(failure.value) and "'notice'" in str(failure.value)
    assert twilio.requests == []


@pytest.mark.parametrize(("status", "permanent"), [(503, False), (500, False), (429, False),
                                                   (400, True), (404, True)])
async def test_provider_errors_are_transient_or_permanent(
    twilio: FakeTwilio, deliveries: Deliveries, status: int, permanent: bool
) -> None:
    twilio.fail(status, 20000 + status, "nope")
    channel = channel_for(twilio.url, deliveries)
    with pytest.raises(DeliveryError) as failure:
        await channel.send(message())
    await channel.close()
    assert failure.value.permanent is permanent
    assert str(status) in str(failure.value)


async def test_window_refusal_is_explained(twilio: FakeTwilio, deliveries: Deliveries) -> None:
    twilio.fail(400, 63016, "Failed to send freeform message because you are outside the "
                "allowed window. Please use a Template.")
    channel = channel_for(twilio.url, deliveries)
    with pytest.raises(DeliveryError) as failure:
        await channel.send(message())
    await channel.close()
    assert failure.value.permanent and "63016" in str(failure.value)
    assert "24-hour window" in str(failure.value)


async def test_unreachable_twilio_is_transient(deliveries: Deliveries) -> None:
    channel = channel_for(f"http://127.0.0.1:{free_port()}", deliveries)
    with pytest.raises(DeliveryError) as failure:
        await channel.send(message())
    await channel.close()
    assert not failure.value.permanent


async def test_a_retried_long_message_sends_only_the_parts_still_missing(
    twilio: FakeTwilio, deliveries: Deliveries
) -> None:
    text = " ".join(f"Sentence {n} tells the customer something long enough." for n in range(80))
    channel = channel_for(twilio.url, deliveries)
    twilio.succeed()
    twilio.fail(503, 20503, "busy")
    try:
        with pytest.raises(DeliveryError):
            await channel.send(message(text))
        await channel.send(message(text))
    finally:
        await channel.close()
    bodies = [r["form"]["Body"] for r in twilio.created]
    assert len(bodies) == len(set(bodies)) >= 2
    assert " ".join(bodies) == text


async def test_delivery_records_keep_the_furthest_status(deliveries: Deliveries) -> None:
    await deliveries.update("SM1", "delivered", channel="whatsapp", recipient=CUSTOMER)
    await deliveries.sent("SM1", "whatsapp", 3, CUSTOMER)
    record = await deliveries.get("SM1")
    assert record and (record.status, record.outbox_id) == ("delivered", 3)
    assert await deliveries.update("SM1", "sent") is False
    assert await deliveries.update("SM1", "read") is True
    assert await deliveries.status_of("SM1") == "read"

    await deliveries.sent("SM2", "whatsapp", 4, CUSTOMER)
    assert await deliveries.update("SM2", "undelivered", "63024") is True
    assert await deliveries.update("SM2", "failed", "30008") is False
    assert await deliveries.update("SM2", "sent") is False
    assert (await deliveries.get("SM2")).error_code == "63024"  # type: ignore[union-attr]
    assert await deliveries.update("SM2", "delivered") is True
    assert await deliveries.update("SM2", "whatever") is False
    assert await deliveries.status_of("SM404") is None
