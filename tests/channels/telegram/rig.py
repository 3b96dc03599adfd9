"""What the Telegram channel's tests share: captured updates, and an inbox that keeps what the
channel hands it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from channels.base import InboundMessage
from channels.telegram.channel import TelegramChannel
from tests.fakes.telegram import TOKEN, FakeTelegram

DATA = Path(__file__).parents[2] / "data" / "telegram"


def payload(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def with_field(name: str, path: tuple[str, ...], value: object) -> dict[str, Any]:
    """A captured update with one field (by its path) set to `value`."""
    update = payload(name)
    target = update
    for key in path[:-1]:
        target = target[key] if isinstance(target, dict) else target[int(key)]
    target[path[-1] if isinstance(target, dict) else int(path[-1])] = value
    return update


class Inbox:
    """Stands in for Caseloop's inbox: keeps messages once per provider id."""

    def __init__(self) -> None:
        self.messages: list[InboundMessage] = []
        self.failures = 0

    async def receive(self, message: InboundMessage) -> bool:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is locked")
        if any(m.provider_message_id == message.provider_message_id for m in self.messages):
            return False
        self.messages.append(message)
        return True

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                await asyncio.sleep(0.02)


@asynccontextmanager
async def polling_into(telegram: FakeTelegram, inbox: Inbox) -> AsyncIterator[TelegramChannel]:
    """A channel long-polling `telegram` into `inbox` for the block's length."""
    polling = TelegramChannel(TOKEN, telegram.api_url, polling=True)
    await polling.start(inbox.receive)
    try:
        yield polling
    finally:
        await polling.close()
