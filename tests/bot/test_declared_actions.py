"""The bundled declared actions end to end, on the demo store and on the HTTP backend: proposed,
confirmed, done once, read back, audited; refused when their checks fail; sent for approval
when the policy says so. A hosted model (a local OpenAI stand-in) asks for each one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.assembly import Caseloop, assemble
from bot.config import DEFAULTS_DIR
from tests.backend.conftest import TOKEN, contract_shop
from tests.conftest import Customer, verify
from tests.factories import days_ago, make_settings, order, write_shop
from tests.fakes.backend_server import ReferenceBackend
from tests.fakes.capture import CaptureChannel
from tests.fakes.openai import FakeOpenAI, text, tool_call
from tests.fakes.smtp import SmtpSink

GOODWILL_UP_TO_10 = """
[[rule]]
name = "goodwill-up-to-10-auto"
action = "goodwill_credit"
max_amount = "10.00"
decision = "auto"
"""


def _shop() -> dict[str, Any]:
    data = contract_shop()
    data["orders"].append(order("Q5570", "K-77", "delivered", "45.00", item="Vase",
                                delivered_at=days_ago(41), placed_at=days_ago(45)))
    return data


def _relay(body: dict[str, Any]) -> dict[str, Any]:
    """Answer as a model would after a tool result: pass on what the tool said."""
    last = body["messages"][-1]
    if last["role"] != "tool":
        return text("How can I help?")
    said = json.loads(last["content"]).get("message")
    return text(said or last["content"])


@dataclass
class Shop:
    noor: Customer
    app: Caseloop
    model: FakeOpenAI

    async def order(self, order_id: str) -> dict[str, Any]:
        found = await self.app.store.get_order(order_id)
        assert found is not None
        return found.model_dump(mode="json")

    async def audit(self, action: str) -> list[tuple[str, dict]]:
        rows = await self.app.database.fetchall(
            "SELECT outcome, args FROM audit WHERE action = ? ORDER BY id", (action,))
        return [(row["outcome"], json.loads(row["args"])) for row in rows]

    async def asks(self, action: str, message: str, **args: Any) -> str:
        self.model.answers.append(tool_call(action, **args))
        return " ".join(await self.noor.say(message))


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(answer_with=_relay)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(params=["demo", "http"])
async def shop(request: pytest.FixtureRequest, tmp_path: Path, smtp: SmtpSink,
               fake_openai: FakeOpenAI) -> AsyncIterator[Shop]:
    backend: dict[str, str] = {}
    reference = None
    if request.param == "http":
        reference = ReferenceBackend(_shop(), token=TOKEN)
        reference.start()
        backend = {"CASELOOP_BACKEND": "http", "CASELOOP_BACKEND_URL": reference.url,
                   "CASELOOP_BACKEND_TOKEN": TOKEN, "CASELOOP_DEMO_DATA": str(
                       write_shop(tmp_path, _shop()))}
    else:
        backend = {"CASELOOP_DEMO_DATA": str(write_shop(tmp_path, _shop()))}
    policy = tmp_path / "policy.toml"  # the bundled one, with small store credits automatic
    policy.write_text(GOODWILL_UP_TO_10 + (DEFAULTS_DIR / "policy.toml").read_text())
    channel = CaptureChannel()
    app = await assemble(make_settings(
        tmp_path, CASELOOP_SMTP_URL=smtp.url, CASELOOP_MODEL="openai:gpt-test",
        OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=fake_openai.base_url,
        CASELOOP_POLICY=str(policy), **backend,
    ), extra_channels=[channel])
    noor = Customer(app, channel, "noor")
    await verify(noor, smtp, "noor.haddad@example.org")
    yield Shop(noor, app, fake_openai)
    await app.close()
    if reference is not None:
        reference.stop()


async def test_a_return_is_confirmed_done_once_with_its_label_read_back_and_audited(
        shop: Shop) -> None:
    ask = await shop.asks("start_return", "the lamp is wobbly, I want to send it back",
                          order_id="q5521", sku="desk lamp", reason="wobbly")
    assert ask.startswith("Just to confirm: I'll start the return of the Desk lamp from order "
                          "Q5521 and send you a prepaid return label.")
    done = " ".join(await shop.noor.say("yes please"))
    [entry] = (await shop.order("Q5521"))["returns"]
    assert done.startswith("Done: I've started the return of the Desk lamp from order Q5521; "
                           f"your return label is here: {entry['label_url']}.")
    assert entry["reference"] in done
    assert await shop.audit("start_return") == [
        ("done", {"order_id": "Q5521", "sku": "SKU-Q5521", "reason": "wobbly"})]
    await shop.noor.say("yes")  # a second yes to nothing changes nothing
    assert len((await shop.order("Q5521"))["returns"]) == 1


async def test_an_exchange_an_invoice_and_store_credit_are_done_and_read_back(
        shop: Shop) -> None:
    ask = await shop.asks("exchange_item", "can I have it in black?", order_id="Q5521",
                          sku="SKU-Q5521", variant="black")
    assert "exchange the Desk lamp on order Q5521 for the black one" in ask
    assert (await shop.noor.say("yes"))[0].startswith(
        "Done: I've arranged the exchange of the Desk lamp on order Q5521 for the black one.")
    assert [e["variant"] for e in (await shop.order("Q5521"))["exchanges"]] == ["black"]

    ask = await shop.asks("resend_invoice", "I need the invoice again", order_id="Q5521")
    assert "send the invoice for order Q5521 to the e-mail address on your account" in ask
    assert (await shop.noor.say("yes"))[0].startswith("Done: I've sent the invoice")
    assert len((await shop.order("Q5521"))["invoices_sent"]) == 1

    ask = await shop.asks("goodwill_credit", "could I get some credit for the trouble?", amount=5,
                          currency="EUR",
                          reason="late and damaged")
    assert "add 5.00 EUR of store credit to your account" in ask
    assert (await shop.noor.say("yes"))[0].startswith(
        "Done: I've added 5.00 EUR of store credit to your account.")
    customer = await shop.app.store.get_customer("K-77")
    assert customer is not None and customer.model_dump(mode="json")["store_credit"] == "5.00"
    assert [o for o, _args in await shop.audit("goodwill_credit")] == ["done"]
    [case] = [c for c in await shop.app.cases.for_customer("K-77") if c.reason == "goodwill"]
    assert (case.order_id, case.stage, case.resolution) == (None, "closed", "done")


async def test_checks_refuse_before_anything_is_proposed(shop: Shop) -> None:
    said = await shop.asks("start_return", "return the bookshelf", order_id="Q5530",
                           sku="Bookshelf")
    assert "Order Q5530 hasn't shipped yet, so there is nothing to return" in said
    said = await shop.asks("start_return", "return the vase", order_id="Q5570", sku="Vase")
    assert "Order Q5570 was delivered more than 30 days ago, so it is past the return " \
           "window." in said
    assert [o for o, _args in await shop.audit("start_return")] == ["refused"] * 2


async def test_an_item_the_order_lacks_or_a_variant_the_backend_refuses_changes_nothing(
        shop: Shop) -> None:
    said = await shop.asks("start_return", "return the sofa", order_id="Q5521", sku="Sofa")
    assert "I couldn't find that item on order Q5521" in said
    said = await shop.asks("exchange_item", "in purple", order_id="Q5521", sku="SKU-Q5521",
                           variant="purple")
    assert "Just to confirm" in said  # the variants are the backend's to check
    refused = " ".join(await shop.noor.say("yes"))
    assert "I couldn't complete that" in refused and "Nothing was changed" in refused
    assert (await shop.order("Q5521")).get("exchanges", []) == []
    assert [o for o, _args in await shop.audit("exchange_item")] == ["failed"]


async def test_a_reship_waits_for_a_colleague_as_the_policy_says(shop: Shop) -> None:
    said = await shop.asks("reship_order", "the parcel never came", order_id="Q5544",
                           reason="lost")
    assert "send order Q5544 again at no cost" in said
    parked = " ".join(await shop.noor.say("yes"))
    assert "needs a colleague's approval before I can send order Q5544 again" in parked
    [waiting] = await shop.app.approvals.pending_for("K-77")
    assert (waiting["action"], waiting["args"]) == ("reship_order",
                                                     {"order_id": "Q5544", "reason": "lost"})
    assert (await shop.order("Q5544")).get("reships", []) == []
    said = await shop.asks("reship_order", "it came broken", order_id="Q5544",
                           reason="smashed")
    assert "I couldn't use the reason given for that" in said
