"""The customer channels a deployment has configured, beside the always-present web chat."""

from __future__ import annotations

from bot.config import Settings
from bot.runtime.inbox import Inbox
from bot.storage.database import Database
from channels.base import Channel


def configured_channels(settings: Settings, database: Database, inbox: Inbox) -> list[Channel]:
    """WhatsApp (Twilio) and Telegram channels, for the ones whose settings are present."""
    found: list[Channel] = []
    if settings.whatsapp_enabled:
        from bot.runtime.deliveries import Deliveries
        from channels.whatsapp.account import TwilioAccount
        from channels.whatsapp.channel import WhatsAppChannel

        assert settings.twilio_account_sid and settings.twilio_auth_token
        assert settings.twilio_whatsapp_from
        account = TwilioAccount(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            sender=settings.twilio_whatsapp_from,
            api_url=settings.twilio_api_url,
            status_callback=f"{settings.public_url}/twilio/status",
        )
        found.append(WhatsAppChannel(
            account=account,
            templates=settings.whatsapp_templates,
            last_inbound=lambda address: inbox.last_received("whatsapp", address),
            deliveries=Deliveries(database),
        ))
    if settings.telegram_enabled:
        from channels.telegram.channel import TelegramChannel

        assert settings.telegram_bot_token
        found.append(TelegramChannel(
            token=settings.telegram_bot_token,
            api_url=settings.telegram_api_url,
            polling=settings.telegram_mode == "polling",
        ))
    return found
