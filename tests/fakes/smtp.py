"""An SMTP server on localhost that keeps what it receives (aiosmtpd)."""

from __future__ import annotations

import asyncio
import re
import time
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

from tests.fakes.ports import free_port

_CODE = re.compile(r"\b(\d{6})\b")


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SmtpSink:
    """A real SMTP server on a free port; `code_for` reads the latest code sent to an address."""

    def __init__(self) -> None:
        self._keeper = _Keeper()
        self.port = free_port()
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        return list(self._keeper.messages)

    def sent_to(self, address: str) -> list[Message]:
        return [m for m in self._keeper.messages if m["To"].lower() == address.lower()]

    async def code_for(self, address: str, timeout: float = 10.0, after: int = 0) -> str:
        """The code in the newest e-mail to `address` beyond the first `after` ones."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = self.sent_to(address)
            if len(mails) > after:
                body = mails[-1].get_payload(decode=True).decode()
                match = _CODE.search(body)
                assert match, body
                return match.group(1)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no code e-mailed to {address} within {timeout}s")
