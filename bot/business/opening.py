"""The business backend a deployment talks to: its own over HTTP, or the seeded demo store."""

from __future__ import annotations

import logging

from bot.business.demo_store import DemoStore
from bot.business.http_backend import HttpBackend
from bot.config import Settings
from bot.storage.database import Database
from graph.backend import Backend

log = logging.getLogger("caseloop")


async def open_backend(settings: Settings, database: Database) -> Backend:
    """The business's own backend over HTTP when configured, else the seeded demo store."""
    if settings.backend == "http":
        assert settings.backend_url is not None
        log.info("Customers and orders from the backend at %s", settings.backend_url)
        return HttpBackend(settings.backend_url, settings.backend_token,
                           openapi=settings.backend_openapi, timeout=settings.backend_timeout)
    store = DemoStore(database)
    await store.seed(settings.demo_data)
    return store


async def close_backend(store: Backend) -> None:
    """Let go of what the backend holds open (the HTTP backend's connections)."""
    if isinstance(store, HttpBackend):
        await store.close()
