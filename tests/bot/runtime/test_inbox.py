"""The inbox: concurrent stores share commits, yet each is answered only once its row is in."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.runtime.inbox import MAX_BATCH, Inbox
from bot.storage.database import Database
from channels.base import InboundMessage
from tests.databases import database_url, query
from tests.fakes.capture import inbound


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(database_url(tmp_path))
    yield opened
    await opened.close()


def rows_on_disk(folder: Path) -> list[tuple]:
    """The inbox as another process sees it: only what was committed."""
    return query(database_url(folder), "SELECT id, provider_id, sender FROM inbox ORDER BY id")


async def test_a_burst_of_messages_is_stored_in_arrival_order_with_one_id_each(
    database: Database, tmp_path: Path
) -> None:
    inbox = Inbox(database)
    messages = [inbound(f"+4477009{n % 7:05d}", f"message {n}", f"SM{n:04d}")
                for n in range(MAX_BATCH + 150)]
    ids = await asyncio.gather(*(inbox.store(message) for message in messages))
    assert None not in ids
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    on_disk = rows_on_disk(tmp_path)
    assert [(row[1], row[2]) for row in on_disk] == [
        (m.provider_message_id, m.sender) for m in messages]
    assert [row[0] for row in on_disk] == ids
    assert [(await inbox.get(ids[3])).message.text] == ["message 3"]


async def test_each_store_returns_only_once_its_row_is_committed(
    database: Database, tmp_path: Path
) -> None:
    inbox = Inbox(database)

    async def store_and_look(n: int) -> bool:
        item_id = await inbox.store(inbound("+447700900001", f"hello {n}", f"SM-seen-{n}"))
        return item_id in [row[0] for row in rows_on_disk(tmp_path)]

    assert all(await asyncio.gather(*(store_and_look(n) for n in range(40))))


async def test_a_message_delivered_several_times_at_once_is_stored_once(
    database: Database, tmp_path: Path
) -> None:
    inbox = Inbox(database)
    message = inbound("+447700900002", "cancel my order", "SM-twice")
    others = [inbound("+447700900003", f"other {n}", f"SM-other-{n}") for n in range(5)]
    results = await asyncio.gather(*(inbox.store(m) for m in [message, *others, message,
                                                                message]))
    first, *rest = results
    assert first is not None
    assert rest[-2:] == [None, None]
    assert None not in rest[:-2]
    assert await inbox.store(message) is None
    assert [row[1] for row in rows_on_disk(tmp_path)].count("SM-twice") == 1


async def test_the_same_provider_id_on_two_channels_is_two_messages(database: Database) -> None:
    inbox = Inbox(database)
    ids = await asyncio.gather(inbox.store(inbound("42", "hi", "7001", channel="telegram")),
                               inbox.store(inbound("+447700900004", "hi", "7001",
                                                   channel="whatsapp")))
    assert None not in ids and ids[0] != ids[1]


def failing_transactions(database: Database, failures: list[Exception]):
    """A transaction that raises the next of `failures` at commit, while any are left."""
    real_transaction = database.transaction

    @asynccontextmanager
    async def transaction() -> AsyncIterator[object]:
        async with real_transaction() as connection:
            yield connection
            if failures:
                raise failures.pop()

    return transaction


async def test_a_failed_group_commit_is_retried_message_by_message_and_every_one_is_kept(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(database)
    failures: list[Exception] = [sqlite3.OperationalError("disk I/O error")]
    monkeypatch.setattr(database, "transaction", failing_transactions(database, failures))
    messages = [inbound("+447700900005", f"try {n}", f"SM-fail-{n}") for n in range(10)]
    results = await asyncio.gather(*(inbox.store(m) for m in messages))
    assert None not in results and len(set(results)) == 10
    assert len(rows_on_disk(tmp_path)) == 10


async def test_a_store_that_keeps_failing_fails_and_nothing_is_kept(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(database)
    failures: list[Exception] = [sqlite3.OperationalError("disk I/O error") for _ in range(20)]
    monkeypatch.setattr(database, "transaction", failing_transactions(database, failures))
    messages = [inbound("+447700900005", f"try {n}", f"SM-fail-{n}") for n in range(3)]
    results = await asyncio.gather(*(inbox.store(m) for m in messages), return_exceptions=True)
    assert all(isinstance(result, sqlite3.OperationalError) for result in results)
    assert rows_on_disk(tmp_path) == []

    failures.clear()
    retried = await asyncio.gather(*(inbox.store(m) for m in messages))
    assert None not in retried
    assert len(rows_on_disk(tmp_path)) == 3


async def test_one_row_that_cannot_be_written_fails_only_its_own_store(
    database: Database, tmp_path: Path
) -> None:
    inbox = Inbox(database)
    good = [inbound(f"+4477009001{n:02d}", f"hello {n}", f"SM-good-{n}") for n in range(19)]
    # Built without validation, as a channel bug could: its text cannot be encoded.
    bad = InboundMessage.model_construct(**{**good[0].model_dump(), "text": "\udc80 x",
                                            "provider_message_id": "SM-bad"})
    results = await asyncio.gather(*(inbox.store(m) for m in [*good[:10], bad, *good[10:]]),
                                   return_exceptions=True)
    assert isinstance(results[10], ValueError)
    assert all(isinstance(result, int) for result in results[:10] + results[11:])
    assert sorted(row[1] for row in rows_on_disk(tmp_path)) == sorted(m.provider_message_id
                                                                      for m in good)
