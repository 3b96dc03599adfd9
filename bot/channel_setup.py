"""The customer channels a deployment has configured, beside the always-present web chat."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.desk.desk import Desk
from bot.identity.verification import CodeTexter
from bot.outreach.calls import CallPlan
from bot.runtime.inbox import Inbox
from bot.storage.database import Database
from channels.base import Channel
from channels.twilio.account import TwilioAccount


def configured_channels(settings: Settings, database: Database, inbox: Inbox) -> list[Channel]:
    """WhatsApp and SMS (Twilio) and Telegram channels, for the ones whose settings are present."""
    found: list[Channel] = []
    if settings.whatsapp_enabled:
        from bot.runtime.deliveries import Deliveries
        from channels.whatsapp.channel import WhatsAppChannel

        assert settings.twilio_whatsapp_from
        found.append(WhatsAppChannel(
            account=_twilio_account(settings, settings.twilio_whatsapp_from),
            templates=settings.whatsapp_templates,
            last_inbound=lambda address: inbox.last_received("whatsapp", address),
            deliveries=Deliveries(database),
        ))
    if settings.sms_enabled:
        from bot.outreach.consent import Consent
        from bot.runtime.deliveries import Deliveries
        from channels.sms.channel import SmsChannel

        sender = settings.twilio_messaging_service_sid or settings.twilio_sms_from
        assert sender
        consent = Consent(database)
        found.append(SmsChannel(
            account=_twilio_account(settings, sender),
            deliveries=Deliveries(database),
            unsubscribed=lambda number: consent.choose("sms", number, None, opted_out=True),
        ))
    if settings.voice_enabled:
        from channels.voice.channel import VoiceChannel

        found.append(VoiceChannel(transfer_to=settings.voice_transfer_to,
                                  caller_id=settings.twilio_sms_from))
    if settings.telegram_enabled:
        from channels.telegram.channel import TelegramChannel

        assert settings.telegram_bot_token
        found.append(TelegramChannel(
            token=settings.telegram_bot_token,
            api_url=settings.telegram_api_url,
            polling=settings.telegram_mode == "polling",
        ))
    return found


def code_texter(settings: Settings) -> CodeTexter | None:
    """What texts one-time codes to a caller's phone on file: the number customers call, when
    voice calls are on."""
    if not settings.voice_enabled:
        return None
    from channels.voice.codes import CodeTexter as TwilioCodeTexter

    assert settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_sms_from
    return TwilioCodeTexter(settings.twilio_account_sid, settings.twilio_auth_token,
                            settings.twilio_sms_from, settings.twilio_api_url)


def outreach_calls(settings: Settings) -> CallPlan | None:
    """How outreach places calls: with `CASELOOP_OUTREACH_VOICE` on and voice calls on."""
    if not (settings.outreach_voice and settings.voice_enabled):
        return None
    from channels.voice.dialer import Dialer
    from channels.voice.twiml import outreach_urls

    assert settings.twilio_sms_from and settings.public_url
    return CallPlan(Dialer(_twilio_account(settings, settings.twilio_sms_from)), outreach_urls,
                    settings.public_url)


def _twilio_account(settings: Settings, sender: str) -> TwilioAccount:
    """The Twilio account sending as `sender`, with delivery statuses sent to `/twilio/status`."""
    assert settings.twilio_account_sid and settings.twilio_auth_token
    return TwilioAccount(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        sender=sender,
        api_url=settings.twilio_api_url,
        status_callback=f"{settings.public_url}/twilio/status",
    )


async def connect_slack(settings: Settings, desk: Desk) -> Any:
    """The Slack connector of the people's desk, started (Slack's SDK loads only here)."""
    from channels.slack.app_settings import SlackApp
    from channels.slack.connector import SlackConnector

    assert settings.slack_bot_token and settings.slack_escalation_channel
    slack_app = SlackApp(token=settings.slack_bot_token,
                         signing_secret=settings.slack_signing_secret,
                         app_token=settings.slack_app_token, api_url=settings.slack_api_url,
                         mode=settings.slack_mode)
    connector = SlackConnector(desk, slack_app, channel_id=settings.slack_escalation_channel,
                               agents=settings.slack_agent_ids)
    desk.add_listener(connector)
    await connector.start()
    return connector
