"""Web chat sessions: an unguessable token for the browser, a stable id for the conversation."""

from __future__ import annotations

import hashlib
import secrets

from bot.storage.database import Database, isoformat, utcnow


class WebchatSessions:
    """Creates and resolves web chat session tokens; only their hashes are stored."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create(self) -> tuple[str, str]:
        """A new session: returns (session id, token). The token is shown once."""
        token = secrets.token_urlsafe(32)
        session_id = f"ws_{secrets.token_hex(8)}"
        await self._db.execute(
            "INSERT INTO webchat_sessions (id, token_hash, created_at) VALUES (?, ?, ?)",
            (session_id, _hash(token), isoformat(utcnow())),
        )
        return session_id, token

    async def resolve(self, token: str) -> str | None:
        """The session id a token belongs to, or None for an unknown token."""
        if not token or len(token) > 128:
            return None
        row = await self._db.fetchone(
            "SELECT id FROM webchat_sessions WHERE token_hash = ?", (_hash(token),)
        )
        return row["id"] if row else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
