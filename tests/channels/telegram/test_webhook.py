"""Registering the webhook with a local Bot API server: what Telegram receives, one-line errors."""

from __future__ import annotations

import pytest

from channels.telegram.webhook import WebhookError, set_webhook
from tests.fakes.telegram import TOKEN, FakeTelegram

URL = "https://support.example.com/telegram/webhook"
SECRET = "s3cret_Token-for-the-webhook"


async def register(api_url: str) -> None:
    await set_webhook(token=TOKEN, api_url=api_url, url=URL, secret=SECRET)


async def test_the_webhook_is_set_with_its_secret_and_the_update_types(
    telegram: FakeTelegram
) -> None:
    await register(telegram.api_url)
    [call] = telegram.calls_to("setWebhook")
    assert call.params == {"url": URL, "secret_token": SECRET, "drop_pending_updates": "false",
                           "allowed_updates": ["message", "callback_query"]}


@pytest.mark.parametrize(("code", "description", "line"), [
    (400, "Bad Request: bad webhook: Failed to resolve host",
     "Telegram refused the webhook: Bad Request: bad webhook: Failed to resolve host"),
    (401, "Unauthorized", "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): Unauthorized"),
    (404, "Not Found", "Telegram refused the webhook: Not Found"),
    (500, "Internal Server Error\n  (try later)",
     "Telegram failed to set the webhook: Internal Server Error (try later)"),
])
async def test_a_refusal_is_named_in_telegrams_words_on_one_line(
    telegram: FakeTelegram, code: int, description: str, line: str
) -> None:
    telegram.fail_next("setWebhook", code, description)
    with pytest.raises(WebhookError) as failed:
        await register(telegram.api_url)
    assert str(failed.value) == line


async def test_a_server_that_is_not_the_bot_api_is_named(telegram: FakeTelegram) -> None:
    wrong = f"{telegram.api_url}/not-the-bot-api"
    with pytest.raises(WebhookError) as failed:
        await register(wrong)
    assert str(failed.value) == (
        f"{wrong} did not answer as the Telegram Bot API does (check TELEGRAM_API_URL)")
