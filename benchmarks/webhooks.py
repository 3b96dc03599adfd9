"""Benchmark: signed WhatsApp webhook acknowledgements per second, beside a bare handler.

    python benchmarks/webhooks.py [--concurrency 50] [--requests 2000] [--rounds 3]

The real Caseloop app runs in its own process on uvicorn, configured as `caseloop serve` runs
it (uvloop and httptools when installed), with the WhatsApp channel on and Twilio's REST API
played by a local stand-in in a third process. Into that same app, on that same server, the
benchmark adds one bare route, `POST /bench/bare`, that reads nothing and answers the same
empty TwiML: the floor of what any handler costs there. (It is not `/healthz`, which queries
the database.)

An aiohttp client with `--concurrency` senders (one WhatsApp number each) then posts, in
interleaved rounds, the same realistic forms to `/bench/bare` unsigned and to `/twilio/whatsapp`
signed by Twilio's own `RequestValidator` (signatures computed before the clock starts). Each
signed request is checked, stored durably in the inbox (one SQLite commit) and acknowledged; the
turns it schedules run meanwhile in the same process, as in production, and the benchmark waits
for them to finish between rounds. Prints requests per second, the ratio and latency
percentiles; asserts nothing. Targets: signed ≥ 0.3× bare, signed p99 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factories import env_for, make_settings, write_shop  # noqa: E402
from tests.fakes.ports import free_port  # noqa: E402
from tests.fakes.whatsapp_helpers import (  # noqa: E402
    PUBLIC_URL,
    inbound_form,
    shop_with_phones,
    sign,
    whatsapp_env,
)

WEBHOOK = "/twilio/whatsapp"
BARE = "/bench/bare"
HOLD = "/bench/turns"
TEXTS = ("hi", "Do you take returns of opened items?", "how long does shipping take",
         "hello, where is my parcel?")


def serve_app(port: int) -> None:
    """Run Caseloop (settings from the environment) plus the bare route, as `caseloop serve`."""
    from fastapi import Response

    from bot.cli import run_server
    from bot.config import load_settings
    from bot.web.app import create_app
    from bot.web.routes.twilio import EMPTY_TWIML

    app = create_app(load_settings())
    held: list[tuple[int, str, str]] = []

    @app.post(BARE)
    async def bare() -> Response:
        return Response(EMPTY_TWIML, media_type="text/xml")

    @app.post(HOLD)
    async def hold_turns(hold: bool) -> dict[str, int]:
        """Benchmark harness only: keep stored messages from starting turns, or release them."""
        dispatcher = app.state.caseloop.dispatcher
        if hold:
            dispatcher.submit = lambda *item: held.append(item)
            return {"held": 0}
        del dispatcher.submit
        released, held[:] = list(held), []
        for item in released:
            dispatcher.submit(*item)
        return {"held": len(released)}

    run_server(app, "127.0.0.1", port, log_level="warning")


def serve_twilio(port_file: Path) -> None:
    """Run the Twilio REST stand-in until killed; its URL goes to `port_file`."""
    from tests.fakes.twilio import FakeTwilio

    fake = FakeTwilio()
    fake.start()
    port_file.write_text(fake.url)
    while True:
        time.sleep(3600)


def payloads(count: int, senders: list[str], round_number: int,
             signed: bool) -> list[tuple[bytes, dict[str, str]]]:
    """Form bodies and headers, prepared before timing (signing is the client's work)."""
    prepared = []
    for n, (sender, text) in enumerate(zip(itertools.cycle(senders), itertools.cycle(TEXTS),
                                           strict=False)):
        if n == count:
            break
        form = inbound_form(sender, text, sid=f"SM{round_number:08d}{n:024d}{int(signed)}")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signed:
            headers["X-Twilio-Signature"] = sign(PUBLIC_URL + WEBHOOK, form)
        prepared.append((urlencode(form).encode(), headers))
    return prepared


async def blast(url: str, prepared: list[tuple[bytes, dict[str, str]]],
                concurrency: int) -> tuple[float, list[float], int]:
    """Post everything with `concurrency` senders; returns seconds, latencies and failures."""
    queue = iter(prepared)
    latencies: list[float] = []
    failures = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def sender() -> None:
            nonlocal failures
            for body, headers in queue:
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        return time.perf_counter() - began, latencies, failures


def wait_for_turns(database: Path, timeout: float = 600.0) -> float:
    """Block until every stored message was answered; returns the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        with sqlite3.connect(database) as connection:
            (open_items,) = connection.execute(
                "SELECT COUNT(*) FROM inbox WHERE status IN ('pending', 'processing')").fetchone()
        if open_items == 0:
            break
        time.sleep(0.5)
    return time.monotonic() - began


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server not healthy:\n{log.read_text()}")


async def measure(args: argparse.Namespace, url: str, database: Path) -> None:
    senders = [f"+4477009{n:05d}" for n in range(args.concurrency)]
    await blast(url + BARE, payloads(200, senders, 0, False), args.concurrency)
    await blast(url + WEBHOOK, payloads(200, senders, 0, True), args.concurrency)
    wait_for_turns(database)
    kinds = {"bare": (BARE, False), "signed, turns held": (WEBHOOK, True),
             "signed, turns live": (WEBHOOK, False)}
    results: dict[str, list[tuple[float, list[float], int]]] = {kind: [] for kind in kinds}
    async with aiohttp.ClientSession() as control:
        for round_number in range(1, args.rounds + 1):
            for number, (kind, (path, hold)) in enumerate(kinds.items()):
                prepared = payloads(args.requests, senders, round_number * 10 + number,
                                    path == WEBHOOK)
                if hold:
                    await control.post(f"{url}{HOLD}?hold=true")
                results[kind].append(await blast(url + path, prepared, args.concurrency))
                if hold:
                    await control.post(f"{url}{HOLD}?hold=false")
                drained = wait_for_turns(database)
                if path == WEBHOOK:
                    print(f"round {round_number}, {kind}: the turns behind the acks finished "
                          f"{drained:.1f}s after the last ack")

    print(f"\n{args.concurrency} concurrent senders, {args.rounds} interleaved rounds of "
          f"{args.requests} requests per handler")
    rates = {}
    for kind, rounds in results.items():
        seconds = sum(r[0] for r in rounds)
        latencies = [latency for r in rounds for latency in r[1]]
        failures = sum(r[2] for r in rounds)
        rates[kind] = len(latencies) / seconds
        per_round = ", ".join(f"{len(r[1]) / r[0]:.0f}" for r in rounds)
        print(f"{kind:>18}: {rates[kind]:6.0f} req/s (rounds: {per_round})  "
              f"p50 {statistics.median(latencies) * 1000:5.1f} ms  "
              f"p99 {percentile(latencies, 0.99) * 1000:5.1f} ms  "
              f"max {max(latencies) * 1000:6.1f} ms  non-200: {failures}")
    for kind in list(kinds)[1:]:
        print(f"ratio {kind} / bare = {rates[kind] / rates['bare']:.2f} (target >= 0.30)")
    with sqlite3.connect(database) as connection:
        (stored,) = connection.execute("SELECT COUNT(*) FROM inbox").fetchone()
    print(f"stored in the inbox: {stored} messages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="per round and handler")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-twilio", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_app(args.serve)
    if args.serve_twilio:
        return serve_twilio(args.serve_twilio)

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        port_file = folder / "twilio-url"
        twilio = start([sys.executable, __file__, "--serve-twilio", str(port_file)], {},
                       folder / "twilio.log")
        server: subprocess.Popen[bytes] | None = None
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            shop = write_shop(folder, shop_with_phones({}))
            settings = make_settings(folder, CASELOOP_DEMO_DATA=str(shop))
            env = {**env_for(settings), **whatsapp_env(port_file.read_text())}
            port = free_port()
            server = start([sys.executable, __file__, "--serve", str(port)], env,
                           folder / "server.log")
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, server, folder / "server.log")
            asyncio.run(measure(args, url, settings.database_path))
        finally:
            for process in (server, twilio):
                if process is not None:
                    process.terminate()
                    process.wait(30)


if __name__ == "__main__":
    main()
