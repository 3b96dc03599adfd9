"""The business's own backend over HTTP, as `deploy/backend-openapi.yaml` describes it."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, Field, ValidationError

from bot.business.backend_calls import BackendCalls
from bot.business.operations import CONTRACT, read_operations
from graph.backend import ActionResult, Address, BackendError, Customer, Order

log = logging.getLogger("caseloop.backend")

NO_SUCH_ORDER = "no such order"
NO_SUCH_CUSTOMER = "no such customer"
KEY_PREFIX = "caseloop-"
_SAFE_KEY = re.compile(r"[A-Za-z0-9._:-]{1,200}")

_Model = TypeVar("_Model", bound=BaseModel)


class _Outcome(BaseModel):
    reference: str = Field(min_length=1)
    detail: dict[str, Any] | None = None


class HttpBackend:
    """A `Backend` that calls the business's own service over HTTP.

    Reads that find nothing (404) are `None` or empty; a write the backend refuses (404, 422)
    is an `ActionResult` with `ok` false and the backend's reason. A backend that cannot be
    reached, keeps failing, or answers anything else raises `BackendError`: no outcome is ever
    made up. Its writes (`operations()`) are the POST, PUT, PATCH and DELETE operations on an
    order or a customer of the backend's OpenAPI document, read once, here.

    Args:
        base_url: `CASELOOP_BACKEND_URL`.
        token: `CASELOOP_BACKEND_TOKEN`, sent as a bearer token.
        openapi: `CASELOOP_BACKEND_OPENAPI`, the backend's OpenAPI document: `perform` calls its
            operations by `operationId`.
        timeout: Seconds each attempt may take.
        attempts: How many times a call is tried on timeouts, broken connections, 5xx and 409.
        backoff: Seconds before the first retry (doubling after that).
        transport: An httpx transport to use instead of the network.

    Raises:
        ValueError: the OpenAPI document cannot be read.
    """

    def __init__(self, base_url: str, token: str | None = None, *, openapi: Path = CONTRACT,
                 timeout: float = 5.0, attempts: int = 3, backoff: float = 0.25,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._writes = {name: operation for name, operation in read_operations(openapi).items()
                        if operation.is_write}
        self._calls = BackendCalls(base_url, token, timeout=timeout, attempts=attempts,
                                   backoff=backoff, transport=transport)

    async def find_customer_by_email(self, email: str) -> Customer | None:
        found = await self._lookup({"email": email.strip()})
        return found[0] if found else None

    async def find_customers_by_phone(self, phone: str) -> list[Customer]:
        return await self._lookup({"phone": phone.strip()})

    async def get_customer(self, customer_id: str) -> Customer | None:
        body = await self._read(f"customers/{_segment(customer_id)}")
        return None if body is None else _parse(Customer, body)

    async def list_orders(self, customer_id: str) -> list[Order]:
        body = await self._read(f"customers/{_segment(customer_id)}/orders")
        return [] if body is None else _parse_list(Order, body, "orders")

    async def get_order(self, order_id: str) -> Order | None:
        body = await self._read(f"orders/{_segment(order_id.strip())}")
        return None if body is None else _parse(Order, body)

    def operations(self) -> frozenset[str]:
        return frozenset(self._writes)

    async def perform(self, operation: str, target: str, args: Mapping[str, Any],
                      idempotency_key: str) -> ActionResult:
        found = self._writes.get(operation)
        if found is None:
            raise ValueError(f"the backend's OpenAPI document has no write {operation!r} "
                             f"(it has {', '.join(sorted(self._writes))})")
        path, body = found.request(target, args)
        response = await self._calls.request(
            found.method, path, body=body if body or found.method != "DELETE" else None,
            idempotency_key=http_idempotency_key(idempotency_key))
        if response.is_success:
            outcome = _parse(_Outcome, _json(response))
            return ActionResult(ok=True, reference=outcome.reference,
                                detail=outcome.detail or {})
        if response.status_code == 404:
            unknown = NO_SUCH_ORDER if found.target == "order_id" else NO_SUCH_CUSTOMER
            return ActionResult(ok=False, error=_error_message(response) or unknown)
        if response.status_code == 422:
            return ActionResult(ok=False, error=_error_message(response) or "refused")
        raise _unexpected(response)

    async def refund(self, order_id: str, amount: Decimal, idempotency_key: str) -> ActionResult:
        return await self.perform("refundOrder", order_id, {"amount": f"{amount:f}"},
                                  idempotency_key)

    async def cancel_order(self, order_id: str, idempotency_key: str) -> ActionResult:
        return await self.perform("cancelOrder", order_id, {}, idempotency_key)

    async def change_address(
        self, order_id: str, address: Address, idempotency_key: str
    ) -> ActionResult:
        return await self.perform("changeShippingAddress", order_id,
                                  address.model_dump(mode="json", exclude_none=True),
                                  idempotency_key)

    async def close(self) -> None:
        """Close the connections to the backend."""
        await self._calls.close()

    async def _lookup(self, query: dict[str, str]) -> list[Customer]:
        response = await self._calls.request("POST", "customers/lookup", body=query)
        if response.status_code != 200:
            raise _unexpected(response)
        return _parse_list(Customer, _json(response), "customers")

    async def _read(self, path: str) -> Any:
        response = await self._calls.request("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise _unexpected(response)
        return _json(response)


def http_idempotency_key(key: str) -> str:
    """The `Idempotency-Key` header for an action's key: the same key gives the same header."""
    if _SAFE_KEY.fullmatch(key):
        return KEY_PREFIX + key
    return KEY_PREFIX + "sha256-" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def _segment(value: str) -> str:
    return quote(value, safe="")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise BackendError(f"{_where(response)}: HTTP {response.status_code} with a body that "
                           "is not JSON") from None


def _parse(model: type[_Model], body: Any) -> _Model:
    try:
        return model.model_validate(body)
    except ValidationError as problem:
        raise BackendError(f"the backend answered with a {model.__name__.strip('_').lower()} "
                           f"Caseloop cannot read: {problem.error_count()} problem(s), first "
                           f"{problem.errors()[0]['loc']}: {problem.errors()[0]['msg']}") from None


def _parse_list(model: type[_Model], body: Any, key: str) -> list[_Model]:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise BackendError(f"the backend answered without a list of {key}")
    return [_parse(model, item) for item in body[key]]


def _error_message(response: httpx.Response) -> str | None:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return None
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str) or not message.strip():
        return None
    return message.strip()


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "no error code"


def _where(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url.path}"


def _unexpected(response: httpx.Response) -> BackendError:
    problem = f"{_where(response)}: HTTP {response.status_code} ({_error_code(response)})"
    log.error("The backend refused a request Caseloop expected it to answer: %s", problem)
    return BackendError(problem)
