"""Shared fixtures: fakes of SMTP, Slack, Telegram and a hosted model, in-process Caseloop, and
a guard against leaving the machine."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.assembly import Caseloop, assemble
from channels.base import Attachment
from tests.databases import drop_databases
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel, inbound
from tests.fakes.openai import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.fakes.smtp import SmtpSink
from tests.fakes.telegram import FakeTelegram

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in _LOCAL_HOSTS and not host.startswith("/"):
        raise RuntimeError(f"test tried to reach {host}: tests stay on this machine")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def offline_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach outside the machine, unless marked `live`."""
    if "live" not in request.keywords:
        monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True, scope="session")
def _drop_leftover_databases() -> Iterator[None]:
    yield
    drop_databases(even_in_use=True)


@pytest.fixture(autouse=True)
def own_database() -> Iterator[None]:
    """On PostgreSQL, drop the databases a test made once it (and its servers) are done."""
    yield
    drop_databases()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A local server speaking OpenAI's chat completions."""
    fake = FakeOpenAI()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """A stand-in for the Telegram Bot API on a local port."""
    fake = FakeTelegram()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A stand-in for Slack's Web API on a local port."""
    fake = FakeSlack()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


class Customer:
    """Someone writing to an in-process Caseloop from one address."""

    def __init__(self, caseloop: Caseloop, channel: CaptureChannel, address: str) -> None:
        self.caseloop, self.channel, self.address = caseloop, channel, address

    async def say(self, text: str, provider_id: str | None = None,
                  verified_phone: str | None = None,
                  attachments: tuple[Attachment, ...] = ()) -> list[str]:
        """Send a message; returns what the bot answered to it."""
        before = len(self.channel.texts_for(self.address))
        await self.caseloop.receive(inbound(self.address, text, provider_id,
                                            channel=self.channel.name,
                                            verified_phone=verified_phone,
                                            attachments=attachments))
        await self.caseloop.dispatcher.idle()
        await self.caseloop.verifier.drain()
        return self.channel.texts_for(self.address)[before:]


@pytest.fixture
async def caseloop(
    tmp_path: Path, smtp: SmtpSink
) -> AsyncIterator[tuple[Caseloop, CaptureChannel]]:
    channel = CaptureChannel()
    app = await assemble(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url),
                         extra_channels=[channel])
    yield app, channel
    await app.close()


@pytest.fixture
def customer_at(caseloop: tuple[Caseloop, CaptureChannel]):  # type: ignore[no-untyped-def]
    app, channel = caseloop

    def make(address: str) -> Customer:
        return Customer(app, channel, address)

    return make


async def verify(customer: Customer, smtp: SmtpSink, email: str) -> list[str]:
    """Walk a customer through e-mail verification; returns the bot's answers to the code."""
    sent_before = len(smtp.sent_to(email))
    await customer.say(f"my email is {email}")
    code = await smtp.code_for(email, after=sent_before)
    return await customer.say(code)
