"""Cold start: `caseloop serve` spawned N times, timed from outside to `/healthz` and `/readyz`.

Two configurations: the embedded defaults (web chat only, offline model), and every channel on
(WhatsApp, Telegram, Slack and SMTP, each pointed at a local fake from `tests/fakes`). Each run
spawns a new process on a new database and records when each endpoint first answers 200
(`/healthz` until it answers, then `/readyz`, every 20 ms). One more run per configuration with
`PYTHONPROFILEIMPORTTIME=1` gives the
five packages slowest to import. Figures
only: nothing is asserted.

The project's modules are compiled to bytecode first, as `pip install` leaves an installed
package (and the Docker image holds it): where `PYTHONDONTWRITEBYTECODE` is set, a checkout would
otherwise compile about 200 modules from source at every start (about 0.2 s here).

    PYTHONPATH=. python benchmarks/cold_start.py --runs 7
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.factories import env_for, make_settings  # noqa: E402
from tests.fakes.ports import free_port  # noqa: E402
from tests.fakes.slack import SIGNING_SECRET, FakeSlack  # noqa: E402
from tests.fakes.slack import TOKEN as SLACK_TOKEN  # noqa: E402
from tests.fakes.smtp import SmtpSink  # noqa: E402
from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.twilio import FakeTwilio  # noqa: E402
from tests.fakes.whatsapp_helpers import whatsapp_env  # noqa: E402

POLL_SECONDS = 0.02
"""Between two polls: often enough to time the start, seldom enough not to slow it (each
answered request costs the starting process a little CPU, which a platform polling every few
seconds would not)."""
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def spawn_once(env: dict[str, str], folder: Path, profile: bool = False,
               timeout: float = 60.0) -> tuple[float, float, str]:
    """Seconds from spawn to the first 200 of `/healthz` and of `/readyz`, and the stderr."""
    port = free_port()
    full = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1",
            "PYTHONPATH": str(ROOT)}
    if profile:
        full["PYTHONPROFILEIMPORTTIME"] = "1"
    log = folder / f"serve-{port}.log"
    healthz = readyz = None
    with log.open("wb") as out, httpx.Client(timeout=1) as client:
        began = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=full,
                                   cwd=folder, stdout=out, stderr=subprocess.STDOUT)
        try:
            while readyz is None and time.monotonic() - began < timeout:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited:\n{log.read_text()[-2000:]}")
                path = "/healthz" if healthz is None else "/readyz"
                try:
                    ok = client.get(f"http://127.0.0.1:{port}{path}").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok and healthz is None:
                    healthz = time.monotonic() - began
                    continue  # a server that is ready at once answers /readyz now
                if ok:
                    readyz = time.monotonic() - began
                time.sleep(POLL_SECONDS)
        finally:
            process.terminate()
            process.wait(30)
    if healthz is None or readyz is None:
        raise RuntimeError(f"not ready within {timeout}s")
    return healthz, readyz, log.read_text(errors="replace")


def top_imports(stderr: str, count: int = 5) -> list[tuple[str, float]]:
    """The packages slowest to import (their largest cumulative figure, in seconds) in a
    `-X importtime` log. By package, because the log's nesting is per process: imports made in
    the background thread interleave with the server's own."""
    slowest: dict[str, float] = {}
    for found in IMPORT_LINE.finditer(stderr):
        package = found[4].split(".")[0]
        slowest[package] = max(slowest.get(package, 0.0), int(found[2]) / 1e6)
    return sorted(slowest.items(), key=lambda item: -item[1])[:count]


def every_channel_env(folder: Path, fakes: tuple) -> dict[str, str]:
    smtp, telegram, twilio, slack = fakes
    return {**env_for(make_settings(folder, CASELOOP_SMTP_URL=smtp.url)),
            **whatsapp_env(twilio.url),
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": "cold-start",
            "TELEGRAM_API_URL": telegram.api_url,
            "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_ESCALATION_CHANNEL": "C0ESCALATE", "SLACK_API_URL": slack.api_url}


def measure(name: str, make_env, runs: int) -> None:  # type: ignore[no-untyped-def]
    healthz, readyz = [], []
    for index in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            alive, ready, _ = spawn_once(make_env(folder, index), folder)
        healthz.append(alive)
        readyz.append(ready)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _, _, stderr = spawn_once(make_env(folder, runs), folder, profile=True)
    print(f"{name} ({runs} runs)")
    print(f"  /healthz  median {statistics.median(healthz):5.2f} s   max {max(healthz):5.2f} s")
    print(f"  /readyz   median {statistics.median(readyz):5.2f} s   max {max(readyz):5.2f} s")
    print("  slowest imports (one profiled run, cumulative):")
    for module, seconds in top_imports(stderr):
        print(f"    {seconds:5.2f} s  {module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for package in ("bot", "graph", "channels"):
        compileall.compile_dir(ROOT / package, quiet=1)

    def defaults(folder: Path, _: int) -> dict[str, str]:
        return {"DATABASE_URL": f"sqlite:///{folder}/caseloop.db"}

    measure("embedded defaults", defaults, args.runs)
    fakes = (SmtpSink(), FakeTelegram(), FakeTwilio(), FakeSlack())
    for fake in fakes:
        fake.start()
    try:
        measure("every channel on (WhatsApp, Telegram, Slack, SMTP)",
                lambda folder, _: every_channel_env(folder, fakes), args.runs)
    finally:
        for fake in reversed(fakes):
            fake.stop()


if __name__ == "__main__":
    main()
