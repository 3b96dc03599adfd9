"""A caller hears the first sentence of an `openai:` model's reply while the model is still
writing the rest, and a turn's replies in their order; while any case type runs in shadow
mode, nothing is said before the turn ends."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.fakes.conversation_relay import RelayCall, call_sid
from tests.fakes.openai import FakeOpenAI, text, tool_call
from tests.fakes.server import CaseloopServer
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_helpers import NOOR, hosted_model, noor_env, running
from tests.fakes.whatsapp_helpers import query, whatsapp_env

ANSWER = ("Your order Q5544 was shipped yesterday. It should reach you by Friday, and the "
          "courier will text you a time window on the morning it arrives.")
HEARD = ("Your order Q 5 5 4 4 was shipped yesterday. It should reach you by Friday, and the "
         "courier will text you a time window on the morning it arrives.")


@pytest.fixture(scope="module")
def model() -> Iterator[FakeOpenAI]:
    yield from running(FakeOpenAI(word_delay=0.06))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, model: FakeOpenAI) -> Iterator[CaseloopServer]:
    folder = tmp_path_factory.mktemp("voice-streaming")
    twilio = FakeTwilio()
    twilio.start()
    yield from running(CaseloopServer({
        **noor_env(folder, **hosted_model(model)), **whatsapp_env(twilio.url),
        "TWILIO_SMS_FROM": "+14155550100"}, folder))
    twilio.stop()


async def ask(server: CaseloopServer, model: FakeOpenAI) -> tuple[list[dict], float, float]:
    """Noor calls and asks where her order is; returns the `text` frames she hears up to the
    end of the answer, when its first sentence came and when the model finished writing."""
    model.answers.append(text(ANSWER))
    async with RelayCall(server.ws_url, call_sid(), NOOR) as call:
        await call.say("Where is my order Q5544?")
        frames = [await call.next_frame()]
        while not frames[-1]["token"].startswith("Your order"):
            frames.append(await call.next_frame())
        first = time.monotonic()
        while not frames[-1]["last"]:
            frames.append(await call.next_frame())
    return frames, first, model.streamed[-1][1]


async def test_the_first_sentence_is_heard_while_the_model_still_writes(
        server: CaseloopServer, model: FakeOpenAI) -> None:
    frames, first, written = await ask(server, model)
    tokens = [(frame["token"], frame["last"]) for frame in frames]
    assert ("Your order Q 5 5 4 4 was shipped yesterday. ", False) in tokens
    assert first < written, "the caller heard nothing before the model had written it all"
    heard = "".join(token for token, _ in tokens)
    assert heard.startswith("Hi Noor") and heard.rstrip().endswith(HEARD)  # in order, once
    assert heard.count("shipped") == 1 and [last for _, last in tokens].count(True) == 1
    assert query(server.env["DATABASE_URL"],
                 "SELECT text FROM transcript WHERE role = 'bot' AND channel = 'voice' "
                 "ORDER BY id DESC LIMIT 1") == [(ANSWER,)]


async def test_words_written_before_a_lookup_are_heard_first_and_once(
        server: CaseloopServer, model: FakeOpenAI) -> None:
    model.answers += [{**text("Let me look that up for you."),
                       **tool_call("get_order", order_id="Q5544")},
                      text("It left our warehouse on Tuesday. It should reach you by Friday.")]
    async with RelayCall(server.ws_url, call_sid(), NOOR) as call:
        await call.say("Has my rug shipped?")
        frames = [await call.next_frame()]
        while not frames[-1]["last"]:
            frames.append(await call.next_frame())
    heard = "".join(frame["token"] for frame in frames)
    assert heard.index("Hi Noor") < heard.index("Let me look") < heard.index("It left")
    assert heard.count("Let me look") == 1 and heard.count("It left") == 1
    assert heard.rstrip().endswith("It should reach you by Friday.")


async def test_while_a_case_type_is_in_shadow_nothing_is_said_before_the_turn_ends(
        server: CaseloopServer, model: FakeOpenAI) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "autonomy", "shadow", "refund"],
                          env={**os.environ, **server.env}, cwd=server.workdir,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    asked = len(model.requests)
    frames, _, _ = await ask(server, model)
    assert not any(request["body"].get("stream") for request in model.requests[asked:])
    assert "".join(frame["token"] for frame in frames).rstrip().endswith(HEARD)
