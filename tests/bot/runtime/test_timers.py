"""Durable timers: idempotent scheduling, fired once when due, across restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.runtime.timers import Timer, Timers
from bot.storage.database import Database
from tests.clock import TestClock
from tests.databases import database_url


async def test_a_timer_fires_once_when_due_and_a_key_schedules_once(tmp_path: Path) -> None:
    database = await Database.open(database_url(tmp_path))
    clock = TestClock()
    timers = Timers(database, clock)
    seen: list[dict] = []

    async def note(timer: Timer) -> None:
        seen.append(timer.payload)

    timers.handle("check", note)
    due = clock() + timedelta(hours=2)
    assert await timers.schedule("check", due, {"case_id": 1}, key="check:1")
    assert not await timers.schedule("check", due, {"case_id": 99}, key="check:1")
    assert await timers.fire_due() == 0
    clock.move(hours=2)
    assert await timers.fire_due() == 1
    assert await timers.fire_due() == 0
    assert seen == [{"case_id": 1}]
    timer = await timers.get("check:1")
    assert timer.status == "fired" and timer.fired_at is not None
    await database.close()


async def test_a_restart_between_scheduling_and_firing_fires_once(tmp_path: Path) -> None:
    clock = TestClock()
    database = await Database.open(database_url(tmp_path))
    await Timers(database, clock).schedule("check", clock() + timedelta(days=3),
                                           {"order_id": "A1001"}, key="check:A1001")
    await database.close()

    clock.move(days=3)
    fired: list[str] = []

    async def note(timer: Timer) -> None:
        fired.append(timer.payload["order_id"])

    for _ in range(2):  # two later starts of the process
        database = await Database.open(database_url(tmp_path))
        timers = Timers(database, clock, poll_seconds=0.01)
        timers.handle("check", note)
        await timers.start()
        for _ in range(100):
            if fired:
                break
            await asyncio.sleep(0.01)
        await timers.stop()
        await database.close()
    assert fired == ["A1001"]


async def test_a_claim_cut_short_is_run_again_after_it_lapses(tmp_path: Path) -> None:
    database = await Database.open(database_url(tmp_path))
    clock = TestClock()
    first = Timers(database, clock, holder="dead", claim_for=timedelta(minutes=5))
    await first.schedule("check", clock(), {}, key="k")
    assert await first._claim((await first.get("k")).id)  # the process dies here
    runs: list[str] = []

    async def note(timer: Timer) -> None:
        runs.append(timer.key)

    later = Timers(database, clock, holder="alive", claim_for=timedelta(minutes=5))
    later.handle("check", note)
    assert await later.fire_due() == 0
    clock.move(minutes=6)
    assert await later.fire_due() == 1 and runs == ["k"]
    assert await later.fire_due() == 0
    await database.close()


async def test_a_failing_handler_is_retried_then_given_up(tmp_path: Path) -> None:
    database = await Database.open(database_url(tmp_path))
    clock = TestClock()
    timers = Timers(database, clock)

    async def broken(timer: Timer) -> None:
        raise RuntimeError("backend down")

    timers.handle("check", broken)
    await timers.schedule("check", clock(), {}, key="k")
    for _ in range(5):
        assert await timers.fire_due() == 0
        clock.move(hours=1)
    timer = await timers.get("k")
    assert (timer.status, timer.attempts) == ("failed", 5) and "backend down" in timer.error
    await database.close()


async def test_unhandled_kinds_wait_and_cancelled_timers_never_fire(tmp_path: Path) -> None:
    database = await Database.open(database_url(tmp_path))
    clock = TestClock()
    timers = Timers(database, clock)
    await timers.schedule("later_kind", clock(), {}, key="a")
    await timers.schedule("check", clock(), {}, key="b")
    assert await timers.cancel("b") and not await timers.cancel("b")
    runs: list[str] = []

    async def note(timer: Timer) -> None:
        runs.append(timer.key)

    timers.handle("check", note)
    assert await timers.fire_due() == 0
    assert (await timers.get("a")).status == "pending"
    timers.handle("later_kind", note)
    assert await timers.fire_due() == 1 and runs == ["a"]
    await database.close()
