"""The python-telegram-bot side: a `Bot` pointed at a Bot API server, and each update handled.

`handle` only translates and stores: a message or button press becomes an `InboundMessage`
handed to `receive` (passed with each update, see `TelegramChannel.feed`), which stores it in the
inbox before the update is acknowledged. Calls back to Telegram that need no answer (answering a
button press, greeting `/start`) are handed to `spawn`, so they never hold up that acknowledgement.

No `getMe` is needed: the `Bot` is never `initialize`d, so nothing reaches Telegram at start,
and `BotSession.close` closes the HTTP clients that `Bot.shutdown` would leave open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import TelegramError

from channels.base import Receive
from channels.telegram.request import BotAPIRequest
from channels.telegram.translate import to_inbound

log = logging.getLogger("caseloop.telegram")

GREETING = (
    "Hi! I'm the shop's support assistant. Tell me what you need, about an order or your "
    "account, and I'll take care of it."
)
"""The answer to `/start`: what the bot can do depends on the actions a deployment declares,
so it names none."""
ALLOWED_UPDATES = ["message", "callback_query"]
"""The update types Caseloop asks Telegram for (webhook and polling alike)."""
TIMEOUT = 60.0
"""Seconds a Bot API call may take to connect, send and be answered."""
CONNECTIONS = 100
"""Connections open to the Bot API at once for sending (polling has one of its own)."""

Spawn = Callable[[Coroutine[Any, Any, Any]], None]
"""Runs a coroutine in the background."""


@dataclass(frozen=True)
class BotSession:
    """A PTB `Bot` talking to the Bot API server at `api_url`, and the HTTP clients it uses.

    When polling, sending and `getUpdates` have a client each, so a long poll never waits for
    a free connection behind replies, nor replies behind it. With the webhook, one client is
    enough (each client costs a TLS context at start).
    """

    bot: Bot
    requests: tuple[BotAPIRequest, ...]

    @classmethod
    def open(cls, token: str, api_url: str, polling: bool = False) -> BotSession:
        """A session with Telegram's server, a self-hosted one, or a local stand-in."""
        base = api_url.rstrip("/")
        calls = BotAPIRequest(connection_pool_size=CONNECTIONS, read_timeout=TIMEOUT,
                              write_timeout=TIMEOUT, connect_timeout=TIMEOUT, pool_timeout=TIMEOUT)
        polls = BotAPIRequest(connection_pool_size=1, write_timeout=TIMEOUT,
                              connect_timeout=TIMEOUT, pool_timeout=TIMEOUT) if polling else calls
        bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
                  request=calls, get_updates_request=polls)
        return cls(bot=bot, requests=(calls, polls) if polling else (calls,))

    async def close(self) -> None:
        """Close both HTTP clients."""
        await asyncio.gather(*(request.shutdown() for request in self.requests))


async def handle(update: Update, bot: Bot, receive: Receive, spawn: Spawn) -> None:
    """Take one update: store what the customer said; greet `/start`; settle a pressed button.

    Only private-chat messages and button presses are taken; anything else is ignored.
    """
    message, query = update.message, update.callback_query
    if message is not None:
        if message.chat.type != "private":
            return
        if _is_start(message):
            spawn(_quietly(bot.send_message(chat_id=message.chat.id, text=GREETING),
                           "greet /start"))
            return
        inbound = to_inbound(update)
        if inbound is not None:
            await receive(inbound)
    elif query is not None:
        inbound = to_inbound(update)
        stored = inbound is not None and await receive(inbound)
        if stored or inbound is None:
            spawn(_settle_button(bot, query))


def _is_start(message: Message) -> bool:
    """True for the `/start` command (`/start`, `/start@bot`, `/start <payload>`).

    In a private chat every command is for this bot, so a mention is not compared with the bot's
    username (that would take a `getMe`).
    """
    words = (message.text or message.caption or "").split(maxsplit=1)
    return bool(words) and words[0].startswith("/") and words[0][1:].partition("@")[0] == "start"


async def _settle_button(bot: Bot, query: CallbackQuery) -> None:
    """Stop the button's spinner, and take the buttons away so a choice is made once."""
    await _quietly(bot.answer_callback_query(query.id), "answer a button press")
    shown = query.message
    if isinstance(shown, Message) and shown.reply_markup is not None:
        await _quietly(bot.edit_message_reply_markup(chat_id=shown.chat.id,
                                                     message_id=shown.message_id),
                       "remove answered buttons")


async def _quietly(call: Awaitable[Any], what: str) -> None:
    """Await a courtesy call to Telegram; a failure is logged, never raised."""
    try:
        await call
    except TelegramError as problem:
        log.info("Could not %s on Telegram: %s", what, problem)
