"""Operator accounts: people signed in to the console by a one-time link, and who may decide.

An account has a name (who the audit trail says acted, `console:<name>`), whether it may approve
or deny, and at most one unused sign-in link and one signed-in browser. Only SHA-256 hashes of
the link's token and of the session's secret are stored. Using the link replaces it with a
session; a new link ends the session; revoking ends both at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.database import Database, Row, isoformat, utcnow

NAME_RULE = "1 to 40 letters, digits, spaces or . _ - @ '"
ADMIN_NAME = "admin"
"""Who the admin token acts as, in the console and in the audit trail (`console:admin`)."""
RESERVED_NAMES = frozenset({ADMIN_NAME, "api"})
"""Not account names: `admin` is the admin token; `api` named scripts before accounts existed."""
LINK_HOURS = 72
"""How long an unused sign-in link works."""
_NAME = re.compile(r"[\w .@'-]{1,40}")
_COLUMNS = "name, approver, created_at, signed_in_at, revoked_at, link_expires_at"


class OperatorError(ValueError):
    """An account operation that cannot be done; the message says why, in a sentence."""


@dataclass(frozen=True)
class Account:
    """A person who may sign in to the console (never any token or secret)."""

    name: str
    approver: bool
    """May approve or deny requests; everyone may view, take over, reply and hand back."""
    created_at: str
    signed_in_at: str | None
    """When their latest sign-in link was used."""
    revoked_at: str | None
    link_expires_at: str | None
    """When their unused sign-in link stops working; None when there is none."""

    @property
    def actor(self) -> str:
        """How the desk and the audit trail name this person."""
        return f"console:{self.name}"


def clean_name(raw: str) -> str | None:
    """An operator's name with spaces tidied, or None when it breaks `NAME_RULE`."""
    name = " ".join(raw[:200].split())
    return name if _NAME.fullmatch(name) else None


