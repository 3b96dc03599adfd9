"""Calls to the business's backend over HTTP: bearer auth, timeouts, retries with backoff."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import httpx

from graph.backend import BackendError

log = logging.getLogger("caseloop.backend")

MAX_DELAY = 5.0
"""Longest wait between two attempts, in seconds, whatever Retry-After asks for."""
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def is_retryable(status: int) -> bool:
    """A 5xx, or a 409 (the same Idempotency-Key is still being processed): try again later.

    Every other 4xx is an answer: asking again would get the same one.
    """
    return status >= 500 or status == 409


class BackendCalls:
    """Sends requests to the backend, retrying what may succeed on a second try.

    Args:
        base_url: Where the backend contract is served; request paths are relative to it.
        token: Sent as `Authorization: Bearer <token>` when given.
        timeout: Seconds each attempt may take to connect, send, or wait for data.
        attempts: How many times a request is tried in all.
        backoff: Seconds before the first retry; each later one waits twice as long (with
            jitter), up to `MAX_DELAY`.
        transport: An httpx transport to use instead of the network.
    """

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 5.0,
                 attempts: int = 3, backoff: float = 0.25,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Accept": "application/json", "User-Agent": "caseloop"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.AsyncClient(base_url=base_url.rstrip("/") + "/", headers=headers,
                                         timeout=timeout, transport=transport)
        self._attempts = max(1, attempts)
        self._backoff = backoff

    async def request(self, method: str, path: str, *, body: Any = None,
                      idempotency_key: str | None = None) -> httpx.Response:
        """Send one request until it gets an answer that is not worth retrying.

        The same headers (and so the same Idempotency-Key) go with every attempt.

        Returns:
            The first answer that is neither a 5xx nor a 409; any other 4xx is returned as is.

        Raises:
            BackendError: every attempt timed out, lost its connection or got a 5xx or 409.
        """
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        failure = "no attempt"
        for attempt in range(1, self._attempts + 1):
            retry_after = 0.0
            try:
                response = await self._client.request(method, path, json=body, headers=headers)
            except _TRANSIENT as problem:
                failure = type(problem).__name__
            except httpx.HTTPError as problem:
                raise BackendError(f"{method} {path}: {type(problem).__name__}") from problem
            else:
                if not is_retryable(response.status_code):
                    return response
                failure = f"HTTP {response.status_code}"
                retry_after = _retry_after(response)
            if attempt < self._attempts:
                delay = min(max(self._delay(attempt), retry_after), MAX_DELAY)
                log.warning("Backend %s %s failed (%s), attempt %d of %d; retrying in %.2f s",
                            method, path, failure, attempt, self._attempts, delay)
                await asyncio.sleep(delay)
        log.error("Backend %s %s failed (%s) on all %d attempts", method, path, failure,
                  self._attempts)
        raise BackendError(f"{method} {path}: {failure} after {self._attempts} attempts")

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    def _delay(self, attempt: int) -> float:
        ceiling = self._backoff * 2 ** (attempt - 1)
        return random.uniform(ceiling / 2, ceiling)


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0
