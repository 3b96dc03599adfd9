"""Checking that a call's webhook, or the relay's WebSocket handshake, came from Twilio."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


class CallSignatures:
    """Validates `X-Twilio-Signature` with Twilio's own `RequestValidator`.

    Args:
        auth_token: The Twilio account's auth token (the signing key).
    """

    def __init__(self, auth_token: str) -> None:
        self._validator = RequestValidator(auth_token)

    def webhook_is_valid(self, url: str, form: Mapping[str, str], signature: str | None) -> bool:
        """True when `signature` signs this URL and form; False when absent or wrong."""
        return bool(signature) and bool(self._validator.validate(url, dict(form), signature))

    def handshake_is_valid(self, url: str, signature: str | None) -> bool:
        """True when `signature` signs the WebSocket URL Twilio connected to (no body)."""
        return bool(signature) and bool(self._validator.validate(url, {}, signature))
