"""Consent to proactive messages: STOP opts a customer out of outreach, START opts them back in.

A keyword counts only as the whole message ("STOP", "stop!", "Unsubscribe"), on any channel.
It is recorded for the address it came from and, once that address is linked, for the customer,
so outreach on any of their channels respects it. Answers to the customer's own messages are
never held back: consent is about Caseloop writing first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from bot.storage.database import Database, isoformat, utcnow

Keyword = Literal["opt_out", "opt_in"]

OPT_OUT_WORDS = frozenset({"stop", "stopall", "unsubscribe", "optout", "opt out", "quit", "end"})
OPT_IN_WORDS = frozenset({"start", "unstop", "subscribe", "optin", "opt in"})
OPTED_OUT = (
    "Understood: we won't message you first any more. You can still write to us here any time, "
    "and reply START if you change your mind."
)
OPTED_IN = (
    "Welcome back: we'll let you know when something needs your attention, like a delayed "
    "order. Reply STOP to opt out."
)
_NOISE = re.compile(r"[^\w\s]")


def consent_keyword(text: str) -> Keyword | None:
    """`opt_out` or `opt_in` when the whole message is such a keyword, else None."""
    words = " ".join(_NOISE.sub(" ", text.lower()).split())
    if words in OPT_OUT_WORDS:
        return "opt_out"
    if words in OPT_IN_WORDS:
        return "opt_in"
    return None


def customer_subject(customer_id: str) -> str:
    """The consent record of a customer, whichever channel they use."""
    return f"customer:{customer_id}"


def address_subject(channel: str, address: str) -> str:
    """The consent record of one channel address (linked to a customer or not)."""
    return f"{channel}:{address}"


class Consent:
    """Who asked not to be messaged first."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(self, subjects: Iterable[str], opted_out: bool) -> None:
        """Note an opt-out (or opt-in) for each subject."""
        now = isoformat(utcnow())
        async with self._db.transaction() as connection:
            for subject in dict.fromkeys(subjects):
                await connection.execute(
                    "INSERT INTO consent (subject, opted_out, at) VALUES (?, ?, ?) "
                    "ON CONFLICT (subject) DO UPDATE SET opted_out = excluded.opted_out, "
                    "at = excluded.at", (subject, int(opted_out), now))

    async def opted_out(self, subjects: Iterable[str]) -> bool:
        """True when any of the subjects opted out (and did not opt back in)."""
        wanted = list(dict.fromkeys(subjects))
        if not wanted:
            return False
        marks = ", ".join("?" * len(wanted))
        row = await self._db.fetchone(
            f"SELECT COUNT(*) AS n FROM consent WHERE opted_out = 1 AND subject IN ({marks})",
            wanted)
        return bool(row and row["n"])
