"""The Verifier on the real database: wrong codes and codes mailed count per customer, not chat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.business.demo_store import DemoStore
from bot.identity.attempts import LOCKOUT, MAX_FAILURES
from bot.identity.mailer import Mailer
from bot.identity.verification import CodeIssue, Verifier
from bot.storage.database import Database
from tests.clock import TestClock
from tests.databases import database_url
from tests.factories import write_shop
from tests.fakes.smtp import SmtpSink

NOOR, MEI, STRANGER = "noor.haddad@example.org", "mei.lin@example.net", "nobody@example.com"
PER_HOUR = 3


@dataclass
class Bench:
    verifier: Verifier
    smtp: SmtpSink
    clock: TestClock
    database: Database
    store: DemoStore

    async def start(self, thread: str, email: str) -> CodeIssue:
        issued = await self.verifier.start(thread, email)
        await self.verifier.drain()
        return issued

    async def resend(self, thread: str) -> CodeIssue:
        issued = await self.verifier.resend(thread)
        await self.verifier.drain()
        return issued

    async def newest_code(self, email: str) -> str:
        return await self.smtp.code_for(email, after=len(self.smtp.sent_to(email)) - 1)

    def mails(self, email: str) -> int:
        return len(self.smtp.sent_to(email))


@pytest.fixture
async def bench(tmp_path: Path, smtp: SmtpSink) -> AsyncIterator[Bench]:
    database = await Database.open(database_url(tmp_path))
    store = DemoStore(database)
    await store.seed(write_shop(tmp_path))
    clock = TestClock()
    verifier = Verifier(database, store, Mailer(smtp.url, "support@caseloop.local"),
                        codes_per_hour=PER_HOUR, clock=clock)
    yield Bench(verifier, smtp, clock, database, store)
    await verifier.drain()
    await database.close()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_mailed_code_verifies_the_customer_it_was_for(bench: Bench) -> None:
    assert (await bench.start("chat-1", NOOR)).outcome == "issued"
    checked = await bench.verifier.check("chat-1", await bench.newest_code(NOOR))
    assert (checked.outcome, checked.customer_id) == ("verified", "K-77")


async def test_wrong_codes_lock_the_customer_in_every_thread(bench: Bench) -> None:
    await bench.start("chat-1", NOOR)
    code = await bench.newest_code(NOOR)
    first = await bench.verifier.check("chat-1", wrong(code))
    assert (first.outcome, first.attempts_left) == ("wrong", MAX_FAILURES - 1)
    await bench.start("telegram-2", "Noor.Haddad@Example.org ")
    other = await bench.newest_code(NOOR)
    second = await bench.verifier.check("telegram-2", wrong(other))
    assert (second.outcome, second.attempts_left) == ("wrong", MAX_FAILURES - 2)
    third = await bench.verifier.check("chat-1", wrong(code))
    until = bench.clock() + LOCKOUT
    assert (third.outcome, third.locked_until) == ("locked", until)

    assert (await bench.verifier.check("chat-1", code)).outcome == "locked"
    assert (await bench.verifier.check("telegram-2", other)).outcome == "locked"
    assert await bench.start("chat-3", NOOR) == CodeIssue("locked", until)
    assert await bench.resend("telegram-2") == CodeIssue("locked", until)
    assert bench.mails(NOOR) == 2
    assert (await bench.start("chat-4", MEI)).outcome == "issued"


async def test_a_lockout_ends_and_counting_starts_afresh(bench: Bench) -> None:
    await bench.start("chat-1", NOOR)
    code = await bench.newest_code(NOOR)
    for _ in range(MAX_FAILURES):
        await bench.verifier.check("chat-1", wrong(code))
    bench.clock.move(seconds=LOCKOUT.total_seconds() - 1)
    assert (await bench.start("chat-2", NOOR)).outcome == "locked"
    bench.clock.move(seconds=1)
    assert (await bench.start("chat-2", NOOR)).outcome == "issued"
    fresh = await bench.newest_code(NOOR)
    assert (await bench.verifier.check("chat-2", wrong(fresh))).attempts_left == MAX_FAILURES - 1
    assert (await bench.verifier.check("chat-2", fresh)).outcome == "verified"


async def test_asking_again_mails_a_new_code_but_does_not_forgive_wrong_ones(
    bench: Bench,
) -> None:
    await bench.start("chat-1", MEI)
    first = await bench.newest_code(MEI)
    for _ in range(MAX_FAILURES - 1):
        assert (await bench.verifier.check("chat-1", wrong(first))).outcome == "wrong"
    assert (await bench.resend("chat-1")).outcome == "issued"
    second = await bench.newest_code(MEI)
    assert bench.mails(MEI) == 2
    assert (await bench.verifier.check("chat-1", wrong(second))).outcome == "locked"
    assert (await bench.verifier.check("chat-1", second)).outcome == "locked"
    assert (await bench.resend("chat-1")).outcome == "locked"
    assert bench.mails(MEI) == 2


async def test_a_code_replaced_before_it_went_out_is_not_mailed(bench: Bench) -> None:
    await bench.start("chat-1", NOOR)
    await bench.verifier.resend("chat-1")
    await bench.verifier.resend("chat-1")
    await bench.verifier.drain()
    assert bench.mails(NOOR) == 2
    assert (await bench.verifier.check("chat-1", await bench.newest_code(NOOR))).outcome == \
        "verified"


async def test_codes_per_hour_are_counted_per_customer_across_threads(bench: Bench) -> None:
    started = bench.clock()
    await bench.start("chat-1", MEI)
    bench.clock.move(minutes=5)
    await bench.resend("chat-1")
    await bench.start("chat-2", MEI)
    assert bench.mails(MEI) == PER_HOUR
    limited = CodeIssue("limited", started + timedelta(hours=1))
    assert await bench.resend("chat-2") == limited
    assert await bench.start("chat-3", MEI) == limited
    assert bench.mails(MEI) == PER_HOUR
    assert (await bench.verifier.check("chat-2", await bench.newest_code(MEI))).outcome == \
        "verified"

    bench.clock.move(minutes=55)
    assert (await bench.resend("chat-1")).outcome == "issued"
    assert bench.mails(MEI) == PER_HOUR + 1
    assert (await bench.resend("chat-1")).outcome == "limited"


async def test_an_address_not_on_file_is_answered_and_counted_alike(bench: Bench) -> None:
    async def play(email: str, thread: str) -> list[object]:
        seen: list[object] = [await bench.start(thread, email)]
        for _ in range(MAX_FAILURES):
            seen.append((await bench.verifier.check(thread, "000000")).outcome)
        seen.append(await bench.start(thread + "-again", email))
        seen.append(await bench.resend(thread))
        return seen

    assert await play(NOOR, "noor") == await play(STRANGER, "stranger")
    assert bench.mails(STRANGER) == 0
    bench.clock.move(seconds=LOCKOUT.total_seconds())
    asked = [await bench.start(f"later-{n}", STRANGER) for n in range(PER_HOUR + 1)]
    assert [issue.outcome for issue in asked] == ["issued"] * (PER_HOUR - 1) + ["limited"] * 2
    assert bench.mails(STRANGER) == 0


async def test_simultaneous_guesses_from_many_threads_stop_at_the_limit(bench: Bench) -> None:
    threads = [f"chat-{n}" for n in range(8)]
    verifier = Verifier(bench.database, bench.store, Mailer(bench.smtp.url, "support@x.example"),
                        codes_per_hour=len(threads), clock=bench.clock)
    for thread in threads:
        assert (await verifier.start(thread, NOOR)).outcome == "issued"
    await verifier.drain()
    checks = await asyncio.gather(*(verifier.check(thread, "000000") for thread in threads))
    outcomes = [check.outcome for check in checks]
    assert outcomes.count("wrong") == MAX_FAILURES - 1
    assert outcomes.count("locked") == len(threads) - (MAX_FAILURES - 1)


async def test_an_expired_code_is_refused_without_counting(bench: Bench) -> None:
    await bench.start("chat-1", NOOR)
    code = await bench.newest_code(NOOR)
    bench.clock.move(minutes=10)
    assert (await bench.verifier.check("chat-1", code)).outcome == "expired"
    assert (await bench.verifier.check("chat-1", wrong(code))).outcome == "expired"
    assert (await bench.resend("chat-1")).outcome == "issued"
    fresh = await bench.newest_code(NOOR)
    assert (await bench.verifier.check("chat-1", wrong(fresh))).attempts_left == \
        MAX_FAILURES - 1


async def test_a_thread_that_gave_no_address_has_nothing_to_check_or_resend(
    bench: Bench,
) -> None:
    assert (await bench.verifier.check("chat-1", "123456")).outcome == "not_started"
    assert (await bench.resend("chat-1")).outcome == "not_started"
