"""Operator accounts in their table: links kept only as hashes, used once, revoked at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.desk.operators import Approvers, OperatorError, Operators
from bot.storage.database import Database, utcnow
from tests.databases import database_url


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(database_url(tmp_path))
    yield opened
    await opened.close()


async def stored_text(database: Database) -> str:
    rows = await database.fetchall("SELECT * FROM operators")
    return " ".join(str(value) for row in rows for value in tuple(row))


async def test_a_link_is_stored_only_as_a_hash_and_used_once(database):
    accounts = Operators(database)
    account, token = await accounts.add("  Ana   Ruiz ", approver=True)
    assert (account.name, account.approver, account.signed_in_at) == ("Ana Ruiz", True, None)
    assert token not in await stored_text(database)
    assert (await accounts.link_holder(token)).name == "Ana Ruiz"
    used = await accounts.redeem(token)
    assert used is not None
    signed, secret = used
    assert signed.signed_in_at is not None and signed.link_expires_at is None
    assert secret not in await stored_text(database)
    assert (await accounts.signed_in(secret)).name == "Ana Ruiz"
    assert await accounts.redeem(token) is None
    assert await accounts.link_holder(token) is None


async def test_names_are_one_per_person_whatever_their_case(database):
    accounts = Operators(database)
    await accounts.add("Ana", approver=False)
    for name, refusal in (("ana", "Ana already has an account"), ("admin", "reserved"),
                          ("API", "reserved"), ("", "A name is"), ("x" * 41, "A name is"),
                          ("ana<script>", "A name is")):
        with pytest.raises(OperatorError, match=refusal):
            await accounts.add(name, approver=True)
    assert [a.name for a in await accounts.accounts()] == ["Ana"]


async def test_revoking_ends_link_and_session_and_a_new_account_may_follow(database):
    accounts = Operators(database)
    _, token = await accounts.add("Ana", approver=True)
    _, secret = await accounts.redeem(token)
    _, unused = await accounts.issue_link("ana")
    assert await accounts.signed_in(secret) is None  # a new link ends the session
    revoked = await accounts.revoke("ANA")
    assert revoked.revoked_at is not None
    assert await accounts.redeem(unused) is None
    for refused in (accounts.revoke("Ana"), accounts.issue_link("Ana")):
        with pytest.raises(OperatorError, match="was revoked"):
            await refused
    with pytest.raises(OperatorError, match="There is no account named Bo"):
        await accounts.issue_link("Bo")
    again, token = await accounts.add("ana", approver=False)
    assert (again.name, again.approver, again.revoked_at) == ("ana", False, None)
    assert await accounts.redeem(token) is not None
    assert await accounts.any_accounts()


async def test_a_link_expires_unused(database):
    then = Operators(database, clock=lambda: utcnow() - timedelta(hours=72, seconds=1))
    _, token = await then.add("Ana", approver=True)
    assert await Operators(database).redeem(token) is None


async def test_who_may_decide(database):
    accounts = Operators(database)
    approvers = Approvers(frozenset({"U0ALICE"}), accounts)
    assert not approvers.allows("console:someone")  # no such account
    assert approvers.allows("console:admin")  # the admin token
    _, ana = await accounts.add("Ana", approver=True)
    _, bo = await accounts.add("Bo", approver=False)
    assert [approvers.allows(actor) for actor in (
        "slack:U0ALICE", "slack:U0BOB", "console:admin", "console:Ana", "console:Bo",
        "console:someone", "console:", "agent", "other:Ana")] == [
        True, False, True, True, False, False, False, False, False]
    await accounts.revoke("Ana")
    assert not approvers.allows("console:Ana")
