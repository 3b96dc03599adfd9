"""Registering Caseloop's webhook, with its secret, with the Telegram Bot API."""

from __future__ import annotations

from channels.telegram.bot import ALLOWED_UPDATES, build_bot


async def set_webhook(*, token: str, api_url: str, url: str, secret: str) -> None:
    """Ask Telegram to deliver updates to `url`, each carrying `secret` in a header.

    Telegram then sends `X-Telegram-Bot-Api-Secret-Token: <secret>` with every update, which
    the webhook route checks. Updates waiting from before are kept.

    Raises:
        aiogram.exceptions.TelegramAPIError: Telegram refused (e.g. not an https URL, a bad
            token, or a secret with characters other than A-Z, a-z, 0-9, `_` and `-`).
    """
    bot = build_bot(token, api_url)
    try:
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                              drop_pending_updates=False)
    finally:
        await bot.session.close()
