"""The process's log: one JSON object per line (or plain text), redacted, with correlation ids.

A JSON line has `time` (UTC, ISO 8601), `level`, `logger`, `message`, `correlation_id` (the
request id or customer thread, or null) and, for a failure, `exception` (the traceback).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.logs.correlation import correlation_id
from bot.logs.log_redaction import RedactSecrets, redact

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(correlation)s: %(message)s"
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class Correlate(logging.Filter):
    """Stamps each record with the current correlation id (`record.correlation_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id"):
            value = correlation_id.get()
            record.correlation_id = redact(value) if value else None
        record.correlation = f" [{record.correlation_id}]" if record.correlation_id else ""
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def install_logging(log_format: str = "text", level: int = logging.INFO,
                    stream: TextIO | None = None) -> logging.Handler:
    """Send every record, the web server's included, through one redacting handler.

    Args:
        log_format: `json` (one object per line) or `text`.
        level: The least severe level written.
        stream: Where lines go (standard error by default).
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactSecrets())
    handler.addFilter(Correlate())
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
        server_logger.setLevel(logging.NOTSET)
    return handler
