"""`TelegramChannel`: sends replies, feeds webhook updates, and long-polls when asked to."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from channels.base import DeliveryError, OutboundMessage, Receive
from channels.telegram.bot import ALLOWED_UPDATES, BotSession, handle
from channels.telegram.request import UnexpectedAnswer, is_transient, retry_seconds
from channels.telegram.translate import NAME, to_send_requests
from channels.telegram.updates import UpdateError, check_update, parse_update

__all__ = ["TelegramChannel", "UpdateError", "delivery_error"]

log = logging.getLogger("caseloop.telegram")

POLL_TIMEOUT = 25
"""Seconds one `getUpdates` long poll may wait for news."""
POLL_GRACE = 30
"""Seconds past `POLL_TIMEOUT` to wait for Telegram's answer to a long poll."""
POLL_BACKOFF = (1.0, 2.0, 5.0, 15.0, 30.0)
MAX_UPDATE_ATTEMPTS = 5
"""Tries to store one polled update before it is skipped (logged) so polling goes on."""


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
        self._session = BotSession.open(token, api_url, polling)
        self._bot = self._session.bot
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
            except TelegramError as problem:
                raise delivery_error(problem) from problem
            if key:
                self._parts_sent[key] = index + 1
        self._parts_sent.pop(key, None)
        return True

    async def feed(self, update: Any, receive: Receive) -> None:
        """Process one update from the webhook: stored through `receive` when it returns.

        Raises:
            UpdateError: the body is not a Telegram update.
        """
        await handle(parse_update(update, self._bot), self._bot, receive, self._spawn)

    async def start(self, receive: Receive) -> None:
        """In polling mode, begin long polling in the background; otherwise nothing to do."""
        if self.polling and self._poller is None:
            self._poller = asyncio.create_task(self._poll(receive), name="telegram-polling")

    async def close(self) -> None:
        """Stop polling, let courtesy calls finish briefly, and close the HTTP clients."""
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=5)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._session.close()

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
                updates = await self._get_updates(offset)
            except InvalidToken:
                log.error("Telegram refused the bot token; polling stopped")
                return
            except TelegramError as problem:
                if not (is_transient(problem) or isinstance(problem, Conflict)):
                    raise
                await asyncio.sleep(_pause(problem, failures))
                failures += 1
                log.warning("Telegram polling failed (%s); trying again", problem)
                continue
            failures = 0
            for update in updates:
                try:
                    check_update(update.to_dict())
                except UpdateError as problem:
                    log.error("Skipping Telegram update %s: %s", update.update_id, problem)
                    offset = update.update_id + 1
                    continue
                try:
                    await handle(update, self._bot, receive, self._spawn)
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

    async def _get_updates(self, offset: int | None) -> tuple[Update, ...]:
        """The next updates after `offset`, waiting up to `POLL_TIMEOUT` seconds for news.

        Raises:
            TelegramError: the call failed; `UnexpectedAnswer` when PTB could not read an
                update of the batch (it reads them all at once).
        """
        try:
            return await self._bot.get_updates(
                offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES,
                read_timeout=POLL_GRACE)
        except TelegramError:
            raise
        except Exception as problem:  # noqa: BLE001 - de_list has no error of its own
            raise UnexpectedAnswer(f"updates PTB could not read ({type(problem).__name__})"
                                   ) from problem

    async def _drop_webhook(self) -> None:
        """Telegram serves `getUpdates` only while no webhook is set: remove it, keep updates."""
        for failures in range(len(POLL_BACKOFF) + 1):
            try:
                await self._bot.delete_webhook(drop_pending_updates=False)
                return
            except TelegramError as problem:
                if not is_transient(problem):
                    raise
                log.warning("Could not remove the Telegram webhook (%s); trying again", problem)
                await asyncio.sleep(_pause(problem, failures))
        log.error("Could not remove the Telegram webhook; polling anyway")

    def _spawn(self, call: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(call)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def delivery_error(problem: TelegramError) -> DeliveryError:
    """Classify a Bot API failure: worth retrying later, or final."""
    if isinstance(problem, RetryAfter):
        return DeliveryError(
            f"Telegram asks to wait {retry_seconds(problem):g}s: {problem.message}")
    if isinstance(problem, UnexpectedAnswer):
        return DeliveryError(f"Telegram answered unexpectedly: {problem.message}")
    if is_transient(problem):
        return DeliveryError(f"Telegram unreachable: {problem.message}")
    # Forbidden (blocked, deactivated), Bad Request (chat not found...), Unauthorized (bad
    # token), Not Found, Request Entity Too Large: the same request again cannot succeed.
    return DeliveryError(f"Telegram refused the message: {problem.message}", permanent=True)


def _pause(problem: BaseException | None, failures: int) -> float:
    if isinstance(problem, RetryAfter):
        return retry_seconds(problem)
    return POLL_BACKOFF[min(failures, len(POLL_BACKOFF) - 1)]
