"""TelegramChannel long-polling a local Bot API server: each update stored once, bad ones
skipped, conflicts waited out, a refused token stops it."""

from __future__ import annotations

import asyncio

from tests.channels.telegram.rig import Inbox, payload, polling_into, with_field
from tests.fakes.telegram import FakeTelegram


async def test_polling_removes_the_webhook_and_stores_each_update_once(
    telegram: FakeTelegram
) -> None:
    telegram.webhook = {"url": "https://old.example/telegram/webhook"}
    telegram.push_update(payload("inbound_text"))
    telegram.push_update(payload("inbound_sticker"))
    inbox = Inbox()
    async with polling_into(telegram, inbox):
        await inbox.wait_for(2)
        telegram.push_update(payload("inbound_photo"))
        await inbox.wait_for(3)
        await asyncio.sleep(0.3)
    assert [m.provider_message_id for m in inbox.messages] == [
        "904117201", "904117202", "904117205"]
    assert telegram.calls[0].method == "deleteWebhook"
    polls = telegram.calls_to("getUpdates")
    assert polls[0].params["allowed_updates"] == ["message", "callback_query"]
    assert polls[-1].params["offset"] == "904117206"


async def test_polling_skips_an_update_with_a_field_of_the_wrong_type(
    telegram: FakeTelegram
) -> None:
    telegram.push_update(with_field("inbound_text", ("message", "text"), 7))
    telegram.push_update(payload("inbound_sticker"))
    inbox = Inbox()
    async with polling_into(telegram, inbox):
        await inbox.wait_for(1)
        await asyncio.sleep(0.3)
    assert [m.provider_message_id for m in inbox.messages] == ["904117202"]
    assert telegram.calls_to("getUpdates")[-1].params["offset"] == "904117203"


async def test_polling_waits_out_a_conflict_with_another_poller(telegram: FakeTelegram) -> None:
    telegram.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates request; "
                                          "make sure that only one bot instance is running")
    telegram.push_update(payload("inbound_text"))
    inbox = Inbox()
    async with polling_into(telegram, inbox):
        await inbox.wait_for(1)
    assert [m.provider_message_id for m in inbox.messages] == ["904117201"]
    assert [call.ok for call in telegram.calls_to("getUpdates")][:2] == [False, True]


async def test_polling_stops_when_the_token_is_refused(telegram: FakeTelegram) -> None:
    telegram.fail_next("getUpdates", 401, "Unauthorized")
    telegram.push_update(payload("inbound_text"))
    inbox = Inbox()
    async with polling_into(telegram, inbox):
        await asyncio.sleep(1.5)
    assert inbox.messages == []
    assert len(telegram.calls_to("getUpdates")) == 1


async def test_polling_keeps_an_update_it_could_not_store(telegram: FakeTelegram) -> None:
    telegram.push_update(payload("inbound_text"))
    inbox = Inbox()
    inbox.failures = 1
    async with polling_into(telegram, inbox):
        await inbox.wait_for(1, timeout=10)
    assert [m.provider_message_id for m in inbox.messages] == ["904117201"]
