"""Settings: one object, read from environment variables and `.env`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot import setting_values as check
from bot.business.operations import CONTRACT
from bot.storage.database_url import (
    check_database_url,
    checkpoints_beside,
    is_postgres_url,
    redacted_label,
    sqlite_path,
)

DEFAULTS_DIR = Path(__file__).parent / "defaults"
TelegramMode = Literal["webhook", "polling"]
SlackMode = Literal["http", "socket"]
LogFormat = Literal["json", "text"]
BackendKind = Literal["demo", "http"]
_HTTP_URL = AfterValidator(check.http_url)


class SettingsError(ValueError):
    """A setting has a value Caseloop cannot use; the message names the variable."""


class Settings(BaseSettings):
    """Everything an operator can configure, with embedded defaults for each."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    port: Annotated[int, Field(alias="PORT", ge=1, le=65535)] = 8000
    host: Annotated[str, Field(alias="HOST")] = "0.0.0.0"
    database_url: Annotated[str, Field(alias="DATABASE_URL"),
                            AfterValidator(check_database_url)] = "sqlite:///./caseloop.db"
    demo_data: Annotated[Path, Field(alias="CASELOOP_DEMO_DATA"),
                         AfterValidator(check.existing_file)] = DEFAULTS_DIR / "demo.json"
    policy_file: Annotated[Path, Field(alias="CASELOOP_POLICY"),
                           AfterValidator(check.existing_file)] = DEFAULTS_DIR / "policy.toml"
    actions_file: Annotated[Path, Field(alias="CASELOOP_ACTIONS"),
                            AfterValidator(check.existing_file)] = DEFAULTS_DIR / "actions.toml"
    """The actions the agent may take (TOML or YAML): see "Your actions" in the README."""
    knowledge_dir: Annotated[Path, Field(alias="CASELOOP_KNOWLEDGE_DIR"),
                             AfterValidator(check.existing_dir)] = DEFAULTS_DIR / "knowledge"
    model: Annotated[str | None, Field(alias="CASELOOP_MODEL"),
                     AfterValidator(check.model_choice)] = None
    openai_api_key: Annotated[str | None, Field(alias="OPENAI_API_KEY")] = None
    openai_base_url: Annotated[str | None, Field(alias="OPENAI_BASE_URL")] = None
    smtp_url: Annotated[str | None, Field(alias="CASELOOP_SMTP_URL"),
                        AfterValidator(check.smtp_url)] = None
    smtp_sender: Annotated[str, Field(alias="CASELOOP_SMTP_FROM")] = "support@caseloop.local"
    max_message_chars: Annotated[int, Field(alias="CASELOOP_MAX_MESSAGE_CHARS", ge=1)] = 4000
    frame_ancestors: Annotated[str, Field(alias="CASELOOP_FRAME_ANCESTORS"),
                               AfterValidator(check.frame_sources)] = "'self'"
    """Who may embed the chat page in a frame: CSP `frame-ancestors` sources, space-separated
    (e.g. `'self' https://shop.example.com`)."""
    sessions_per_minute: Annotated[int, Field(alias="CASELOOP_SESSIONS_PER_MINUTE", ge=1)] = 20
    """Web chat sessions one client address may start in a minute."""
    messages_per_minute: Annotated[int, Field(alias="CASELOOP_MESSAGES_PER_MINUTE", ge=1)] = 30
    """Messages one web chat session may send in a minute; more get a polite error frame."""
    codes_per_hour: Annotated[int, Field(alias="CASELOOP_CODES_PER_HOUR", ge=1)] = 5
    """Verification codes mailed to one customer (or address) in an hour."""
    backend: Annotated[BackendKind, Field(alias="CASELOOP_BACKEND")] = "demo"
    """`demo` (the embedded store) or `http` (the business's own backend, over HTTP)."""
    backend_url: Annotated[str | None, Field(alias="CASELOOP_BACKEND_URL"), _HTTP_URL] = None
    backend_token: Annotated[str | None, Field(alias="CASELOOP_BACKEND_TOKEN")] = None
    backend_timeout: Annotated[float, Field(alias="CASELOOP_BACKEND_TIMEOUT", gt=0)] = 5.0
    """Seconds each attempt of a backend call may take."""
    backend_openapi: Annotated[Path, Field(alias="CASELOOP_BACKEND_OPENAPI"),
                               AfterValidator(check.existing_file)] = CONTRACT
    """The backend's OpenAPI document: a declared action names one of its operations by
    `operationId` (default: Caseloop's own contract, `deploy/backend-openapi.yaml`)."""
    public_url: Annotated[str | None, Field(alias="CASELOOP_PUBLIC_URL"), _HTTP_URL] = None
    log_format: Annotated[LogFormat, Field(alias="CASELOOP_LOG_FORMAT")] = "json"
    """How `caseloop serve` writes its log: one JSON object per line, or plain text."""
    shutdown_grace: Annotated[int, Field(alias="CASELOOP_SHUTDOWN_GRACE", ge=0)] = 20
    """Seconds in-flight requests and turns get to finish after SIGTERM."""
    refund_check_hours: Annotated[float, Field(alias="CASELOOP_REFUND_CHECK_HOURS", gt=0)] = 72
    """Hours after a refund before the backend is asked again whether it settled."""
    case_quiet_minutes: Annotated[float, Field(alias="CASELOOP_CASE_QUIET_MINUTES", gt=0)] = 30
    """Minutes without activity after which an answered (or declined) case closes."""
    metrics_token: Annotated[str | None, Field(alias="CASELOOP_METRICS_TOKEN", min_length=16)] = (
        None)
    """A read-only bearer token for `/metrics` (the admin token works too)."""

    twilio_account_sid: Annotated[str | None, Field(alias="TWILIO_ACCOUNT_SID")] = None
    twilio_auth_token: Annotated[str | None, Field(alias="TWILIO_AUTH_TOKEN")] = None
    twilio_whatsapp_from: Annotated[str | None, Field(alias="TWILIO_WHATSAPP_FROM")] = None
    twilio_api_url: Annotated[str, Field(alias="TWILIO_API_URL"), _HTTP_URL] = (
        "https://api.twilio.com")
    whatsapp_templates: Annotated[dict[str, str], Field(alias="CASELOOP_WHATSAPP_TEMPLATES")] = {}
    """Message kind → approved template `ContentSid`, for messages outside the 24-hour window."""
    twilio_sms_from: Annotated[str | None, Field(alias="TWILIO_SMS_FROM")] = None
    """The Twilio number customers text and call (`+1…`): turns SMS and voice calls on."""
    twilio_messaging_service_sid: Annotated[
        str | None, Field(alias="TWILIO_MESSAGING_SERVICE_SID", pattern=r"^MG[0-9a-fA-F]{32}$")
    ] = None
    """Sends SMS from a Messaging Service instead of `TWILIO_SMS_FROM` (SMS only)."""
    voice_transfer_to: Annotated[str | None, Field(alias="CASELOOP_VOICE_TRANSFER_TO")] = None
    """Where a call goes when a person is needed: a number or a SIP URI."""
    outreach_voice: Annotated[bool, Field(alias="CASELOOP_OUTREACH_VOICE")] = False
    """`on`: outreach may place an outbound call that opens with the event and its options."""

    telegram_bot_token: Annotated[str | None, Field(alias="TELEGRAM_BOT_TOKEN"),
                                  AfterValidator(check.telegram_token)] = None
    telegram_webhook_secret: Annotated[str | None, Field(alias="TELEGRAM_WEBHOOK_SECRET"),
                                       AfterValidator(check.telegram_secret)] = None
    telegram_api_url: Annotated[str, Field(alias="TELEGRAM_API_URL"), _HTTP_URL] = (
        "https://api.telegram.org")
    telegram_mode: Annotated[TelegramMode, Field(alias="CASELOOP_TELEGRAM_MODE")] = "webhook"

    slack_bot_token: Annotated[str | None, Field(alias="SLACK_BOT_TOKEN")] = None
    slack_signing_secret: Annotated[str | None, Field(alias="SLACK_SIGNING_SECRET")] = None
    slack_escalation_channel: Annotated[str | None, Field(alias="SLACK_ESCALATION_CHANNEL")] = None
    slack_approvers: Annotated[str, Field(alias="SLACK_APPROVERS")] = ""
    """Comma-separated Slack user ids allowed to approve or deny."""
    slack_agents: Annotated[str, Field(alias="SLACK_AGENTS")] = ""
    """Comma-separated Slack user ids allowed to take over and hand back; empty: anyone in the
    escalation channel."""
    slack_api_url: Annotated[str, Field(alias="SLACK_API_URL"),
                             AfterValidator(check.slack_api_url)] = "https://slack.com/api/"
    slack_app_token: Annotated[str | None, Field(alias="SLACK_APP_TOKEN")] = None
    slack_mode: Annotated[SlackMode, Field(alias="CASELOOP_SLACK_MODE")] = "http"

    admin_token: Annotated[str | None, Field(alias="CASELOOP_ADMIN_TOKEN", min_length=16)] = None
    """Opens the operator console; generated at start (and logged) when not set."""
    approval_ttl_hours: Annotated[float, Field(alias="CASELOOP_APPROVAL_TTL_HOURS", gt=0)] = 72
    two_approvers_above: Annotated[
        Decimal, Field(alias="CASELOOP_TWO_APPROVERS_ABOVE", ge=0)] = Decimal("500")
    """Refunds above this amount need two different approvers."""
    autonomy: Annotated[Literal["shadow", "autonomous"], Field(alias="CASELOOP_AUTONOMY")] = (
        "autonomous")
    """Every case type's level unless the policy file's `[autonomy]` table sets it: `shadow`
    (the bot drafts, a person releases) or `autonomous` (the bot acts within the policy)."""
    holding_message: Annotated[str | None, Field(alias="CASELOOP_HOLDING_MESSAGE",
                                                 min_length=1, max_length=1000)] = None
    """What a customer hears while a draft of theirs waits for a person (else a built-in
    text, in their language)."""

    events_secret: Annotated[str | None, Field(alias="CASELOOP_EVENTS_SECRET", min_length=16)] = (
        None)
    """Turns on `POST /events`: the key of the HMAC-SHA256 signature each event carries."""
    playbooks_file: Annotated[Path, Field(alias="CASELOOP_PLAYBOOKS"),
                              AfterValidator(check.valid_playbooks)] = (
        DEFAULTS_DIR / "playbooks.toml")
    quiet_hours: Annotated[str, Field(alias="CASELOOP_QUIET_HOURS"),
                           AfterValidator(check.quiet_hours)] = "21-08"
    """Local hours (`21-08`, `21:30-07:45`, or `off`) in which outreach waits."""
    default_timezone: Annotated[str, Field(alias="CASELOOP_DEFAULT_TIMEZONE"),
                                AfterValidator(check.time_zone)] = "UTC"
    """The time zone of customers whose record names none."""
    outreach_daily_cap: Annotated[int, Field(alias="CASELOOP_OUTREACH_DAILY_CAP", ge=0)] = 2
    """The most proactive messages one customer gets in one (local) day."""

    @model_validator(mode="after")
    def _channels_complete(self) -> Settings:
        senders = (self.twilio_whatsapp_from, self.twilio_sms_from,
                   self.twilio_messaging_service_sid)
        account = (self.twilio_account_sid, self.twilio_auth_token)
        if (any(account) or any(senders)) and not (all(account) and any(senders)):
            raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed together, "
                             "with TWILIO_WHATSAPP_FROM, TWILIO_SMS_FROM or "
                             "TWILIO_MESSAGING_SERVICE_SID")
        if all(account) and not self.public_url:
            raise ValueError("CASELOOP_PUBLIC_URL is needed to check Twilio's signatures")
        if (self.telegram_bot_token and self.telegram_mode == "webhook"
                and not self.telegram_webhook_secret):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is needed in webhook mode")
        slack = (self.slack_bot_token, self.slack_escalation_channel)
        if any(slack) and not all(slack):
            raise ValueError("SLACK_BOT_TOKEN and SLACK_ESCALATION_CHANNEL are needed together")
        if self.slack_bot_token and self.slack_mode == "http" and not self.slack_signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is needed to check Slack's signatures")
        if self.slack_bot_token and self.slack_mode == "socket" and not self.slack_app_token:
            raise ValueError("SLACK_APP_TOKEN is needed in socket mode")
        return self

    @model_validator(mode="after")
    def _backend_complete(self) -> Settings:
        if self.backend == "http" and not self.backend_url:
            raise ValueError("CASELOOP_BACKEND_URL is needed with CASELOOP_BACKEND=http")
        if self.backend == "demo" and self.backend_url:
            raise ValueError("CASELOOP_BACKEND_URL is set but CASELOOP_BACKEND is demo: "
                             "set CASELOOP_BACKEND=http to use it")
        return self

    @property
    def whatsapp_enabled(self) -> bool:
        """True when Twilio's WhatsApp settings are present."""
        return bool(self.twilio_account_sid and self.twilio_whatsapp_from)

    @property
    def sms_enabled(self) -> bool:
        """True when Twilio's account and an SMS sender (a number or a Messaging Service)
        are present."""
        return bool(self.twilio_account_sid
                    and (self.twilio_sms_from or self.twilio_messaging_service_sid))

    @property
    def voice_enabled(self) -> bool:
        """True when Twilio's account and the number customers call (`TWILIO_SMS_FROM`) are
        present."""
        return bool(self.twilio_account_sid and self.twilio_sms_from)

    @property
    def telegram_enabled(self) -> bool:
        """True when a Telegram bot token is present."""
        return bool(self.telegram_bot_token)

    @property
    def slack_enabled(self) -> bool:
        """True when a Slack bot token (and escalation channel) is present."""
        return bool(self.slack_bot_token)

    @property
    def outreach_enabled(self) -> bool:
        """True when `CASELOOP_EVENTS_SECRET` is set: business events are taken."""
        return bool(self.events_secret)

    @property
    def slack_approver_ids(self) -> frozenset[str]:
        """The Slack user ids in `SLACK_APPROVERS`."""
        return check.id_set(self.slack_approvers)

    @property
    def slack_agent_ids(self) -> frozenset[str]:
        """The Slack user ids in `SLACK_AGENTS` (empty: anyone in the escalation channel)."""
        return check.id_set(self.slack_agents)

    @property
    def uses_postgres(self) -> bool:
        """True when `DATABASE_URL` is a PostgreSQL URL."""
        return is_postgres_url(self.database_url)

    @property
    def database_path(self) -> Path:
        """The SQLite file holding Caseloop's own tables (SQLite only)."""
        return sqlite_path(self.database_url)

    @property
    def database_label(self) -> str:
        """The database as the log may show it: a file, or a PostgreSQL URL without password."""
        return redacted_label(self.database_url)

    @property
    def checkpoints_path(self) -> Path:
        """The SQLite file beside the database that holds LangGraph checkpoints."""
        return checkpoints_beside(self.database_path)

    @property
    def model_name(self) -> str:
        """The chat model in use: an explicit choice, else OpenAI with a key, else offline."""
        if self.model:
            return self.model
        return "openai:gpt-4o-mini" if self.openai_api_key else "offline"


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning a validation failure into an error naming the variable."""
    return _built(Settings, overrides)


class _GivenOnly(Settings):
    """Settings read from the values given alone: no environment variable, no `.env`."""

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   *others: PydanticBaseSettingsSource,
                                   **named: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # the values given to the constructor, nothing else


def isolated_settings(**values: object) -> Settings:
    """Settings from `values` alone, whatever the environment holds: for runs that must not
    pick up a deployment's channels, Slack, database or events (`caseloop eval`'s trials)."""
    return _built(_GivenOnly, values)


def _built(kind: type[Settings], values: dict[str, object]) -> Settings:
    try:
        return kind(**values)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            if not item["loc"]:
                problems.append(item["msg"].removeprefix("Value error, "))
                continue
            variable = _variable_name(str(item["loc"][0]))
            problems.append(f"{variable}: {item['msg']} (got {item.get('input')!r})")
        raise SettingsError("Invalid setting — " + "; ".join(problems)) from None


def _variable_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    return info.alias if info is not None and info.alias else field
