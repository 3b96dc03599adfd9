"""Registering Caseloop's webhook, with its secret, with the Telegram Bot API."""

from __future__ import annotations

from telegram.error import InvalidToken, NetworkError, TelegramError

from channels.telegram.bot import ALLOWED_UPDATES, BotSession
from channels.telegram.request import ServerError, UnexpectedAnswer, is_transient

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
    session = BotSession.open(token, api_url)
    try:
        await session.bot.set_webhook(url=url, secret_token=secret,
                                      allowed_updates=ALLOWED_UPDATES,
                                      drop_pending_updates=False, read_timeout=REQUEST_TIMEOUT)
    except TelegramError as problem:
        raise WebhookError(_describe(problem, api_url)) from problem
    finally:
        await session.close()


def _describe(problem: TelegramError, api_url: str) -> str:
    if isinstance(problem, UnexpectedAnswer):
        return f"{api_url} did not answer as the Telegram Bot API does (check TELEGRAM_API_URL)"
    if isinstance(problem, ServerError):
        return f"Telegram failed to set the webhook: {_one_line(problem.message)}"
    if isinstance(problem, NetworkError) and is_transient(problem):
        return f"could not reach Telegram at {api_url}: {_one_line(problem.message)}"
    if isinstance(problem, InvalidToken):
        return "Telegram refused the bot token (TELEGRAM_BOT_TOKEN): " + _one_line(problem.message)
    return f"Telegram refused the webhook: {_one_line(problem.message)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
