"""Checking that a webhook, or a WebSocket handshake, came from Twilio, with Twilio's own
`RequestValidator`."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def webhook_url(public_url: str, path: str, query: str = "") -> str:
    """The URL Twilio called and signed: the public base URL, not the one the proxy forwarded."""
    url = public_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


class SignatureChecker:
    """Validates `X-Twilio-Signature` for one account's auth token.

    Args:
        auth_token: The Twilio account's auth token (the signing key).
    """

    def __init__(self, auth_token: str) -> None:
        self._validator = RequestValidator(auth_token)

    def is_valid(self, url: str, form: Mapping[str, str], signature: str | None) -> bool:
        """True when `signature` is Twilio's signature of this URL and form; False if absent."""
        if not signature:
            return False
        return bool(self._validator.validate(url, dict(form), signature))

    def handshake_is_valid(self, url: str, signature: str | None) -> bool:
        """True when `signature` signs the WebSocket URL Twilio connected to (no body)."""
        return self.is_valid(url, {}, signature)
