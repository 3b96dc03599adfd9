"""The bundled demo data lets the quick start show every write of the contract."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.business.demo_store import DemoStore
from bot.config import DEFAULTS_DIR
from bot.storage.database import Database
from graph.backend import ActionResult
from tests.databases import database_url


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[DemoStore]:
    database = await Database.open(database_url(tmp_path))
    store = DemoStore(database)
    await store.seed(DEFAULTS_DIR / "demo.json")
    yield store
    await database.close()


async def test_ada_can_return_or_exchange_her_mug(demo: DemoStore):
    mug = (await demo.get_order("A1001")).items[0].model_dump()
    assert (mug["variant"], mug["variants"]) == ("white", ["white", "black", "blue"])
    started = await demo.perform("startReturn", "A1001", {"sku": "MUG-1"}, "demo-1")
    assert started.ok and started.detail["label_url"].startswith("https://")
    assert (await demo.perform("exchangeItem", "B2001", {"sku": "CHAIR-9", "variant": "grey"},
                               "demo-2")).ok
    assert (await demo.perform("exchangeItem", "C3001", {"sku": "BOOK-3", "variant": "dotted"},
                               "demo-3")).ok


async def test_ada_can_have_an_order_sent_again_and_an_invoice_but_not_for_a_new_order(
        demo: DemoStore):
    assert (await demo.perform("reshipOrder", "A1003", {"reason": "lost"}, "demo-1")).ok
    sent = await demo.perform("resendInvoice", "A1001", {}, "demo-2")
    assert sent.detail == {"invoice_url": "https://shop.example.com/invoices/INV-A1001.pdf"}
    assert await demo.perform("resendInvoice", "A1002", {}, "demo-3") == ActionResult(
        ok=False, error="order has no invoice yet")


async def test_customers_start_without_store_credit_and_ada_has_a_subscription(
        demo: DemoStore):
    for customer_id in ("C1", "C2", "C3"):
        assert (await demo.get_customer(customer_id)).model_dump()["store_credit"] == "0.00"
    assert (await demo.get_customer("C1")).model_dump()["subscription"] == {
        "id": "SUB-1001", "plan": "Tea of the month", "status": "active"}
    credit = {"amount": "10.00", "currency": "USD", "reason": "late parcel"}
    assert (await demo.perform("goodwillCredit", "C1", credit, "demo-1")).detail == {
        "store_credit": "10.00"}
