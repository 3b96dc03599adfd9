"""An application assembled with the case types at a chosen level, a desk that records what
it is told, and a customer who proved who they are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.assembly import Caseloop
from bot.storage.database import utcnow
from tests.bot.desk.desk_rig import Recorder, start_desk
from tests.conftest import Customer, verify
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

APPROVER = "console:amira"


async def start(tmp_path: Path, smtp: SmtpSink, clock: Callable[[], datetime] = utcnow,
                **settings: Any) -> tuple[Caseloop, CaptureChannel, Recorder]:
    """Assemble the application (extra settings by their environment names) with an
    approver's account."""
    return await start_desk(tmp_path, smtp, {"amira": True}, clock, **settings)


async def noor(app: Caseloop, channel: CaptureChannel, smtp: SmtpSink) -> Customer:
    """Noor, verified by e-mail on the test channel."""
    customer = Customer(app, channel, "noor")
    await verify(customer, smtp, "noor.haddad@example.org")
    return customer
