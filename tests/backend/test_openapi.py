"""The OpenAPI document is the contract: valid, complete, and what both sides actually speak."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from bot.business.http_backend import HttpBackend
from graph.backend import Address, BackendError
from tests.backend.conftest import http_backend_for
from tests.fakes.backend_server import ReferenceBackend

SPEC = yaml.safe_load((Path(__file__).parents[2] / "deploy" / "backend-openapi.yaml")
                      .read_text())
WRITES = {"refundOrder", "cancelOrder", "changeShippingAddress", "startReturn", "exchangeItem",
          "reshipOrder", "resendInvoice", "goodwillCredit"}
CREDIT = {"amount": "4.00", "currency": "EUR", "reason": "late delivery"}


def test_the_contract_is_a_valid_openapi_3_1_document():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")
    assert SPEC["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_write_requires_an_idempotency_key():
    for path, methods in SPEC["paths"].items():
        for operation in methods.values():
            names = [_resolve(p)["name"] for p in operation.get("parameters", [])
                     if _resolve(p)["in"] == "header"]
            assert ("Idempotency-Key" in names) == (operation["operationId"] in WRITES), path
            if operation["operationId"] in WRITES:
                assert {"200", "404", "409", "422"} <= set(operation["responses"])


async def test_caseloop_and_the_reference_speak_exactly_the_contract(reference: ReferenceBackend):
    backend = http_backend_for(reference, timeout=0.3, attempts=8, backoff=0.2)
    stranger = HttpBackend(reference.url, "wrong-token", attempts=1)
    new = Address(line1="1 Quay", line2=None, city="Cork", postcode="T12", country="IE")
    try:
        await backend.find_customer_by_email("noor.haddad@example.org")
        await backend.find_customers_by_phone("+15550001111")
        await backend.get_customer("K-77")
        await backend.get_customer("K-00")
        await backend.list_orders("K-77")
        await backend.list_orders("K-00")
        await backend.get_order("Q5521")
        await backend.get_order("Q0000")
        reference.slow(0.6, times=1, match="POST /orders")
        await backend.refund("Q5521", Decimal("10.00"), "k1")
        await backend.refund("Q5521", Decimal("10.00"), "k1")
        await backend.refund("Q5521", Decimal("99.00"), "k2")
        await backend.refund("Q5521", Decimal("11.00"), "k1")
        await backend.refund("Q0000", Decimal("1.00"), "k3")
        await backend.cancel_order("Q5544", "k4")
        await backend.change_address("Q5530", new, "k5")
        await backend.cancel_order("Q5530", "k6")
        await backend.perform("startReturn", "Q5521", {"sku": "SKU-Q5521", "reason": "dim"}, "k7")
        await backend.perform("startReturn", "Q5530", {"sku": "SKU-Q5530"}, "k8")
        await backend.perform("exchangeItem", "Q5521", {"sku": "SKU-Q5521", "variant": "white"},
                              "k9")
        await backend.perform("reshipOrder", "Q5544", {"reason": "damaged"}, "k10")
        await backend.perform("resendInvoice", "Q5521", {}, "k11")
        await backend.perform("resendInvoice", "Q5560", {}, "k12")
        await backend.perform("goodwillCredit", "K-77", CREDIT, "k13")
        await backend.perform("goodwillCredit", "K-00", CREDIT, "k14")
        await backend.get_order("Q5521")
        await backend.get_order("Q5544")
        await backend.get_customer("K-77")
        try:
            await stranger.get_order("Q5521")
        except BackendError:
            pass
    finally:
        await backend.close()
        await stranger.close()
    used: set[str] = set()
    statuses: set[tuple[str, int]] = set()
    for record in reference.requests:
        operation_id, operation = _operation(record["method"], record["path"])
        used.add(operation_id)
        statuses.add((operation_id, record["status"]))
        _check_request(operation, record)
        _check_answer(operation, record)
    every = {op["operationId"] for methods in SPEC["paths"].values() for op in methods.values()}
    assert used == every
    assert {("refundOrder", s) for s in (200, 404, 409, 422)} <= statuses
    assert {(op, 200) for op in WRITES} <= statuses
    assert {("startReturn", 422), ("resendInvoice", 422), ("goodwillCredit", 404)} <= statuses
    assert ("getOrder", 401) in statuses


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    for template, methods in sorted(SPEC["paths"].items(), key=lambda item: "{" in item[0]):
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        operation = methods.get(method.lower())
        if operation and re.match(pattern, path):
            return operation["operationId"], operation
    raise AssertionError(f"{method} {path} is not in the contract")


def _check_request(operation: dict[str, Any], record: dict[str, Any]) -> None:
    if operation["operationId"] in WRITES:
        assert record["idempotency_key"], record
    body = operation.get("requestBody")
    if body is None:
        assert record["body"] == b"", record
        return
    if record["body"] or body.get("required"):
        _validate(json.loads(record["body"]), body["content"]["application/json"]["schema"])


def _check_answer(operation: dict[str, Any], record: dict[str, Any]) -> None:
    response = operation["responses"].get(str(record["status"]))
    assert response is not None, f"{operation['operationId']} answered {record['status']}"
    response = _resolve(response)
    _validate(json.loads(record["answer"]), response["content"]["application/json"]["schema"])


def _validate(instance: Any, schema: dict[str, Any]) -> None:
    OAS31Validator({**schema, "components": SPEC["components"]}).validate(instance)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    target: Any = SPEC
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target
