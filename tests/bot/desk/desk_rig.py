"""The application as desk tests start it: a capture channel for customers, a desk listener
that records what it is told, and console accounts to decide as."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.assembly import Caseloop, assemble
from bot.desk.escalations import Escalation
from bot.storage.database import utcnow
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink


class Recorder:
    """A desk listener that keeps what it was told, as Slack would show it."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    async def case_opened(self, case: Escalation) -> None:
        self.calls.append(("opened", case))

    async def case_changed(self, case: Escalation, event: str) -> None:
        self.calls.append((event, case))

    async def case_note(self, case: Escalation, kind: str, text: str, actor: str | None) -> None:
        self.calls.append((kind, text))

    async def desk_notice(self, text: str) -> None:
        self.calls.append(("notice", text))

    def events(self) -> list[str]:
        return [call[0] for call in self.calls]

    def notes(self, kind: str) -> list[str]:
        return [call[1] for call in self.calls if call[0] == kind]


async def start_desk(tmp_path: Path, smtp: SmtpSink, accounts: Mapping[str, bool],
                     clock: Callable[[], datetime] = utcnow,
                     **settings: Any) -> tuple[Caseloop, CaptureChannel, Recorder]:
    """Assemble the application (extra settings by their environment names) with a recorder
    listening to its desk, and the console `accounts` (name: whether an approver) made on the
    first start; a later start on the same `tmp_path` is a restart."""
    channel, recorder = CaptureChannel(), Recorder()
    app = await assemble(make_settings(tmp_path, CASELOOP_SMTP_URL=smtp.url, **settings),
                         extra_channels=[channel], clock=clock)
    app.desk.add_listener(recorder)
    if not await app.desk.approvers.accounts.any_accounts():
        for name, approver in accounts.items():
            await app.desk.approvers.accounts.add(name, approver=approver)
    return app, channel, recorder
