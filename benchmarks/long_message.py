"""Benchmark: what one customer's long messages cost everybody else's turns.

    python benchmarks/long_message.py [--customers 20] [--seconds 8] [--rounds 2] [--every 1]

Through the whole runtime (inbox, dispatcher, graph on the offline model, transcript, outbox),
`--customers` customers each send ordinary messages one after another, reading each reply before
the next. In some phases nobody else writes; in others one more customer sends a 4,000-character
message every `--every` seconds: rambling prose, or text made to be hard to parse ("123 a 456 a
..."). The phases alternate over `--rounds` rounds in one run, after a warm-up. Prints the other
customers' turn latency (p50, p99) in each kind of phase, and how much worse it is with the long
sender; the aim is a p99 no more than twice the quiet one. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.turns import shop  # noqa: E402
from bot.assembly import Caseloop, assemble  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.identity.links import Links  # noqa: E402
from channels.base import InboundMessage, OutboundMessage  # noqa: E402

LONG_CHARS = 4_000
PHRASES = (
    "where is my order {order}?",
    "has {order} shipped yet",
    "tracking number for {order} please",
    "what is your return policy?",
    "thanks!",
)
PROSE = (
    "I ordered the scarf on the {n}th and it still has not come, ",
    "my neighbour at {n} Station Road got hers in two days, ",
    "I paid {n}.{c} for shipping which is a lot, ",
    "is there any way to speed it up or should I cancel, ",
    "the last time I ordered something it was fine, ",
    "I really need it before my trip on the {n}th, ",
    "the tracking page shows nothing since monday, ",
)
_ids = itertools.count(1)




def long_text(kind: str, rng: random.Random) -> str:
    """A new 4,000-character message (each one different, so it never reads as a repeat)."""
    parts: list[str] = []
    while sum(map(len, parts)) < LONG_CHARS:
        if kind == "prose":
            parts.append(rng.choice(PROSE).format(n=rng.randint(1, 999), c=rng.randint(10, 99)))
        else:
            parts.append(f"{rng.randint(1, 99_999)} a ")
    return "".join(parts)[:LONG_CHARS]


class Stopwatch:
    """A channel that notes when the first reply to each message goes out."""

    name = "bench"

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[float]] = {}

    async def send(self, message: OutboundMessage) -> bool:
        future = self.waiting.pop(message.in_reply_to or "", None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return True

    async def turn(self, app: Caseloop, sender: str, text: str) -> float:
        """Send one message and wait for its first reply; returns the seconds it took."""
        message_id = f"m{next(_ids)}"
        answered = asyncio.get_running_loop().create_future()
        self.waiting[message_id] = answered
        started = time.perf_counter()
        await app.receive(InboundMessage(channel=self.name, sender=sender, text=text,
                                         provider_message_id=message_id))
        return await asyncio.wait_for(answered, timeout=120) - started


async def phase(app: Caseloop, watch: Stopwatch, customers: int, seconds: float,
                long_kind: str | None, every: float, rng: random.Random) -> dict:
    """One phase: everybody talks for `seconds`, with or without the long sender."""
    ends = time.perf_counter() + seconds
    latencies: list[float] = []
    long_latencies: list[float] = []

    async def ordinary(n: int) -> None:
        for turn in itertools.count():
            if time.perf_counter() >= ends:
                return
            text = PHRASES[(n + turn) % len(PHRASES)].format(order=f"Z{n:05d}")
            latencies.append(await watch.turn(app, f"b{n}", text))
            await asyncio.sleep(rng.uniform(0.05, 0.25))

    async def long_sender() -> None:
        while time.perf_counter() < ends:
            started = time.perf_counter()
            long_latencies.append(await watch.turn(app, f"b{customers}",
                                                   long_text(str(long_kind), rng)))
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - started)))

    talkers = [ordinary(n) for n in range(customers)]
    await asyncio.gather(*talkers, *([long_sender()] if long_kind else []))
    return {"latencies": latencies, "long": long_latencies}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _line(name: str, latencies: list[float]) -> str:
    return (f"  {name:<26} {len(latencies):5d} turns   p50 {1000 * _percentile(latencies, .5):7.1f}"
            f" ms   p99 {1000 * _percentile(latencies, .99):7.1f} ms   max "
            f"{1000 * max(latencies):7.1f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--every", type=float, default=1.0)
    args = parser.parse_args()
    rng = random.Random(7)
    kinds = (None, "prose", "hard to parse")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "shop.json"
        data.write_text(json.dumps(shop(args.customers + 1)))
        settings = load_settings(DATABASE_URL=f"sqlite:///{folder / 'app.db'}",
                                 CASELOOP_DEMO_DATA=str(data), CASELOOP_MODEL="offline")
        watch = Stopwatch()
        app = await assemble(settings, extra_channels=[watch])
        links = Links(app.database)
        for n in range(args.customers + 1):
            await links.link("bench", f"b{n}", f"B{n}")
        print(f"{args.customers} customers writing ordinary messages; in some phases one more "
              f"sends a {LONG_CHARS:,}-character message every {args.every:g} s "
              f"({args.rounds} rounds of {args.seconds:g} s phases after a warm-up)")
        await phase(app, watch, args.customers, 2.0, "prose", args.every, rng)
        results: dict[str | None, dict[str, list[float]]] = {
            kind: {"latencies": [], "long": []} for kind in kinds}
        for _ in range(args.rounds):
            for kind in kinds:
                found = await phase(app, watch, args.customers, args.seconds, kind,
                                    args.every, rng)
                for key, values in found.items():
                    results[kind][key] += values
        await app.close()
    quiet = results[None]["latencies"]
    print("other customers' turns")
    print(_line("nobody writing long", quiet))
    for kind in kinds[1:]:
        print(_line(f"one writing {kind}", results[kind]["latencies"]))
    for kind in kinds[1:]:
        noisy = results[kind]["latencies"]
        print(f"  with {kind}: p50 {_percentile(noisy, .5) / _percentile(quiet, .5):.2f}x, "
              f"p99 {_percentile(noisy, .99) / _percentile(quiet, .99):.2f}x the quiet phases")
    print("the long messages' own turns")
    for kind in kinds[1:]:
        long = results[kind]["long"]
        print(f"  {kind:<26} {len(long):5d} turns   median "
              f"{1000 * statistics.median(long):7.1f} ms   max {1000 * max(long):7.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
