"""Benchmark: durable turns per second with 1, 2 and 4 worker processes on PostgreSQL, beside
one process on SQLite.

    python benchmarks/postgres_workers.py --server postgresql://user@host:5432/postgres \
        [--customers 200] [--turns 5] [--processes 1 2 4]

`--server` names a PostgreSQL server and a database to connect to while creating a fresh one
per run (the user needs CREATEDB). Each run: 200 customers send 5 messages each in one burst
(offline model, the whole runtime: inbox, claims, graph with checkpoints, transcript, outbox);
the clock runs from the first message stored to the last one answered. After each run every
message must have been answered exactly once and each customer's in the order sent: the
benchmark says so, or names what was lost, repeated or reordered. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.turns import shop  # noqa: E402
from bot.assembly import assemble  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.runtime.inbox import Inbox  # noqa: E402
from bot.runtime.notifications import INBOX  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from channels.base import InboundMessage, OutboundMessage  # noqa: E402

PHRASES = (
    "where is my order {order}?",
    "what is your return policy?",
    "has {order} shipped yet",
    "how long does shipping take",
    "tracking number for {order} please",
)
POLL = 0.05


class Sink:
    """A channel that takes every reply (the benchmark reads them back from the outbox)."""

    name = "bench"

    async def send(self, message: OutboundMessage) -> bool:
        return True




def messages(customers: int, turns: int) -> list[InboundMessage]:
    """Every customer's messages, interleaved as a burst of customers writing at once."""
    return [InboundMessage(channel="bench", sender=f"b{n}", provider_message_id=f"b{n}-{turn}",
                           text=f"{PHRASES[(n + turn) % len(PHRASES)].format(order=f'Z{n:05d}')}"
                                f" (message {turn})")
            for turn in range(turns) for n in range(customers)]


def settings_env(url: str, data: Path) -> dict[str, str]:
    return {"DATABASE_URL": url, "CASELOOP_DEMO_DATA": str(data), "CASELOOP_MODEL": "offline",
            "CASELOOP_LOG_FORMAT": "text"}


async def worker(ready: Path) -> None:
    """One worker process: Caseloop's runtime without a web server, until SIGTERM."""
    app = await assemble(load_settings(), extra_channels=[Sink()])
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    ready.touch()
    await stop.wait()
    await app.close()


async def count_answered(database: Database) -> int:
    row = await database.fetchone(
        "SELECT COUNT(*) FROM inbox WHERE status IN ('done', 'failed')")
    return int(row[0]) if row else 0


async def postgres_run(server: str, data: Path, folder: Path, processes: int,
                       burst: list[InboundMessage]) -> dict:
    import psycopg

    name = f"caseloop_bench_{processes}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    env = {**os.environ, **settings_env(url, data)}
    database = await Database.open(url)
    workers = []
    for n in range(processes):
        ready = folder / f"ready-{processes}-{n}"
        workers.append((subprocess.Popen(
            [sys.executable, __file__, "--worker", str(ready)], env=env,
            stdout=subprocess.DEVNULL, stderr=(folder / f"worker-{processes}-{n}.log").open("w")),
            ready))
    try:
        while not all(ready.exists() for _, ready in workers):
            if any(process.poll() is not None for process, _ in workers):
                raise RuntimeError(f"a worker exited early; see {folder}")
            await asyncio.sleep(POLL)
        inbox = Inbox(database)
        started = time.perf_counter()
        await asyncio.gather(*(inbox.store(message) for message in burst))
        await database.execute("SELECT pg_notify(?, '')", (INBOX,))
        while await count_answered(database) < len(burst):
            await asyncio.sleep(POLL)
        elapsed = time.perf_counter() - started
        return {"turns_per_s": len(burst) / elapsed, "seconds": elapsed,
                "problems": await problems(database, burst)}
    finally:
        for process, _ in workers:
            process.send_signal(signal.SIGTERM)
        for process, _ in workers:
            process.wait(timeout=60)
        await database.close()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def sqlite_run(data: Path, folder: Path, burst: list[InboundMessage]) -> dict:
    settings = load_settings(**settings_env(f"sqlite:///{folder / 'bench.db'}", data))
    app = await assemble(settings, extra_channels=[Sink()])
    try:
        started = time.perf_counter()
        await asyncio.gather(*(app.receive(message) for message in burst))
        await app.dispatcher.idle()
        while await count_answered(app.database) < len(burst):
            await asyncio.sleep(POLL)
        elapsed = time.perf_counter() - started
        return {"turns_per_s": len(burst) / elapsed, "seconds": elapsed,
                "problems": await problems(app.database, burst)}
    finally:
        await app.close()


async def problems(database: Database, burst: list[InboundMessage]) -> list[str]:
    """What was lost, answered twice or out of order (nothing, when all is well)."""
    found = []
    failed = await database.fetchall("SELECT provider_id FROM inbox WHERE status != 'done'")
    found += [f"not answered: {row[0]}" for row in failed]
    rows = await database.fetchall(
        "SELECT thread_id, text FROM transcript WHERE role = 'customer' ORDER BY id")
    said: dict[str, list[str]] = {}
    for thread, text in rows:
        said.setdefault(thread.rsplit(":", 1)[-1], []).append(text)
    expected: dict[str, list[str]] = {}
    for message in burst:
        expected.setdefault(message.sender, []).append(message.text)
    for sender, texts in expected.items():
        if said.get(sender) != texts:
            found.append(f"{sender}: answered {said.get(sender)}, sent {texts}")
    replies = await database.fetchall("SELECT message FROM outbox")
    to = [json.loads(row[0])["in_reply_to"] for row in replies]
    found += [f"replied {to.count(m.provider_message_id)} times to {m.provider_message_id}"
              for m in burst if to.count(m.provider_message_id) < 1]
    return found


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="postgresql://user@host:port/postgres")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    burst = messages(args.customers, args.turns)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "shop.json"
        data.write_text(json.dumps(shop(args.customers)))
        print(f"{args.customers} customers x {args.turns} messages in one burst, offline model, "
              f"{os.cpu_count()} cores", flush=True)
        report("SQLite, 1 process", await sqlite_run(data, folder, burst))
        for processes in args.processes:
            report(f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}",
                   await postgres_run(args.server, data, folder, processes, burst))


def report(label: str, result: dict) -> None:
    verdict = ("every message answered once, in order" if not result["problems"]
               else f"{len(result['problems'])} problems, e.g. {result['problems'][:3]}")
    print(f"  {label:<24} {result['turns_per_s']:7.1f} turns/s ({result['seconds']:.1f} s)   "
          f"{verdict}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        asyncio.run(worker(Path(sys.argv[2])))
    else:
        asyncio.run(main())
