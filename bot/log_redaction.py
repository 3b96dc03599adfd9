"""Keeps secrets that travel in URLs (web chat session tokens) out of the server's logs."""

from __future__ import annotations

import logging
import re

_SECRET_QUERY = re.compile(r"((?:session|token)=)[^&\s\"']+")


class RedactSecrets(logging.Filter):
    """Replaces the values of `session=` and `token=` query parameters in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        if isinstance(record.msg, str):
            record.msg = _SECRET_QUERY.sub(r"\1[redacted]", record.msg)
        return True


def redact_server_logs() -> None:
    """Install the filter on the web server's loggers."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactSecrets())