class Operators:
    """The `operators` table: accounts, their sign-in links and sessions.

    It also remembers, in this process, which accounts may decide as last read from the
    database (`may_decide`): the console reads the account behind every request it serves.
    """

    def __init__(self, database: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = database
        self._clock = clock
        self._deciders: dict[str, bool] = {}

    async def add(self, name: str, *, approver: bool) -> tuple[Account, str]:
        """A new account and the token of its one-time sign-in link.

        A revoked account's name may be given again: the new account replaces it.

        Raises:
            OperatorError: the name is not allowed, or someone active already has it.
        """
        clean = clean_name(name)
        if clean is None:
            raise OperatorError(f"A name is {NAME_RULE}.")
        if clean.lower() in RESERVED_NAMES:
            raise OperatorError(f"{clean} is reserved: choose another name.")
        token, now = secrets.token_urlsafe(32), self._clock()
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "SELECT name, revoked_at FROM operators WHERE lower(name) = lower(?)", (clean,))
            found = await cursor.fetchone()
            if found is not None and found["revoked_at"] is None:
                raise OperatorError(f"{found['name']} already has an account; "
                                    f"{_command('link', found['name'])} gives a new link.")
            if found is not None:
                await connection.execute("DELETE FROM operators WHERE name = ?", (found["name"],))
            await connection.execute(
                "INSERT INTO operators (name, approver, token_hash, link_expires_at, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (clean, int(approver), _hash("link", token), _expiry(now), isoformat(now)))
        return await self._reread(clean), token

    async def issue_link(self, name: str) -> tuple[Account, str]:
        """A fresh one-time sign-in link for an account; its old link and session stop working.

        Raises:
            OperatorError: there is no such account, or it was revoked.
        """
        account = await self._named(name)
        token = secrets.token_urlsafe(32)
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE operators SET token_hash = ?, link_expires_at = ?, session_hash = NULL "
                "WHERE name = ? AND revoked_at IS NULL",
                (_hash("link", token), _expiry(self._clock()), account.name))
            if cursor.rowcount != 1:
                raise OperatorError(f"{account.name} was revoked just now.")
        return await self._reread(account.name), token

    async def revoke(self, name: str) -> Account:
        """End an account: its session and its link stop working at once.

        Raises:
            OperatorError: there is no such account, or it was revoked already.
        """
        account = await self._named(name)
        await self._db.execute(
            "UPDATE operators SET revoked_at = ?, token_hash = NULL, link_expires_at = NULL, "
            "session_hash = NULL WHERE name = ? AND revoked_at IS NULL",
            (isoformat(self._clock()), account.name))
        return await self._reread(account.name)

    async def accounts(self) -> list[Account]:
        """Every account, by name."""
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM operators ORDER BY lower(name)")
        return [_account(row) for row in rows]

    async def any_accounts(self) -> bool:
        """True once anyone was given an account (revoked ones count)."""
        return await self._db.fetchone("SELECT 1 FROM operators LIMIT 1") is not None

    async def link_holder(self, token: str) -> Account | None:
        """Whose unused, unexpired sign-in link this is (the link stays unused)."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM operators WHERE token_hash = ? AND revoked_at IS NULL "
            "AND link_expires_at > ?", (_hash("link", token), isoformat(self._clock())))
        return _account(row) if row is not None else None

    async def redeem(self, token: str) -> tuple[Account, str] | None:
        """Use up a sign-in link: the account and its new session's secret, or None."""
        secret, now = secrets.token_urlsafe(32), isoformat(self._clock())
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE operators SET token_hash = NULL, link_expires_at = NULL, "
                "session_hash = ?, signed_in_at = ? WHERE token_hash = ? "
                "AND revoked_at IS NULL AND link_expires_at > ?",
                (_hash("session", secret), now, _hash("link", token), now))
            if cursor.rowcount != 1:
                return None
        account = await self.signed_in(secret)
        return (account, secret) if account is not None else None

    async def signed_in(self, secret: str) -> Account | None:
        """The active account whose session this is; refreshes who may decide."""
        await self._remember_deciders()
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM operators WHERE session_hash = ? AND revoked_at IS NULL",
            (_hash("session", secret),))
        return _account(row) if row is not None else None

    def may_decide(self, name: str) -> bool:
        """Whether `console:<name>` may approve or deny, as last read from the database
        (`refresh`): only an active approver account may."""
        return self._deciders.get(name, False)

    async def refresh(self) -> None:
        """Read again who may decide (another process may have added or revoked accounts)."""
        await self._remember_deciders()

    async def _named(self, name: str) -> Account:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM operators WHERE lower(name) = lower(?)", (name.strip(),))
        if row is None:
            raise OperatorError(f"There is no account named {name.strip()}.")
        account = _account(row)
        if account.revoked_at is not None:
            raise OperatorError(f"{account.name} was revoked on {account.revoked_at}; "
                                f"{_command('add', account.name)} gives a new account.")
        return account

    async def _reread(self, name: str) -> Account:
        await self._remember_deciders()
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM operators WHERE name = ?", (name,))
        assert row is not None
        return _account(row)

    async def _remember_deciders(self) -> None:
        rows = await self._db.fetchall("SELECT name, approver, revoked_at FROM operators")
        self._deciders = {row["name"]: bool(row["approver"]) and row["revoked_at"] is None
                          for row in rows}


@dataclass(frozen=True)
class Approvers:
    """Who may approve or deny: listed Slack users, the admin token, approver accounts."""

    slack: frozenset[str]
    """Slack user ids in `SLACK_APPROVERS`."""
    accounts: Operators

    def allows(self, actor: str) -> bool:
        """Whether `slack:<user id>` or `console:<name>` may decide."""
        kind, _, who = actor.partition(":")
        if kind == "slack":
            return who in self.slack
        if kind != "console" or not who:
            return False
        return who == ADMIN_NAME or self.accounts.may_decide(who)


def _command(verb: str, name: str) -> str:
    return f"`caseloop operators {verb} {shlex.quote(name)}`"


def _hash(purpose: str, secret: str) -> str:
    return hashlib.sha256(f"caseloop-operator-{purpose}:{secret}".encode()).hexdigest()


def _expiry(now: datetime) -> str:
    return isoformat(now + timedelta(hours=LINK_HOURS))


def _account(row: Row) -> Account:
    return Account(name=row["name"], approver=bool(row["approver"]),
                   created_at=row["created_at"], signed_in_at=row["signed_in_at"],
                   revoked_at=row["revoked_at"], link_expires_at=row["link_expires_at"])
