"""Builders for demo data, settings and messages used across the tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings, load_settings
from tests.databases import database_url


def days_ago(days: float) -> str:
    """A timestamp `days` before now, so the policy's time windows hold whenever tests run."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def customer(cid: str, name: str, email: str, tier: str = "standard", **extra: Any) -> dict:
    return {"id": cid, "name": name, "email": email, "phone": None, "tier": tier, **extra}


def order(oid: str, customer_id: str, status: str, total: str, *, currency: str = "EUR",
          placed_at: str | None = None, delivered_at: str | None = None,
          item: str = "Lamp", tracking: dict | None = None, **extra: Any) -> dict:
    return {
        "id": oid, "customer_id": customer_id, "status": status,
        "placed_at": placed_at or days_ago(8),
        "delivered_at": delivered_at, "currency": currency, "total": total,
        "items": [{"sku": f"SKU-{oid}", "name": item, "qty": 1, "unit_price": total}],
        "shipping_address": {"line1": "5 Rue Haute", "city": "Lyon", "postcode": "69001",
                             "country": "FR"},
        "tracking": tracking, **extra,
    }


def shop() -> dict:
    """A small shop whose people and orders appear nowhere in the bundled demo data."""
    return {
        "customers": [
            customer("K-77", "Noor Haddad", "noor.haddad@example.org"),
            customer("K-88", "Bartholomew Okafor", "bart@okafor.example", tier="vip"),
            customer("K-99", "Mei Lin", "mei.lin@example.net"),
        ],
        "orders": [
            order("Q5521", "K-77", "delivered", "38.40", delivered_at=days_ago(4),
                  item="Desk lamp", tracking={"carrier": "GLS", "number": "GL-5521",
                                               "eta": "2026-11-19"}),
            order("Q5530", "K-77", "processing", "210.00", item="Bookshelf"),
            order("Q5544", "K-77", "shipped", "64.00", item="Rug",
                  tracking={"carrier": "DPD", "number": "DPD-998877", "eta": "2026-11-27"}),
            order("Q5560", "K-77", "delivered", "120.00", delivered_at=days_ago(2),
                  item="Armchair"),
            order("V9001", "K-88", "delivered", "20.00", delivered_at=days_ago(3),
                  item="Candle"),
            order("M3003", "K-99", "delivered", "75.00", delivered_at=days_ago(80),
                  placed_at=days_ago(85), item="Teapot"),
        ],
    }


def write_shop(folder: Path, data: dict | None = None) -> Path:
    path = folder / "shop.json"
    path.write_text(json.dumps(data or shop()))
    return path


def make_settings(folder: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url(folder),
        "CASELOOP_MODEL": "offline",
        **overrides,
    }
    if "CASELOOP_DEMO_DATA" not in values:
        values["CASELOOP_DEMO_DATA"] = str(write_shop(folder))
    return load_settings(**values)


def env_for(settings: Settings) -> dict[str, str]:
    """The environment variables that reproduce `settings` in a server process."""
    env = {
        "DATABASE_URL": settings.database_url,
        "CASELOOP_DEMO_DATA": str(settings.demo_data),
        "CASELOOP_MODEL": settings.model_name,
        "CASELOOP_POLICY": str(settings.policy_file),
    }
    for name, value in (("CASELOOP_SMTP_URL", settings.smtp_url),
                        ("OPENAI_API_KEY", settings.openai_api_key),
                        ("OPENAI_BASE_URL", settings.openai_base_url)):
        if value:
            env[name] = value
    return env


WARRANTY_ACTION = '''
[[action]]
name = "extend_warranty"
description = "Extend the warranty of a delivered order by a year."
applies_to = "order"
statuses = ["delivered"]
confirm = "extend the warranty of order {order_id} by a year"
done = "extended the warranty of order {order_id}; it now runs until {until}"
result = ["until"]
operation = "extendWarranty"
verify = { read = "order", field = "warranty.until", equals = "{until}" }

[action.arguments]
type = "object"
required = ["order_id"]
properties.order_id = { type = "string" }

[action.refusals]
processing = "Order {order_id} hasn't arrived yet; its warranty starts on delivery."
'''
"""A declaration of an action no bundled file has (its backend operation is `extendWarranty`)."""


BUNDLED_CASE_TYPES = ("order_status", "refund", "cancellation", "address_change", "return",
                      "exchange", "reship", "invoice", "goodwill", "other", "policy_question")
"""The case types with the bundled declarations, in the order they are listed."""
BUNDLED_REASONS = (*BUNDLED_CASE_TYPES[:-1], "delay", "payment")
"""The case reasons with the bundled declarations (a policy question opens no case; outreach
adds its own)."""
