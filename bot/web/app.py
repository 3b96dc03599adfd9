"""The web application: one process serving the chat page, its API and health checks.

Only light modules are imported here: the server listens, and `/healthz` answers, before the
graph and the channels' SDKs are loaded (`bot/startup.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

from bot.config import Settings
from bot.logs.correlation import RequestIds
from bot.logs.log_redaction import redact_server_logs
from bot.startup import Startup
from bot.web.body_limits import BodyLimits
from bot.web.page_headers import SecuredStaticFiles, chat_headers
from bot.web.routes import console, health, metrics, webchat
from bot.web.startup_gate import StartupGate

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings) -> FastAPI:
    """Build the FastAPI app; Caseloop starts with the app's lifespan and stops with it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redact_server_logs()
        startup.begin()
        try:
            yield
        finally:
            await startup.close(getattr(app.state, "shutdown_deadline", None))

    app = FastAPI(title="Caseloop", version="0.1.0", lifespan=lifespan)
    startup = Startup(settings, app.state)
    app.state.settings, app.state.startup = settings, startup
    app.add_middleware(StartupGate, startup=startup)
    app.add_middleware(RequestIds)
    app.add_middleware(BodyLimits)
    app.include_router(health.router)
    app.include_router(webchat.router)
    app.include_router(console.router)
    app.include_router(metrics.router)
    if settings.whatsapp_enabled or settings.sms_enabled:
        from bot.web.routes import twilio

        app.include_router(twilio.router)
    if settings.whatsapp_enabled:
        from bot.web.routes import whatsapp

        app.include_router(whatsapp.router)
    if settings.sms_enabled:
        from bot.web.routes import sms

        app.include_router(sms.router)
    if settings.voice_enabled:
        from bot.web.routes import voice

        app.include_router(voice.router)
    if settings.telegram_enabled and settings.telegram_mode == "webhook":
        from bot.web.routes import telegram

        app.include_router(telegram.router)
    if settings.outreach_enabled:
        from bot.web.routes import events

        app.include_router(events.router)
    if settings.slack_enabled and settings.slack_mode == "http":
        from bot.web.routes import slack

        app.include_router(slack.router)
    headers = chat_headers(settings.frame_ancestors)
    app.mount("/static", SecuredStaticFiles(directory=str(STATIC_DIR), headers=headers),
              name="static")

    @app.get("/", include_in_schema=False)
    async def chat_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "chat.html", headers=headers)

    return app
