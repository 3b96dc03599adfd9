"""Who is at the console: the admin token, session cookies that never hold it, form tokens.

A session cookie is `<subject>.<issued>.<mac>`: whose session it is (base64url), when it began
(Unix seconds) and an HMAC-SHA256 of both keyed with the admin token. The subject is `admin` for
the admin token's own sign-in, or `account:<secret>` for an operator account, whose secret's hash
the account holds (`bot/desk/operators.py`). Changing the token signs everyone out; nobody can forge
a cookie without it, and the cookie never reveals it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from bot.desk.operators import ADMIN_NAME

SESSION_COOKIE = "caseloop_console"
FLASH_COOKIE = "caseloop_console_flash"
SESSION_SECONDS = 12 * 3600
"""How long a sign-in with the admin token lasts."""
ACCOUNT_SESSION_SECONDS = 30 * 24 * 3600
"""How long an account's sign-in lasts (revoking it, or a new link, ends it at once)."""
_ACCOUNT = "account:"


@dataclass(frozen=True)
class Operator:
    """A person (or script) signed in to the console."""

    name: str
    via: str
    """`cookie` (a browser's session) or `bearer` (the admin token in `Authorization`)."""
    approver: bool
    """May approve or deny."""
    session: str | None = None
    """The session cookie's value, which the forms' anti-forgery token is derived from."""

    @property
    def actor(self) -> str:
        """How the desk and the audit trail name this operator."""
        return f"console:{self.name}"


@dataclass(frozen=True)
class Session:
    """What a genuine session cookie says."""

    subject: str
    issued: int

    @property
    def account_secret(self) -> str | None:
        """The account's session secret, or None for the admin token's session."""
        return self.subject.removeprefix(_ACCOUNT) if self.subject.startswith(_ACCOUNT) else None

    def current(self, now: float) -> bool:
        """True while the session has not run out."""
        if self.subject == ADMIN_NAME:
            return 0 <= now - self.issued <= SESSION_SECONDS
        return self.account_secret is not None and 0 <= now - self.issued <= (
            ACCOUNT_SESSION_SECONDS)


def account_subject(secret: str) -> str:
    """The session subject of an account's signed-in browser."""
    return f"{_ACCOUNT}{secret}"


def token_matches(given: str, token: str) -> bool:
    """True when `given` is the admin token (compared in constant time)."""
    return _same(given, token)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if that is what it is."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def issue_session(subject: str, token: str, now: float) -> str:
    """A session cookie value for `subject`, signed with the admin token."""
    payload = f"{_encode(subject)}.{int(now)}"
    return f"{payload}.{_mac(token, 'session', payload)}"


def read_session(value: str, token: str, now: float) -> Session | None:
    """What a session cookie says, or None when it is forged, run out or garbled."""
    parts = value.split(".")
    if len(parts) != 3:
        return None
    encoded, issued, mac = parts
    if not _same(mac, _mac(token, "session", f"{encoded}.{issued}")):
        return None
    subject = _decode(encoded)
    if subject is None or not issued.isdigit():
        return None
    session = Session(subject, int(issued))
    return session if session.current(now) else None


def form_token(session: str, token: str) -> str:
    """The anti-forgery value every console form carries for its session."""
    return _mac(token, "form", session)[:32]


def form_token_matches(given: str, session: str, token: str) -> bool:
    """True when a posted form came from a page served to this session."""
    return _same(given, form_token(session, token))


def sign_flash(text: str, token: str) -> str:
    """A cookie value carrying a one-line notice to the next page."""
    encoded = _encode(text[:300])
    return f"{encoded}.{_mac(token, 'flash', encoded)}"


def read_flash(value: str, token: str) -> str | None:
    """The notice in a flash cookie, or None when it was not set by us."""
    encoded, _, mac = value.partition(".")
    if not _same(mac, _mac(token, "flash", encoded)):
        return None
    return _decode(encoded)


def _same(given: str, expected: str) -> bool:
    """Compared in constant time, whatever characters `given` holds."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


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
