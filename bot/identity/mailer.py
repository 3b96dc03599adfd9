"""Sending one-time codes by e-mail (aiosmtplib), or to the log when no SMTP server is set."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

log = logging.getLogger("caseloop.mail")

CODE_SUBJECT = "Your verification code"
CODE_BODY = (
    "Your verification code is {code}.\n\n"
    "It expires in {minutes} minutes. If you did not ask for it, ignore this e-mail."
)


class Mailer:
    """Delivers verification codes.

    Args:
        smtp_url: `smtp://[user:password@]host:port` or `smtps://...`; None writes codes to
            the log instead (the embedded default).
        sender: The From address.
    """

    def __init__(self, smtp_url: str | None, sender: str) -> None:
        self._url = urlsplit(smtp_url) if smtp_url else None
        self._sender = sender

    async def send_code(self, to: str, code: str, minutes: int) -> None:
        """Send a verification code to an address."""
        body = CODE_BODY.format(code=code, minutes=minutes)
        if self._url is None:
            log.warning("No SMTP configured; verification code for %s is %s", _mask(to), code,
                        extra={"delivers_secret": True})
            return
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = CODE_SUBJECT
        message.set_content(body)
        url = self._url
        await aiosmtplib.send(
            message,
            hostname=url.hostname,
            port=url.port or (465 if url.scheme == "smtps" else 25),
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            use_tls=url.scheme == "smtps",
            start_tls=False if url.scheme == "smtp" and not url.username else None,
            timeout=10,
        )


def _mask(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"
