"""Signing business events: an HMAC-SHA256 of the raw request body under a shared secret.

The sender computes `sha256=<hex digest>` over the exact bytes it posts and sends it as
`X-Caseloop-Signature`, as GitHub and Stripe sign their webhooks; Caseloop recomputes it and
compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Caseloop-Signature"
PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The header value that signs `body`: `sha256=` and the HMAC's hex digest."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def is_signed(secret: str, body: bytes, header: str | None) -> bool:
    """True when `header` is the signature of `body` under `secret`; False when absent."""
    if not header:
        return False
    given = header.strip().lower().encode("utf-8", errors="replace")
    return hmac.compare_digest(sign(secret, body).encode("ascii"), given)
