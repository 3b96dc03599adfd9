"""The aiogram side: a `Bot` pointed at a Bot API server, and a `Dispatcher` with its handlers.

The handlers only translate and store: a message or button press becomes an `InboundMessage`
handed to `receive` (passed with each update, see `TelegramChannel.feed`), which stores it in the
inbox before the update is acknowledged. Calls back to Telegram that need no answer (answering a
button press, greeting `/start`) are handed to `spawn`, so they never hold up that acknowledgement.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, Message, Update

from channels.base import Receive
from channels.telegram.translate import to_inbound

log = logging.getLogger("caseloop.telegram")

GREETING = (
    "Hi! I'm the shop's support assistant. I can check an order, refund it, cancel it or change "
    "its delivery address. What can I do for you?"
)
ALLOWED_UPDATES = ["message", "callback_query"]
"""The update types Caseloop asks Telegram for (webhook and polling alike)."""

Spawn = Callable[[Coroutine[Any, Any, Any]], None]
"""Runs a coroutine in the background."""


def build_bot(token: str, api_url: str) -> Bot:
    """An aiogram `Bot` talking to the Bot API server at `api_url` (Telegram's, or a stand-in)."""
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))


def build_dispatcher(spawn: Spawn) -> Dispatcher:
    """A dispatcher with Caseloop's handlers; a new router each time (a router has one parent)."""
    router = Router(name="caseloop")
    private = F.chat.type == "private"

    @router.message(private, CommandStart())
    async def greet(message: Message) -> None:
        spawn(_quietly(message.answer(GREETING), "greet /start"))

    @router.message(private)
    async def take_message(_: Message, event_update: Update, receive: Receive) -> None:
        inbound = to_inbound(event_update)
        if inbound is not None:
            await receive(inbound)

    @router.callback_query()
    async def take_button(query: CallbackQuery, event_update: Update, receive: Receive) -> None:
        inbound = to_inbound(event_update)
        stored = inbound is not None and await receive(inbound)
        if stored or inbound is None:
            spawn(_settle_button(query))

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def _settle_button(query: CallbackQuery) -> None:
    """Stop the button's spinner, and take the buttons away so a choice is made once."""
    await _quietly(query.answer(), "answer a button press")
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        await _quietly(query.message.edit_reply_markup(reply_markup=None),
                       "remove answered buttons")


async def _quietly(call: Awaitable[Any], what: str) -> None:
    """Await a courtesy call to Telegram; a failure is logged, never raised."""
    try:
        await call
    except TelegramAPIError as problem:
        log.info("Could not %s on Telegram: %s", what, problem)
