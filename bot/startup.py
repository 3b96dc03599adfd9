"""Starting Caseloop behind a server that already listens: heavy modules load, then assembly.

On a platform that scales to zero, the first webhook after a quiet spell waits for the process to
start. The server therefore listens (and `/healthz` answers) as soon as the light part of the app
is imported; `Startup` then imports what this configuration needs (LangGraph and the graph, the
SDK of each configured channel, the OpenAI client for an `openai:` model) in a worker thread, and
trains the classifiers that read each message in another, so the event loop keeps answering
while they do, and assembles Caseloop (`bot.assembly.assemble`) once they are in. Only then is
`state.caseloop` set and `/readyz` ready.

A request that needs the running Caseloop before then waits for it, bounded
(`running_caseloop`); webhooks are authenticated before they wait. A start that fails is logged
and the server is asked to stop, as a failing lifespan would have stopped it.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import signal
import time
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from bot.assembly import Caseloop

log = logging.getLogger("caseloop")

WAIT_SECONDS = 10.0
"""How long a request waits for the start to finish before it is told to come back: inside
Twilio's 15 s; past Slack's 3 s a late answer makes Slack send again, and the repeat is dropped
on its `event_id`."""
CORE_MODULES = ("bot.assembly",)
"""Always needed: the graph (LangGraph, langchain-core) and everything that assembles it."""


def modules_needed(settings: Settings) -> list[str]:
    """The heavy modules this configuration uses, and only those."""
    names = list(CORE_MODULES)
    if settings.model_name.startswith("openai:"):
        names.append("langchain_openai")
    if settings.whatsapp_enabled:
        names.append("channels.whatsapp.channel")
    if settings.sms_enabled:
        names.append("channels.sms.channel")
    if settings.telegram_enabled:
        names.append("channels.telegram.channel")
    if settings.slack_enabled:
        names.append("channels.slack.connector")
    if settings.uses_postgres:
        names.append("bot.storage.postgres_checkpoints")
    return names


def import_all(names: list[str]) -> None:
    """Import `names`."""
    for name in names:
        importlib.import_module(name)


def load_readers() -> None:
    """Train the classifiers that read every message (what it asks, which language it is in,
    how the customer seems), load the language identifier and count the corpus's n-grams for
    the declared actions' matcher, so that the first customer does not wait for them (and a
    Docker image keeps them all from its build)."""
    from graph.classifier import load as load_classifiers
    from graph.languages import load as load_languages
    from graph.mood import mood_model
    from graph.offline.matcher import load as load_counts

    load_classifiers()
    load_languages()
    mood_model()
    load_counts()


class Startup:
    """Loads and assembles Caseloop in the background, and lets requests wait for it.

    Args:
        settings: The deployment's settings.
        state: Where the running Caseloop is published (the web app's `state.caseloop`).
    """

    def __init__(self, settings: Settings, state: Any) -> None:
        self.settings = settings
        self._state = state
        self._done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.failed = False
        self.seconds: float | None = None
        """How long loading and assembling took, once done."""

    @property
    def done(self) -> bool:
        """True once Caseloop runs (or the start failed)."""
        return self._done.is_set()

    def begin(self) -> None:
        """Start loading in the background; returns at once."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="caseloop-startup")

    async def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the start to finish; True when Caseloop runs."""
        if not self._done.is_set():
            try:
                await asyncio.wait_for(self._done.wait(), timeout)
            except TimeoutError:
                return False
        return not self.failed

    async def close(self, deadline: float | None = None) -> None:
        """Stop a start still under way, or close the running Caseloop."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        caseloop: Caseloop | None = getattr(self._state, "caseloop", None)
        if caseloop is not None:
            await caseloop.close(deadline)

    async def _run(self) -> None:
        began = time.monotonic()
        try:
            try:
                await asyncio.gather(asyncio.to_thread(import_all, modules_needed(self.settings)),
                                     asyncio.to_thread(load_readers))
            finally:
                # What is loaded by now lives as long as the process: keep it out of full
                # collections (as `caseloop serve` does for what it loaded before listening),
                # and collect again from here on (`caseloop serve` pauses the collector while
                # modules load: building hundreds of modules and pydantic models allocates
                # much and frees little).
                gc.freeze()
                gc.enable()
            from bot.assembly import assemble

            self._state.caseloop = await assemble(self.settings)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - any failure to start stops the server, said once
            log.exception("Caseloop could not start; stopping")
            self.failed = True
            self._done.set()
            signal.raise_signal(signal.SIGTERM)
            return
        self.seconds = time.monotonic() - began
        gc.freeze()  # and what assembling made, the services, as long-lived
        log.info("Caseloop started in %.2f s after the server began listening", self.seconds)
        self._done.set()


async def running_caseloop(state: Any, timeout: float) -> Caseloop | None:
    """The running Caseloop, waiting up to `timeout` seconds for the start to finish; None when
    it has not finished by then (or failed)."""
    caseloop: Caseloop | None = getattr(state, "caseloop", None)
    if caseloop is not None:
        return caseloop
    startup: Startup | None = getattr(state, "startup", None)
    if startup is None or not await startup.wait(timeout):
        return None
    return getattr(state, "caseloop", None)
