"""Keeps secrets and personal data out of the log: tokens, verification codes, addresses.

What is redacted, wherever it appears in a record (its message, its arguments, its traceback):

- values of `session=`, `token=`, `secret=`, `password=`, `api_key=`, `code=` parameters;
- `Bearer` credentials, Telegram bot tokens, Slack tokens, OpenAI-style `sk-` keys;
- six-digit numbers standing alone (the shape of a verification code);
- e-mail addresses, down to their first letter and domain (`a***@example.com`);
- phone numbers in international form, down to their last four digits (`+*******1111`).

A record whose purpose is to hand a secret to the operator says so with
`extra={"delivers_secret": True}` and keeps its tokens and codes (not its addresses). Only the
embedded defaults do this: a verification code when no SMTP server is set, and the generated
console token when `CASELOOP_ADMIN_TOKEN` is not set.
"""

from __future__ import annotations

import logging
import re

_SECRET_PARAMETER = re.compile(
    r"(?i)\b((?:session|token|access_token|secret|password|api_key|apikey|code)=)"
    r"[^&\s\"'<>]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
_KNOWN_TOKEN = re.compile(
    r"(?:(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"  # Telegram bot token, in a URL's path too
    r"|\bxox[abeoprs]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+"  # Slack tokens
    r"|\bsk-[A-Za-z0-9_-]{16,})")  # OpenAI-style API key
_CODE = re.compile(r"(?<![\w.])\d{6}(?!\w|\.\d)")
_EMAIL = re.compile(
    r"(?<![\w.%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_PHONE = re.compile(r"\+\d{4,11}(\d{4})\b")

REDACTED = "[redacted]"


def redact(text: str, *, keep_secrets: bool = False) -> str:
    """`text` with secrets and personal data replaced (see the module docstring).

    Args:
        keep_secrets: Leave tokens and codes (not addresses) as they are.
    """
    if not keep_secrets:
        text = _SECRET_PARAMETER.sub(rf"\1{REDACTED}", text)
        text = _BEARER.sub(rf"\1{REDACTED}", text)
        text = _KNOWN_TOKEN.sub(REDACTED, text)
        text = _CODE.sub("[code]", text)
    text = _EMAIL.sub(r"\1***@\2", text)
    return _PHONE.sub(lambda match: "+" + "*" * (len(match[0]) - 5) + match[1], text)


class RedactSecrets(logging.Filter):
    """Redacts a record's message, arguments and traceback before any handler writes it.

    Arguments are redacted one by one where that suffices, so formatters that read them (as
    uvicorn's access log does) still can; otherwise the message is replaced by its redacted
    text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        keep = bool(getattr(record, "delivers_secret", False))
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_argument(arg, keep) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_argument(value, keep)
                           for key, value in record.args.items()}
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the handler's to report
            return True
        redacted = redact(message, keep_secrets=keep)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _redact_argument(argument: object, keep_secrets: bool) -> object:
    """A string argument redacted; numbers as they are; anything else as its redacted text
    when its text holds something to redact."""
    if isinstance(argument, str):
        return redact(argument, keep_secrets=keep_secrets)
    if argument is None or isinstance(argument, (int, float)):
        return argument
    text = str(argument)
    redacted = redact(text, keep_secrets=keep_secrets)
    return argument if redacted == text else redacted


def redact_server_logs() -> None:
    """Install the filter on the web server's loggers."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(RedactSecrets())
