"""`TelegramChannel`: sends replies, feeds webhook updates, and long-polls when asked to."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramAPIError,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import Update
from pydantic import ValidationError

from channels.base import DeliveryError, OutboundMessage, Receive
from channels.telegram.bot import ALLOWED_UPDATES, build_bot, build_dispatcher
from channels.telegram.translate import NAME, to_send_requests

log = logging.getLogger("caseloop.telegram")

POLL_TIMEOUT = 25
"""Seconds one `getUpdates` long poll may wait for news."""
POLL_BACKOFF = (1.0, 2.0, 5.0, 15.0, 30.0)
MAX_UPDATE_ATTEMPTS = 5
"""Tries to store one polled update before it is skipped (logged) so polling goes on."""
_TRANSIENT = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter, ClientDecodeError)


class UpdateError(ValueError):
    """A webhook body that is not a Telegram update."""


class TelegramChannel:
    """Talks to customers through a Telegram bot.

    Args:
        token: The bot's token from BotFather.
        api_url: The Bot API server (Telegram's, a self-hosted one, or a local stand-in).
        polling: Fetch updates with `getUpdates` in the background instead of receiving them
            on the webhook route.
    """

    name = NAME

    def __init__(self, token: str, api_url: str, polling: bool = False) -> None:
        self.polling = polling
        self._bot = build_bot(token, api_url)
        self._dispatcher = build_dispatcher(self._spawn)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._parts_sent: dict[str, int] = {}

    async def send(self, message: OutboundMessage) -> bool:
        """Send a message as one or more plain-text Telegram messages.

        Parts already delivered by an earlier, interrupted attempt are not sent again.

        Raises:
            DeliveryError: transient (network, Telegram 5xx, flood control) or permanent (the
                user blocked the bot, the chat does not exist, the request is refused).
        """
        requests = to_send_requests(message)
        key = message.id or ""
        for index in range(self._parts_sent.get(key, 0), len(requests)):
            try:
                await self._bot.send_message(**requests[index])
            except TelegramAPIError as problem:
                raise delivery_error(problem) from problem
            except AiogramError as problem:
                raise DeliveryError(f"Telegram answered unexpectedly: {problem}") from problem
            if key:
                self._parts_sent[key] = index + 1
        self._parts_sent.pop(key, None)
        return True

    async def feed(self, update: Any, receive: Receive) -> None:
        """Process one update from the webhook: stored through `receive` when it returns.

        Raises:
            UpdateError: the body is not a Telegram update.
        """
        try:
            parsed = Update.model_validate(update, context={"bot": self._bot})
        except ValidationError as problem:
            count = problem.error_count()
            raise UpdateError(f"not a Telegram update: {count} problem(s)") from None
        await self._dispatcher.feed_update(self._bot, parsed, receive=receive)

    async def start(self, receive: Receive) -> None:
        """In polling mode, begin long polling in the background; otherwise nothing to do."""
        if self.polling and self._poller is None:
            self._poller = asyncio.create_task(self._poll(receive), name="telegram-polling")

    async def close(self) -> None:
        """Stop polling, let courtesy calls finish briefly, and close the HTTP session."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=5)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._bot.session.close()

    async def _poll(self, receive: Receive) -> None:
        """Fetch updates with `getUpdates` and store each before confirming it to Telegram.

        An update is confirmed (by asking for the next offset) only once `receive` stored it,
        so a database hiccup delays an update rather than losing it.
        """
        await self._drop_webhook()
        offset: int | None = None
        failures = attempts = 0
        while True:
            try:
                updates = await self._bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES,
                    request_timeout=POLL_TIMEOUT + 30)
            except TelegramUnauthorizedError:
                log.error("Telegram refused the bot token; polling stopped")
                return
            except (*_TRANSIENT, TelegramConflictError) as problem:
                await asyncio.sleep(_pause(problem, failures))
                failures += 1
                log.warning("Telegram polling failed (%s); trying again", problem)
                continue
            failures = 0
            for update in updates:
                try:
                    await self._dispatcher.feed_update(self._bot, update, receive=receive)
                except Exception:  # noqa: BLE001 - try the same update again, then move on
                    attempts += 1
                    log.exception("Could not take Telegram update %s (attempt %d of %d)",
                                  update.update_id, attempts, MAX_UPDATE_ATTEMPTS)
                    if attempts < MAX_UPDATE_ATTEMPTS:
                        await asyncio.sleep(_pause(None, attempts - 1))
                        break
                    log.error("Skipping Telegram update %s", update.update_id)
                attempts = 0
                offset = update.update_id + 1

    async def _drop_webhook(self) -> None:
        """Telegram serves `getUpdates` only while no webhook is set: remove it, keep updates."""
        for failures in range(len(POLL_BACKOFF) + 1):
            try:
                await self._bot.delete_webhook(drop_pending_updates=False)
                return
            except _TRANSIENT as problem:
                log.warning("Could not remove the Telegram webhook (%s); trying again", problem)
                await asyncio.sleep(_pause(problem, failures))
        log.error("Could not remove the Telegram webhook; polling anyway")

    def _spawn(self, call: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(call)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def delivery_error(problem: TelegramAPIError) -> DeliveryError:
    """Classify a Bot API failure: worth retrying later, or final."""
    if isinstance(problem, TelegramRetryAfter):
        return DeliveryError(f"Telegram asks to wait {problem.retry_after}s: {problem.message}")
    if isinstance(problem, TelegramEntityTooLarge):
        return DeliveryError(f"Telegram refused the message: {problem.message}", permanent=True)
    if isinstance(problem, TelegramNetworkError | TelegramServerError):
        return DeliveryError(f"Telegram unreachable: {problem.message}")
    # Forbidden (blocked, deactivated), Bad Request (chat not found...), Unauthorized (bad
    # token), Not Found: sending the same request again cannot succeed.
    return DeliveryError(f"Telegram refused the message: {problem.message}", permanent=True)


def _pause(problem: BaseException | None, failures: int) -> float:
    if isinstance(problem, TelegramRetryAfter):
        return float(problem.retry_after)
    return POLL_BACKOFF[min(failures, len(POLL_BACKOFF) - 1)]
