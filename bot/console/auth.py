"""Who is at the console: the admin token, session cookies that never hold it, form tokens.

A session cookie is `<name>.<issued>.<mac>`: the operator's name (base64url), when they signed in
(Unix seconds) and an HMAC-SHA256 of both keyed with the admin token. Changing the token signs
everyone out; nobody can forge a cookie without it, and the cookie never reveals it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

SESSION_COOKIE = "caseloop_console"
FLASH_COOKIE = "caseloop_console_flash"
SESSION_SECONDS = 12 * 3600
"""How long a sign-in lasts."""
API_NAME = "api"
"""The operator name of a script that sends the token and no `X-Caseloop-Operator`."""
NAME_RULE = "1 to 40 letters, digits, spaces or . _ - @ '"
_NAME = re.compile(r"[\w .@'-]{1,40}")


@dataclass(frozen=True)
class Operator:
    """A person (or script) signed in to the console."""

    name: str
    via: str
    """`cookie` (signed in through the form) or `bearer` (the token in `Authorization`)."""
    session: str | None = None
    """The session cookie's value, which the forms' anti-forgery token is derived from."""

    @property
    def actor(self) -> str:
        """How the desk and the audit trail name this operator."""
        return f"console:{self.name}"


def clean_name(raw: str) -> str | None:
    """The operator's name with spaces tidied, or None when it breaks `NAME_RULE`."""
    name = " ".join(raw.split())
    return name if _NAME.fullmatch(name) else None


def token_matches(given: str, token: str) -> bool:
    """True when `given` is the admin token (compared in constant time)."""
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if that is what it is."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def issue_session(name: str, token: str, now: float) -> str:
    """A session cookie value for `name`, signed with the admin token."""
    payload = f"{_encode(name)}.{int(now)}"
    return f"{payload}.{_mac(token, 'session', payload)}"


def read_session(value: str, token: str, now: float) -> str | None:
    """The operator's name in a session cookie, or None when it is forged, stale or garbled."""
    parts = value.split(".")
    if len(parts) != 3:
        return None
    encoded, issued, mac = parts
    if not hmac.compare_digest(mac, _mac(token, "session", f"{encoded}.{issued}")):
        return None
    if not issued.isdigit() or not 0 <= now - int(issued) <= SESSION_SECONDS:
        return None
    name = _decode(encoded)
    return name if name is not None and clean_name(name) == name else None


def form_token(session: str, token: str) -> str:
    """The anti-forgery value every console form carries for its session."""
    return _mac(token, "form", session)[:32]


def form_token_matches(given: str, session: str, token: str) -> bool:
    """True when a posted form came from a page served to this session."""
    return hmac.compare_digest(given.encode("utf-8"), form_token(session, token).encode("utf-8"))


def sign_flash(text: str, token: str) -> str:
    """A cookie value carrying a one-line notice to the next page."""
    encoded = _encode(text[:300])
    return f"{encoded}.{_mac(token, 'flash', encoded)}"


def read_flash(value: str, token: str) -> str | None:
    """The notice in a flash cookie, or None when it was not set by us."""
    encoded, _, mac = value.partition(".")
    if not hmac.compare_digest(mac, _mac(token, "flash", encoded)):
        return None
    return _decode(encoded)


def _mac(token: str, purpose: str, payload: str) -> str:
    message = f"caseloop-console:{purpose}:{payload}".encode()
    return hmac.new(token.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(encoded: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
