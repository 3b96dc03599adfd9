"""Fixtures for the backend contract: a reference server, and both backends behind the protocol."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.business.demo_store import DemoStore
from bot.business.http_backend import HttpBackend
from bot.storage.database import Database
from graph.backend import Backend
from tests.databases import database_url
from tests.factories import customer, shop, write_shop
from tests.fakes.backend_server import ReferenceBackend

TOKEN = "contract-test-token"


def contract_shop() -> dict:
    """The test shop, with phones on file (one shared by two customers) and extra fields.

    Its dates are fixed once per run, so two backends seeded a second apart hold the same data.
    """
    return copy.deepcopy(_CONTRACT_SHOP)


def _contract_shop() -> dict:
    data = shop()
    data["customers"][0]["phone"] = "+33612345678"
    data["customers"][0]["store_credit"] = "0.00"
    data["customers"][1]["phone"] = "+15550001111"
    data["customers"][2]["phone"] = "+15550001111"
    data["customers"].append(customer("K-55", "Ines Duarte", "Ines.Duarte@Example.com",
                                      loyalty="gold"))
    lamp = next(o for o in data["orders"] if o["id"] == "Q5521")
    lamp["items"][0].update(variant="brass", variants=["brass", "black", "white"])
    lamp["invoice"] = {"number": "INV-5521", "url": INVOICE_URL}
    return data


INVOICE_URL = "https://shop.example/invoices/INV-5521.pdf"


_CONTRACT_SHOP = _contract_shop()


@pytest.fixture
def reference() -> Iterator[ReferenceBackend]:
    server = ReferenceBackend(contract_shop(), token=TOKEN)
    server.start()
    yield server
    server.stop()


def http_backend_for(server: ReferenceBackend, **options: float) -> HttpBackend:
    """An HttpBackend on the reference server, quick to give up unless told otherwise."""
    settings = {"timeout": 2.0, "attempts": 3, "backoff": 0.01, **options}
    return HttpBackend(server.url, server.token, timeout=settings["timeout"],
                       attempts=int(settings["attempts"]), backoff=settings["backoff"])


async def open_demo_store(folder: Path) -> tuple[DemoStore, Database]:
    database = await Database.open(database_url(folder))
    store = DemoStore(database)
    await store.seed(write_shop(folder, contract_shop()))
    return store, database


@pytest.fixture
async def http_backend(reference: ReferenceBackend) -> AsyncIterator[HttpBackend]:
    backend = http_backend_for(reference)
    yield backend
    await backend.close()


@pytest.fixture(params=["demo", "http"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each test using this runs twice: on the demo store, and over HTTP on the reference."""
    if request.param == "demo":
        store, database = await open_demo_store(tmp_path)
        yield store
        await database.close()
        return
    server: ReferenceBackend = request.getfixturevalue("reference")
    client = http_backend_for(server)
    yield client
    await client.close()
