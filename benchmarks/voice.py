"""Benchmark: time from a caller's final `prompt` to the first `text` token sent back.

    python benchmarks/voice.py [--calls 50] [--prompts 4] [--listen 2.0] [--hosted-word-ms N]

Starts the real server (`caseloop serve`, offline model, SQLite) with voice calls on, then
opens `--calls` ConversationRelay sessions at once, each signed like Twilio's and each from a
customer's number on file. Every caller says `--prompts` things in turn (a partial transcript,
then the final one), waits for the whole reply, and listens to it for about `--listen` seconds
(between half and one and a half times that, at random; calls also start spread over that
time) before speaking again: a phone caller hears a reply before answering. `--listen 0` makes
every caller answer at once, a burst that measures queueing on the two cores rather than a
call. The time measured is what
Caseloop adds on this machine: from sending the final `prompt` to receiving the first `text`
token, beside the time to the reply's end (its `last` token), which is when the first token
would come if replies were not said while written. Prints p50, p90, p99 and max; asserts
nothing.

`--hosted-word-ms N` puts an `openai:` model in place of the offline one: a local stand-in for
the chat completions API (`tests/fakes/openai.py`) that streams a three-sentence answer a word
every N ms, as a hosted model writes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.turns import shop  # noqa: E402
from tests.fakes.conversation_relay import RELAY_URL, sign  # noqa: E402
from tests.fakes.openai import FakeOpenAI, text  # noqa: E402
from tests.fakes.whatsapp_helpers import AUTH_TOKEN as TOKEN  # noqa: E402
from tests.fakes.whatsapp_helpers import PUBLIC_URL  # noqa: E402

HOSTED_ANSWER = ("Let me look at that for you. Your order left our warehouse yesterday and "
                 "the courier expects to deliver it on Friday. You'll get a text with a "
                 "time window on the morning it arrives.")
PHRASES = ("Where is my order {order}?", "What is your return policy?",
           "Has {order} shipped yet?", "How long does shipping take?",
           "What's the tracking number for {order}?")


def start_server(folder: Path, calls: int, port: int,
                 model: FakeOpenAI | None = None) -> subprocess.Popen[bytes]:
    data = folder / "shop.json"
    data.write_text(json.dumps(shop(calls)))
    hosted = ({"CASELOOP_MODEL": "openai:gpt-bench", "OPENAI_API_KEY": "sk-bench",
               "OPENAI_BASE_URL": model.base_url} if model else {"CASELOOP_MODEL": "offline"})
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'app.db'}",
           "CASELOOP_DEMO_DATA": str(data), **hosted,
           "TWILIO_ACCOUNT_SID": "AC" + "5e" * 16, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_SMS_FROM": "+14155550100", "TWILIO_API_URL": "http://127.0.0.1:9",
           "CASELOOP_PUBLIC_URL": PUBLIC_URL, "PORT": str(port), "HOST": "127.0.0.1"}
    log = (folder / "server.log").open("ab")
    server = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=folder,
                              stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


async def call(port: int, n: int, prompts: int, listen: float,
               waits: list[tuple[float, float]]) -> None:
    await asyncio.sleep(random.uniform(0, listen))
    signature = sign(RELAY_URL, {})
    async with websockets.connect(f"ws://127.0.0.1:{port}/twilio/relay",
                                  additional_headers={"X-Twilio-Signature": signature},
                                  max_size=2**20) as socket:
        sid = f"CA{n:032x}"
        await socket.send(json.dumps({
            "type": "setup", "sessionId": f"VX{n:032x}", "callSid": sid,
            "from": f"+1555{n:07d}", "to": "+14155550100", "direction": "inbound",
            "customParameters": {}}))
        for turn in range(prompts):
            words = PHRASES[(n + turn) % len(PHRASES)].format(order=f"Z{n:05d}")
            await socket.send(json.dumps({"type": "prompt", "voicePrompt": words[:-8],
                                          "lang": "en-US", "last": False}))
            await socket.send(json.dumps({"type": "prompt", "voicePrompt": words,
                                          "lang": "en-US", "last": True}))
            sent = time.perf_counter()
            first = None
            while True:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 60))
                if frame["type"] != "text":
                    continue
                first = first or time.perf_counter()
                if frame["last"]:
                    ended = time.perf_counter()
                    try:  # a recognized caller's first turn may say two things
                        while True:
                            if json.loads(await asyncio.wait_for(socket.recv(), 0.3)).get("last"):
                                ended = time.perf_counter()
                    except TimeoutError:
                        break
            waits.append(((first - sent) * 1000, (ended - sent) * 1000))
            await asyncio.sleep(random.uniform(listen / 2, listen * 1.5))


async def run(port: int, calls: int, prompts: int,
              listen: float) -> list[tuple[float, float]]:
    waits: list[tuple[float, float]] = []
    await asyncio.gather(*(call(port, n, prompts, listen, waits) for n in range(calls)))
    return waits


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--prompts", type=int, default=4)
    parser.add_argument("--listen", type=float, default=2.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--hosted-word-ms", type=float, default=None)
    args = parser.parse_args()
    model = None
    if args.hosted_word_ms is not None:
        model = FakeOpenAI(word_delay=args.hosted_word_ms / 1000,
                           answer_with=lambda body: text(HOSTED_ANSWER))
        model.start()
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), args.calls, args.port, model)
        try:
            started = time.perf_counter()
            waits = asyncio.run(run(args.port, args.calls, args.prompts, args.listen))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)
            if model is not None:
                model.stop()
    which = (f"a hosted model writing a word every {args.hosted_word_ms:g} ms" if model
             else "offline model")
    print(f"{args.calls} concurrent calls, {len(waits)} final prompts in {elapsed:.1f} s, "
          f"callers listening ~{args.listen:g} s ({which}, SQLite)")
    for name, values in (("first text token", [first for first, _ in waits]),
                         ("the reply's end ", [ended for _, ended in waits])):
        print(f"final prompt → {name}: p50 {statistics.median(values):.0f} ms, "
              f"p90 {percentile(values, 0.90):.0f} ms, p99 {percentile(values, 0.99):.0f} ms, "
              f"max {max(values):.0f} ms")


if __name__ == "__main__":
    main()
