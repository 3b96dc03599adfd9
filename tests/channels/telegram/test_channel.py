"""TelegramChannel through python-telegram-bot against a local Bot API server: send, feed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from channels.base import DeliveryError, OutboundMessage
from channels.telegram.bot import GREETING
from channels.telegram.channel import TelegramChannel, UpdateError
from tests.channels.telegram.rig import Inbox, payload, with_field
from tests.fakes.ports import free_port
from tests.fakes.telegram import TOKEN, FakeTelegram

USER = 6120458873


def reply(text: str = "Your order is on its way.", **fields: object) -> OutboundMessage:
    return OutboundMessage(channel="telegram", recipient=str(USER), text=text, **fields)


@pytest.fixture
async def channel(telegram: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    opened = TelegramChannel(TOKEN, telegram.api_url, polling=False)
    yield opened
    await opened.close()


async def test_send_is_plain_text_to_the_users_chat(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    assert await channel.send(reply("<b>Done</b> *really* _now_"))
    [call] = telegram.calls_to("sendMessage")
    assert call.params == {"chat_id": str(USER), "text": "<b>Done</b> *really* _now_"}


async def test_confirmation_buttons_reach_telegram_as_an_inline_keyboard(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    await channel.send(reply("Refund 10.00 EUR?", options=("Yes", "No"), kind="confirmation"))
    [call] = telegram.calls_to("sendMessage")
    assert call.params["reply_markup"] == {"inline_keyboard": [[
        {"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]]}


@pytest.mark.parametrize(("code", "description", "permanent"), [
    (403, "Forbidden: bot was blocked by the user", True),
    (403, "Forbidden: user is deactivated", True),
    (400, "Bad Request: chat not found", True),
    (401, "Unauthorized", True),
    (404, "Not Found", True),
    (409, "Conflict: terminated by other getUpdates request", True),
    (413, "Request Entity Too Large", True),
    (500, "Internal Server Error", False),
    (502, "Bad Gateway", False),
    (503, "Service Unavailable", False),
])
async def test_failures_are_classified(
    channel: TelegramChannel, telegram: FakeTelegram, code: int, description: str,
    permanent: bool
) -> None:
    telegram.fail_next("sendMessage", code, description)
    with pytest.raises(DeliveryError) as failed:
        await channel.send(reply())
    assert failed.value.permanent is permanent
    assert description in str(failed.value)


async def test_flood_control_is_transient(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(DeliveryError) as failed:
        await channel.send(reply())
    assert not failed.value.permanent and "7s" in str(failed.value)


async def test_unreachable_server_is_transient() -> None:
    port = free_port()
    nowhere = TelegramChannel(TOKEN, f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(DeliveryError) as failed:
            await nowhere.send(reply())
        assert not failed.value.permanent
        assert f"Cannot connect to host 127.0.0.1:{port}" in str(failed.value)
        assert TOKEN not in str(failed.value)
    finally:
        await nowhere.close()


async def test_a_server_that_is_not_the_bot_api_is_transient(telegram: FakeTelegram) -> None:
    wrong = TelegramChannel(TOKEN, f"{telegram.api_url}/not-the-bot-api")  # 404, plain text
    try:
        with pytest.raises(DeliveryError) as failed:
            await wrong.send(reply())
        assert not failed.value.permanent
        assert "answered unexpectedly" in str(failed.value)
    finally:
        await wrong.close()


async def test_a_retried_split_message_does_not_repeat_parts_already_sent(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    text = " ".join(f"Sentence {i} about the refund policy." for i in range(300))
    telegram.fail_next("sendMessage", 502, "Bad Gateway", after=1)
    with pytest.raises(DeliveryError):
        await channel.send(reply(text, id="out-7"))
    assert await channel.send(reply(text, id="out-7"))
    parts = telegram.texts_to(USER)
    assert len(parts) == 3 and " ".join(parts) == text
    assert len(telegram.calls_to("sendMessage")) == 4


async def test_a_fed_message_reaches_receive(channel: TelegramChannel) -> None:
    inbox = Inbox()
    await channel.feed(payload("inbound_text"), inbox.receive)
    [message] = inbox.messages
    assert (message.sender, message.provider_message_id, message.text) == (
        str(USER), "904117201", "Where is my order Q5544?")


@pytest.mark.parametrize("body", [[], {"message": {"text": "hi"}}, {"update_id": "x"},
                                  {"update_id": 5, "message": {"chat": 3}}, "hello", None])
async def test_what_is_not_an_update_is_refused(channel: TelegramChannel, body: object) -> None:
    inbox = Inbox()
    with pytest.raises(UpdateError):
        await channel.feed(body, inbox.receive)
    assert inbox.messages == []


@pytest.mark.parametrize(("name", "path", "value"), [
    ("inbound_text", ("update_id",), True),
    ("inbound_text", ("message", "text"), 7),
    ("inbound_text", ("message", "text"), ["Where is my order?"]),
    ("inbound_text", ("message", "from", "id"), "6120458873"),
    ("inbound_text", ("message", "from", "id"), 6120458873.0),
    ("inbound_text", ("update_id",), 904117201.0),
    ("inbound_text", ("message", "from", "is_bot"), "no"),
    ("inbound_text", ("message", "from", "first_name"), {"first": "Noor"}),
    ("inbound_text", ("message", "chat"), "private"),
    ("inbound_text", ("message", "chat", "type"), 1),
    ("inbound_text", ("message", "date"), "yesterday"),
    ("inbound_text", ("message", "date"), 10**30),
    ("inbound_text", ("message", "entities"), [{"type": "bold"}]),
    ("inbound_photo", ("message", "photo"), {"file_id": "x"}),
    ("inbound_photo", ("message", "photo", "0", "width"), "90"),
    ("inbound_photo", ("message", "photo"), [{"file_id": "x", "width": 9, "height": 9}] * 20_000),
    ("inbound_sticker", ("message", "sticker", "emoji"), 1),
    ("inbound_contact_own", ("message", "contact", "user_id"), "6120458873"),
    ("inbound_contact_own", ("message", "contact", "phone_number"), 447700900123),
    ("inbound_callback_query", ("callback_query", "data"), 1),
    ("inbound_callback_query", ("callback_query", "from"), None),
    ("inbound_callback_query", ("callback_query", "message", "chat", "id"), 6.5),
])
async def test_an_update_with_a_field_of_the_wrong_type_is_refused(
    channel: TelegramChannel, telegram: FakeTelegram, name: str, path: tuple[str, ...],
    value: object
) -> None:
    inbox = Inbox()
    with pytest.raises(UpdateError):
        await channel.feed(with_field(name, path, value), inbox.receive)
    await channel.close()
    assert inbox.messages == [] and telegram.calls == []


async def test_a_button_press_is_stored_then_answered_and_its_buttons_removed(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    inbox = Inbox()
    await channel.feed(payload("inbound_callback_query"), inbox.receive)
    await channel.feed(payload("inbound_callback_query"), inbox.receive)  # redelivered
    await channel.close()
    assert [m.text for m in inbox.messages] == ["yes"]
    [answer] = telegram.calls_to("answerCallbackQuery")
    assert answer.params["callback_query_id"] == "2628717418273650391"
    [edit] = telegram.calls_to("editMessageReplyMarkup")
    assert (edit.params["chat_id"], edit.params["message_id"]) == (str(USER), "1004")
    assert "reply_markup" not in edit.params


async def test_a_failed_store_leaves_the_button_unanswered(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    inbox = Inbox()
    inbox.failures = 1
    with pytest.raises(RuntimeError):
        await channel.feed(payload("inbound_callback_query"), inbox.receive)
    await channel.close()
    assert telegram.calls_to("answerCallbackQuery") == []


@pytest.mark.parametrize("text", ["/start", "/start@caseloop_test_bot", "/start ref-42"])
async def test_start_is_greeted_and_not_stored(
    channel: TelegramChannel, telegram: FakeTelegram, text: str
) -> None:
    inbox = Inbox()
    await channel.feed(with_field("inbound_start", ("message", "text"), text), inbox.receive)
    await channel.close()
    assert inbox.messages == []
    assert telegram.texts_to(USER) == [GREETING]


async def test_other_commands_are_taken_as_text(
    channel: TelegramChannel, telegram: FakeTelegram
) -> None:
    inbox = Inbox()
    await channel.feed(with_field("inbound_start", ("message", "text"), "/started"),
                       inbox.receive)
    await channel.close()
    assert [m.text for m in inbox.messages] == ["/started"]
    assert telegram.calls_to("sendMessage") == []


async def test_group_messages_are_ignored(channel: TelegramChannel, telegram: FakeTelegram) -> None:
    inbox = Inbox()
    await channel.feed(payload("inbound_group_text"), inbox.receive)
    await channel.close()
    assert inbox.messages == [] and telegram.calls_to("sendMessage") == []
