"""One trial of a scenario: a sandbox (a fresh Caseloop on a temporary database), the customer's
turns typed one by one through the inbox and the graph, and what each turn left behind."""

from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.assembly import Caseloop, assemble
from bot.config import Settings, isolated_settings
from bot.evaluation.checks import Snapshot
from bot.evaluation.scenarios import Scenario
from bot.identity.mailer import Mailer
from bot.storage.database import utcnow
from channels.base import Channel, InboundMessage, OutboundMessage

TURN_SECONDS = 60.0
"""How long one turn may take (a hosted model included) before the trial is failed."""


@dataclass(frozen=True)
class Model:
    """The model under evaluation and what it needs to be reached."""

    name: str = "offline"
    api_key: str | None = None
    base_url: str | None = None


@dataclass
class TrialRun:
    """What one trial saw: a snapshot after each turn, or the error that cut it short."""

    scenario: Scenario
    trial: int
    said: list[str] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


class CodeRecorder(Mailer):
    """Keeps the verification codes it is asked to send, as the customer's inbox would."""

    def __init__(self) -> None:
        super().__init__(None, "eval@caseloop.local")
        self.codes: dict[str, list[str]] = {}

    async def send_code(self, to: str, code: str, minutes: int) -> None:
        self.codes.setdefault(to.lower(), []).append(code)


class Phone:
    """A channel that shows what the bot sent on the customer's one screen, in order."""

    def __init__(self, name: str, screen: list[OutboundMessage]) -> None:
        self.name = name
        self.screen = screen

    async def send(self, message: OutboundMessage) -> bool:
        self.screen.append(message)
        return True


class Sandbox:
    """A Caseloop of its own on a temporary database, seeded with one shop, that a scripted
    customer writes to; what it sends lands on one screen."""

    def __init__(self, app: Caseloop, mailer: CodeRecorder, screen: list[OutboundMessage]
                 ) -> None:
        self.app, self.mailer, self.screen = app, mailer, screen

    async def say(self, channel: str, sender: str, text: str) -> None:
        """Type one message and wait until the turn it starts is over (sent and stored)."""
        message = InboundMessage(channel=channel, sender=sender, text=text,
                                 provider_message_id=f"eval-{uuid.uuid4().hex}",
                                 verified_phone=sender if channel == "whatsapp" else None)
        await self.app.receive(message)
        await asyncio.wait_for(self.app.dispatcher.idle(), TURN_SECONDS)
        await asyncio.wait_for(self.app.verifier.drain(), TURN_SECONDS)


@asynccontextmanager
async def sandbox(shop: dict[str, Any], model: Model, policy: Path | None
                  ) -> AsyncIterator[Sandbox]:
    """Open a sandbox on `shop`; everything it stored is gone when it closes."""
    with tempfile.TemporaryDirectory(prefix="caseloop-eval-") as name:
        folder = Path(name)
        (folder / "shop.json").write_text(json.dumps(shop), encoding="utf-8")
        mailer, screen = CodeRecorder(), list[OutboundMessage]()
        phones: list[Channel] = [Phone("webchat", screen), Phone("whatsapp", screen)]
        app = await assemble(_settings(folder, model, policy), extra_channels=phones,
                             mailer=mailer)
        try:
            yield Sandbox(app, mailer, screen)
        finally:
            await app.close(deadline=time.monotonic() + 5)


async def run_trial(scenario: Scenario, trial: int, model: Model, policy: Path | None) -> TrialRun:
    """Play the scenario once; a failure of the model or the stores ends the trial, not the run.
    """
    run = TrialRun(scenario, trial)
    started = time.perf_counter()
    try:
        await _play(run, model, policy)
    except Exception as error:  # noqa: BLE001 - any failure is this trial's, told in words
        run.error = f"{type(error).__name__}: {error}"[:500]
    run.seconds = time.perf_counter() - started
    return run


async def _play(run: TrialRun, model: Model, policy: Path | None) -> None:
    scenario = run.scenario
    shop = scenario.shop_data(utcnow())
    people = {str(c.get("id")): c for c in shop.get("customers", [])}
    if scenario.customer not in people:
        raise ValueError(f"customer {scenario.customer!r} is not in the shop")
    person = people[scenario.customer]
    choose = random.Random(f"{scenario.name}/{run.trial}").choice
    session = f"eval-{uuid.uuid4().hex[:12]}"
    async with sandbox(shop, model, policy) as box:
        for turn in scenario.turns:
            channel = turn.channel or scenario.channel
            text = _filled(choose(turn.say), person, box.mailer)
            sender = session if channel == "webchat" else str(person.get("phone") or "")
            if not sender:
                raise ValueError(f"customer {scenario.customer!r} has no phone for {channel}")
            run.said.append(text)
            await box.say(channel, sender, text)
            run.snapshots.append(await _snapshot(box.app, scenario, box.screen))


def _settings(folder: Path, model: Model, policy: Path | None) -> Settings:
    values: dict[str, object] = {
        "DATABASE_URL": f"sqlite:///{folder / 'caseloop.db'}",
        "CASELOOP_DEMO_DATA": str(folder / "shop.json"),
        "CASELOOP_MODEL": model.name,
        "CASELOOP_LOG_FORMAT": "text",
    }
    if policy is not None:
        values["CASELOOP_POLICY"] = str(policy)
    if model.api_key:
        values["OPENAI_API_KEY"] = model.api_key
    if model.base_url:
        values["OPENAI_BASE_URL"] = model.base_url
    return isolated_settings(**values)


def _filled(text: str, person: dict[str, object], mailer: CodeRecorder) -> str:
    email = str(person.get("email") or "")
    codes = mailer.codes.get(email.lower()) or [""]
    for key, value in (("{email}", email), ("{phone}", str(person.get("phone") or "")),
                       ("{name}", str(person.get("name") or "")), ("{code}", codes[-1])):
        text = text.replace(key, value)
    return text


async def _snapshot(app: Caseloop, scenario: Scenario, screen: list[OutboundMessage]
                    ) -> Snapshot:
    orders = {order_id: await app.store.get_order(order_id) for order_id in scenario.expect.orders}
    cases = [*await app.desk.open_cases(), *await app.desk.closed_cases(limit=500)]
    return Snapshot(  # the sandbox holds this one customer: every case is theirs
        replies=[message.text for message in screen],
        orders=orders,
        audit=await app.audit.records(scenario.customer),
        escalations=[case.reason for case in cases],
    )
