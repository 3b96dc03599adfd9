"""Settings: one object, read from environment variables and `.env`."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.outreach.playbooks import PlaybookError, load_playbooks
from bot.outreach.quiet_hours import QuietHours

DEFAULTS_DIR = Path(__file__).parent / "defaults"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
TelegramMode = Literal["webhook", "polling"]
SlackMode = Literal["http", "socket"]
LogFormat = Literal["json", "text"]
BackendKind = Literal["demo", "http"]
_FRAME_SOURCE = re.compile(r"'self'|'none'|https?:|(?:https?://)?(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?")
"""One CSP `frame-ancestors` source: a keyword, a scheme, or a host with optional scheme and
port; nothing that could end the directive (`;`, `,`, quotes)."""


class SettingsError(ValueError):
    """A setting has a value Caseloop cannot use; the message names the variable."""


class Settings(BaseSettings):
    """Everything an operator can configure, with embedded defaults for each."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    port: Annotated[int, Field(alias="PORT", ge=1, le=65535)] = 8000
    host: Annotated[str, Field(alias="HOST")] = "0.0.0.0"
    database_url: Annotated[str, Field(alias="DATABASE_URL")] = "sqlite:///./caseloop.db"
    demo_data: Annotated[Path, Field(alias="CASELOOP_DEMO_DATA")] = DEFAULTS_DIR / "demo.json"
    policy_file: Annotated[Path, Field(alias="CASELOOP_POLICY")] = DEFAULTS_DIR / "policy.toml"
    knowledge_dir: Annotated[Path, Field(alias="CASELOOP_KNOWLEDGE_DIR")] = (
        DEFAULTS_DIR / "knowledge"
    )
    model: Annotated[str | None, Field(alias="CASELOOP_MODEL")] = None
    openai_api_key: Annotated[str | None, Field(alias="OPENAI_API_KEY")] = None
    openai_base_url: Annotated[str | None, Field(alias="OPENAI_BASE_URL")] = None
    smtp_url: Annotated[str | None, Field(alias="CASELOOP_SMTP_URL")] = None
    smtp_sender: Annotated[str, Field(alias="CASELOOP_SMTP_FROM")] = "support@caseloop.local"
    max_message_chars: Annotated[int, Field(alias="CASELOOP_MAX_MESSAGE_CHARS", ge=1)] = 4000
    frame_ancestors: Annotated[str, Field(alias="CASELOOP_FRAME_ANCESTORS")] = "'self'"
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
    backend_url: Annotated[str | None, Field(alias="CASELOOP_BACKEND_URL")] = None
    backend_token: Annotated[str | None, Field(alias="CASELOOP_BACKEND_TOKEN")] = None
    backend_timeout: Annotated[float, Field(alias="CASELOOP_BACKEND_TIMEOUT", gt=0)] = 5.0
    """Seconds each attempt of a backend call may take."""
    public_url: Annotated[str | None, Field(alias="CASELOOP_PUBLIC_URL")] = None
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
    twilio_api_url: Annotated[str, Field(alias="TWILIO_API_URL")] = "https://api.twilio.com"
    whatsapp_templates: Annotated[dict[str, str], Field(alias="CASELOOP_WHATSAPP_TEMPLATES")] = {}
    """Message kind → approved template `ContentSid`, for messages outside the 24-hour window."""

    telegram_bot_token: Annotated[str | None, Field(alias="TELEGRAM_BOT_TOKEN")] = None
    telegram_webhook_secret: Annotated[str | None, Field(alias="TELEGRAM_WEBHOOK_SECRET")] = None
    telegram_api_url: Annotated[str, Field(alias="TELEGRAM_API_URL")] = "https://api.telegram.org"
    telegram_mode: Annotated[TelegramMode, Field(alias="CASELOOP_TELEGRAM_MODE")] = "webhook"

    slack_bot_token: Annotated[str | None, Field(alias="SLACK_BOT_TOKEN")] = None
    slack_signing_secret: Annotated[str | None, Field(alias="SLACK_SIGNING_SECRET")] = None
    slack_escalation_channel: Annotated[str | None, Field(alias="SLACK_ESCALATION_CHANNEL")] = None
    slack_approvers: Annotated[str, Field(alias="SLACK_APPROVERS")] = ""
    """Comma-separated Slack user ids allowed to approve or deny."""
    slack_agents: Annotated[str, Field(alias="SLACK_AGENTS")] = ""
    """Comma-separated Slack user ids allowed to take over and hand back; empty: anyone in the
    escalation channel."""
    slack_api_url: Annotated[str, Field(alias="SLACK_API_URL")] = "https://slack.com/api/"
    slack_app_token: Annotated[str | None, Field(alias="SLACK_APP_TOKEN")] = None
    slack_mode: Annotated[SlackMode, Field(alias="CASELOOP_SLACK_MODE")] = "http"

    admin_token: Annotated[str | None, Field(alias="CASELOOP_ADMIN_TOKEN", min_length=16)] = None
    """Opens the operator console; generated at start (and logged) when not set."""
    approval_ttl_hours: Annotated[float, Field(alias="CASELOOP_APPROVAL_TTL_HOURS", gt=0)] = 72
    two_approvers_above: Annotated[
        Decimal, Field(alias="CASELOOP_TWO_APPROVERS_ABOVE", ge=0)] = Decimal("500")
    """Refunds above this amount need two different approvers."""

    events_secret: Annotated[str | None, Field(alias="CASELOOP_EVENTS_SECRET", min_length=16)] = (
        None)
    """Turns on `POST /events`: the key of the HMAC-SHA256 signature each event carries."""
    playbooks_file: Annotated[Path, Field(alias="CASELOOP_PLAYBOOKS")] = (
        DEFAULTS_DIR / "playbooks.toml")
    quiet_hours: Annotated[str, Field(alias="CASELOOP_QUIET_HOURS")] = "21-08"
    """Local hours (`21-08`, `21:30-07:45`, or `off`) in which outreach waits."""
    default_timezone: Annotated[str, Field(alias="CASELOOP_DEFAULT_TIMEZONE")] = "UTC"
    """The time zone of customers whose record names none."""
    outreach_daily_cap: Annotated[int, Field(alias="CASELOOP_OUTREACH_DAILY_CAP", ge=0)] = 2
    """The most proactive messages one customer gets in one (local) day."""

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", *POSTGRES_SCHEMES)):
            raise ValueError("must look like sqlite:///path/to/file.db or "
                             "postgresql://user:password@host:5432/name")
        return value

    @field_validator("demo_data", "policy_file")
    @classmethod
    def _file_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("playbooks_file")
    @classmethod
    def _playbooks_valid(cls, value: Path) -> Path:
        try:
            load_playbooks(value)
        except PlaybookError as problem:
            raise ValueError(str(problem)) from None
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _frame_ancestors(cls, value: str) -> str:
        sources = value.split()
        usable = all(_FRAME_SOURCE.fullmatch(source) and source.lower() not in ("self", "none")
                     for source in sources)  # unquoted, they would name a host
        if not sources or not usable:
            raise ValueError("must be CSP frame-ancestors sources separated by spaces, e.g. "
                             "'self' https://shop.example.com (or 'none')")
        return " ".join(sources)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        QuietHours.parse(value)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone, e.g. Europe/Paris or UTC") from None
        return value

    @field_validator("knowledge_dir")
    @classmethod
    def _dir_exists(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"no such directory: {value}")
        return value

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        if value and value != "offline" and not value.startswith("openai:"):
            raise ValueError("must be 'offline' or 'openai:<model name>'")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must look like smtp://host:port or smtps://user:pass@host:port")
        return value

    @field_validator("public_url", "twilio_api_url", "telegram_api_url", "backend_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("slack_api_url")
    @classmethod
    def _slack_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"\d+:[\w-]+", value):
            raise ValueError("must look like 123456:ABC-token (as BotFather gives it)")
        return value

    @model_validator(mode="after")
    def _channels_complete(self) -> Settings:
        twilio = (self.twilio_account_sid, self.twilio_auth_token, self.twilio_whatsapp_from)
        if any(twilio) and not all(twilio):
            raise ValueError("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM "
                             "are needed together")
        if all(twilio) and not self.public_url:
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
        return bool(self.twilio_account_sid)

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
        return frozenset(part.strip() for part in self.slack_approvers.split(",") if part.strip())

    @property
    def slack_agent_ids(self) -> frozenset[str]:
        """The Slack user ids in `SLACK_AGENTS` (empty: anyone in the escalation channel)."""
        return frozenset(part.strip() for part in self.slack_agents.split(",") if part.strip())

    @property
    def uses_postgres(self) -> bool:
        """True when `DATABASE_URL` is a PostgreSQL URL."""
        return self.database_url.startswith(POSTGRES_SCHEMES)

    @property
    def database_path(self) -> Path:
        """The SQLite file holding Caseloop's own tables (SQLite only)."""
        if self.uses_postgres:
            raise ValueError("DATABASE_URL is a PostgreSQL URL, not a file")
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def database_label(self) -> str:
        """The database as the log may show it: a file, or a PostgreSQL URL without password."""
        if not self.uses_postgres:
            return str(self.database_path)
        parts = urlsplit(self.database_url)
        if parts.password is None:
            return self.database_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def checkpoints_path(self) -> Path:
        """The SQLite file beside the database that holds LangGraph checkpoints."""
        path = self.database_path
        return path.with_name(f"{path.stem}.checkpoints{path.suffix or '.db'}")

    @property
    def model_name(self) -> str:
        """The chat model in use: an explicit choice, else OpenAI with a key, else offline."""
        if self.model:
            return self.model
        return "openai:gpt-4o-mini" if self.openai_api_key else "offline"


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning a validation failure into an error naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
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
