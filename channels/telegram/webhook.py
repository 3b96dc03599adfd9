"""Registering Caseloop's webhook, with its secret, with the Telegram Bot API."""

from __future__ import annotations

from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from channels.telegram.bot import ALLOWED_UPDATES, build_bot

REQUEST_TIMEOUT = 30
"""Seconds to wait for Telegram's answer."""


class WebhookError(Exception):
    """Telegram refused the webhook, or could not be asked; the message says which, on one line."""


async def set_webhook(*, token: str, api_url: str, url: str, secret: str) -> None:
    """Ask Telegram to deliver updates to `url`, each carrying `secret` in a header.

    Telegram then sends `X-Telegram-Bot-Api-Secret-Token: <secret>` with every update, which
    the webhook route checks. Updates waiting from before are kept.

    Raises:
        WebhookError: Telegram refused (e.g. not an https URL, a bad token, or a secret with
            characters other than A-Z, a-z, 0-9, `_` and `-`), or could not be reached.
    """
    bot = build_bot(token, api_url)
    try:
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                              drop_pending_updates=False, request_timeout=REQUEST_TIMEOUT)
    except AiogramError as problem:
        raise WebhookError(_describe(problem, api_url)) from problem
    finally:
        await bot.session.close()


def _describe(problem: AiogramError, api_url: str) -> str:
    if isinstance(problem, TelegramNetworkError):
        return f"could not reach Telegram at {api_url}: {_one_line(problem.message)}"
    if isinstance(problem, TelegramUnauthorizedError):
        return "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): " + _one_line(problem.message)
    if isinstance(problem, TelegramServerError):
        return f"Telegram failed to set the webhook: {_one_line(problem.message)}"
    if isinstance(problem, TelegramAPIError):
        return f"Telegram refused the webhook: {_one_line(problem.message)}"
    return f"{api_url} did not answer as the Telegram Bot API does (check TELEGRAM_API_URL)"


def _one_line(text: str) -> str:
    return " ".join(text.split())
