"""Checks of single setting values: each returns the value to keep, or raises `ValueError`."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.outreach.playbooks import PlaybookError, load_playbooks
from bot.outreach.quiet_hours import QuietHours

_FRAME_SOURCE = re.compile(r"'self'|'none'|https?:|(?:https?://)?(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?")
"""One CSP `frame-ancestors` source: a keyword, a scheme, or a host with optional scheme and
port; nothing that could end the directive (`;`, `,`, quotes)."""


def existing_file(value: Path) -> Path:
    """A path that names a file."""
    if not value.is_file():
        raise ValueError(f"no such file: {value}")
    return value


def existing_dir(value: Path) -> Path:
    """A path that names a directory."""
    if not value.is_dir():
        raise ValueError(f"no such directory: {value}")
    return value


def valid_playbooks(value: Path) -> Path:
    """A playbooks file that loads."""
    try:
        load_playbooks(value)
    except PlaybookError as problem:
        raise ValueError(str(problem)) from None
    return value


def frame_sources(value: str) -> str:
    """CSP `frame-ancestors` sources, separated by single spaces."""
    sources = value.split()
    usable = all(_FRAME_SOURCE.fullmatch(source) and source.lower() not in ("self", "none")
                 for source in sources)  # unquoted, they would name a host
    if not sources or not usable:
        raise ValueError("must be CSP frame-ancestors sources separated by spaces, e.g. "
                         "'self' https://shop.example.com (or 'none')")
    return " ".join(sources)


def quiet_hours(value: str) -> str:
    """Quiet hours `QuietHours.parse` reads."""
    QuietHours.parse(value)
    return value


def time_zone(value: str) -> str:
    """An IANA time zone name."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone, e.g. Europe/Paris or UTC") from None
    return value


def model_choice(value: str | None) -> str | None:
    """`offline` or `openai:<model name>` (or nothing: the default)."""
    if value and value != "offline" and not value.startswith("openai:"):
        raise ValueError("must be 'offline' or 'openai:<model name>'")
    return value


def smtp_url(value: str | None) -> str | None:
    """An `smtp://` or `smtps://` URL."""
    if value and not value.startswith(("smtp://", "smtps://")):
        raise ValueError("must look like smtp://host:port or smtps://user:pass@host:port")
    return value


def http_url(value: str | None) -> str | None:
    """An http(s) URL, without a trailing slash."""
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value.rstrip("/") if value else value


def slack_api_url(value: str) -> str:
    """An http(s) URL ending in a slash, as slack_sdk joins method names to it."""
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value if value.endswith("/") else value + "/"


def telegram_secret(value: str | None) -> str | None:
    """A webhook secret Telegram accepts."""
    if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
        raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    return value


def telegram_token(value: str | None) -> str | None:
    """A bot token shaped as BotFather gives it."""
    if value and not re.fullmatch(r"\d+:[\w-]+", value):
        raise ValueError("must look like 123456:ABC-token (as BotFather gives it)")
    return value


def id_set(value: str) -> frozenset[str]:
    """The ids in a comma-separated list, blanks dropped."""
    return frozenset(part.strip() for part in value.split(",") if part.strip())
