"""`DATABASE_URL`: which engine it names, the SQLite file it points at, how the log shows it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"


def is_postgres_url(url: str) -> bool:
    """True for a `postgresql://` (or `postgres://`) URL."""
    return url.startswith(POSTGRES_SCHEMES)


def check_database_url(url: str) -> str:
    """The URL, when it names an SQLite file or a PostgreSQL database.

    Raises:
        ValueError: it names neither.
    """
    if not url.startswith((SQLITE_SCHEME, *POSTGRES_SCHEMES)):
        raise ValueError("must look like sqlite:///path/to/file.db or "
                         "postgresql://user:password@host:5432/name")
    return url


def sqlite_path(url: str) -> Path:
    """The SQLite file an `sqlite:///` URL names.

    Raises:
        ValueError: the URL is a PostgreSQL URL.
    """
    if is_postgres_url(url):
        raise ValueError("DATABASE_URL is a PostgreSQL URL, not a file")
    return Path(url.removeprefix(SQLITE_SCHEME))


def redacted_label(url: str) -> str:
    """The database as the log may show it: a file, or a PostgreSQL URL without password."""
    if not is_postgres_url(url):
        return str(sqlite_path(url))
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def checkpoints_beside(database: Path) -> Path:
    """The SQLite file beside `database` that holds LangGraph checkpoints."""
    return database.with_name(f"{database.stem}.checkpoints{database.suffix or '.db'}")
