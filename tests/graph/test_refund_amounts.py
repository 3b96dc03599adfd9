"""Refund amounts no refund can be, from a hosted model or a customer: refused with the limit."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.assembly import Caseloop, assemble
from graph.policy import Policy, PolicyError
from tests.conftest import Customer, verify
from tests.factories import make_settings
from tests.fakes.capture import CaptureChannel
from tests.fakes.openai import FakeOpenAI, text, tool_call
from tests.fakes.smtp import SmtpSink

RANGE = "The amount must be between 0.01 and 38.40 EUR for order Q5521."
MOST = "The most I can refund on order Q5521 is 38.40 EUR."
ASK_AGAIN = "How much would you like refunded instead?"
WENT_WRONG = "something went wrong"


def relay_tool_message(body: dict[str, Any]) -> dict[str, Any]:
    """Answer as a model would after a tool result: pass on what the tool said."""
    last = body["messages"][-1]
    if last["role"] != "tool":
        return text("How can I help?")
    try:
        said = json.loads(last["content"]).get("message")
    except ValueError:
        said = None
    return text(said or last["content"])


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(answer_with=relay_tool_message)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
async def hosted(
    tmp_path: Path, smtp: SmtpSink, fake_openai: FakeOpenAI
) -> AsyncIterator[Customer]:
    """Noor, verified, talking to Caseloop driven by an OpenAI-compatible model."""
    channel = CaptureChannel()
    app = await assemble(make_settings(
        tmp_path, CASELOOP_SMTP_URL=smtp.url, CASELOOP_MODEL="openai:gpt-test",
        OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake_openai.base_url,
    ), extra_channels=[channel])
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    yield noor
    await app.close()


async def _noor(customer_at, smtp) -> Customer:  # type: ignore[no-untyped-def]
    noor = customer_at("noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    return noor


async def _refunded(caseloop: Caseloop) -> Decimal:
    return (await caseloop.store.get_order("Q5521")).refunded


@pytest.mark.parametrize(("amount", "refusal"), [
    ("NaN", RANGE), ("sNaN", RANGE), ("inf", RANGE), ("-Infinity", RANGE), ("-10", RANGE),
    ("0", RANGE), ("0.001", RANGE), ("ten euros", RANGE), ("1" * 40, RANGE), ("1e9", MOST),
])
async def test_a_model_asking_for_an_impossible_amount_is_told_the_range(
    hosted: Customer, fake_openai: FakeOpenAI, amount: str, refusal: str
) -> None:
    fake_openai.answers.append(tool_call("refund", order_id="Q5521", amount=amount))
    assert await hosted.say("I want money back on Q5521") == [refusal]
    assert await _refunded(hosted.caseloop) == Decimal("0.00")
    records = [r.as_json() for r in await hosted.caseloop.audit.records()]
    assert [(r["action"], r["outcome"], r["rule"]) for r in records] == [
        ("refund", "refused", "order-check")]


async def test_an_amount_sent_as_a_number_is_read(
    hosted: Customer, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answers.append(tool_call("refund", order_id="Q5521", amount=12.5))
    [ask] = await hosted.say("12.50 back on Q5521 please")
    assert ask.startswith("Just to confirm: I'll refund 12.50 EUR on order Q5521")


async def test_arguments_of_the_wrong_kind_go_back_to_the_model(
    hosted: Customer, fake_openai: FakeOpenAI
) -> None:
    fake_openai.answers.append(tool_call("refund", order_id="Q5521", amount={"value": 3}))
    [answer] = await hosted.say("refund 3 on Q5521")
    assert WENT_WRONG not in answer.lower() and "amount" in answer
    assert await _refunded(hosted.caseloop) == Decimal("0.00")


@pytest.mark.parametrize(("said", "refusal"), [
    ("0.001", RANGE), ("-10", RANGE), ("1e9", MOST), ("500", MOST), ("0", RANGE),
])
async def test_an_amount_that_cannot_be_refunded_is_asked_again(
    caseloop, customer_at, smtp, said: str, refusal: str  # type: ignore[no-untyped-def]
) -> None:
    noor = await _noor(customer_at, smtp)
    assert await noor.say("I'd like a partial refund on Q5521") == [
        "How much would you like refunded for Q5521?"]
    assert await noor.say(said) == [f"{refusal} {ASK_AGAIN}"]
    [ask] = await noor.say("10")
    assert ask.startswith("Just to confirm: I'll refund 10.00 EUR on order Q5521")
    assert await _refunded(caseloop[0]) == Decimal("0.00")


@pytest.mark.parametrize(("said", "refusal"), [
    ("make it 0.001", RANGE), ("-10", RANGE), ("1e9", MOST), ("500", MOST),
    ("refund 0.001 instead", RANGE),
])
async def test_an_impossible_amount_while_confirming_is_not_a_full_refund(
    caseloop, customer_at, smtp, said: str, refusal: str  # type: ignore[no-untyped-def]
) -> None:
    noor = await _noor(customer_at, smtp)
    [ask] = await noor.say("refund Q5521")
    assert ask.startswith("Just to confirm: I'll refund 38.40 EUR on order Q5521")
    assert await noor.say(said) == [f"{refusal} {ASK_AGAIN}"]
    assert "Done" not in " ".join(await noor.say("yes"))
    assert await _refunded(caseloop[0]) == Decimal("0.00")


@pytest.mark.parametrize(("said", "refusal"), [
    ("refund -10 euros on Q5521", RANGE), ("refund 0.001 euros on Q5521", RANGE),
    ("refund €1e9 on Q5521", MOST), ("refund 0 euros on Q5521", RANGE),
])
async def test_an_impossible_amount_in_the_request_is_refused_with_the_limit(
    caseloop, customer_at, smtp, said: str, refusal: str  # type: ignore[no-untyped-def]
) -> None:
    noor = await _noor(customer_at, smtp)
    assert await noor.say(said) == [f"{refusal} {ASK_AGAIN}"]
    [done] = await noor.say("all of it")
    assert done.startswith("Just to confirm: I'll refund 38.40 EUR on order Q5521")
    assert await _refunded(caseloop[0]) == Decimal("0.00")


async def test_naming_another_order_after_the_limit_starts_over_on_that_order(
    caseloop, customer_at, smtp  # type: ignore[no-untyped-def]
) -> None:
    noor = await _noor(customer_at, smtp)
    assert await noor.say("refund me 5000 euros on Q5521") == [f"{MOST} {ASK_AGAIN}"]
    [ask] = await noor.say("the armchair from order Q5560 broke, I want a full refund")
    assert ask.startswith("Just to confirm: I'll refund 120.00 EUR on order Q5560")
    assert await _refunded(caseloop[0]) == Decimal("0.00")


@pytest.mark.parametrize("condition", ["max_amount = nan", "min_amount = inf",
                                       "max_order_age_days = nan"])
def test_a_policy_with_an_endless_number_is_refused(tmp_path: Path, condition: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(f'[[rule]]\nname = "odd"\ndecision = "auto"\n{condition}\n')
    with pytest.raises(PolicyError, match="finite"):
        Policy.load(path)
