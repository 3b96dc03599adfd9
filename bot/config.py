"""Settings: one object, read from environment variables and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULTS_DIR = Path(__file__).parent / "defaults"


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

    @field_validator("database_url")
    @classmethod
    def _sqlite_only(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("must look like sqlite:///path/to/file.db")
        return value

    @field_validator("demo_data", "policy_file")
    @classmethod
    def _file_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"no such file: {value}")
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

    @property
    def database_path(self) -> Path:
        """The SQLite file holding Caseloop's own tables."""
        return Path(self.database_url.removeprefix("sqlite:///"))

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
            field = str(item["loc"][0]) if item["loc"] else "?"
            variable = _variable_name(field)
            problems.append(f"{variable}: {item['msg']} (got {item.get('input')!r})")
        raise SettingsError("Invalid setting — " + "; ".join(problems)) from None


def _variable_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    return info.alias if info is not None and info.alias else field
