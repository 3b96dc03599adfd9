"""The HTTP client under PTB's `Bot`: Bot API answers told apart by status, in Telegram's words.

PTB folds a 5xx, a 404, a 413 and any other status into `NetworkError` or `InvalidToken`,
rewrites `Bad Request: ...` descriptions, and fails with a `KeyError` on a success without a
`result`. Caseloop decides on the status (a 5xx is tried again, a 413 is not) and shows
Telegram's description as written, so `BotAPIRequest` reads each answer before PTB does and
raises PTB's own exceptions, or one of the three below, itself.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.warnings import PTBDeprecationWarning

_BY_STATUS: dict[int, type[TelegramError]] = {
    HTTPStatus.BAD_REQUEST: BadRequest, HTTPStatus.UNAUTHORIZED: InvalidToken,
    HTTPStatus.FORBIDDEN: Forbidden, HTTPStatus.CONFLICT: Conflict,
}


class UnexpectedAnswer(TelegramError):
    """The server answered, but not as the Bot API does (a proxy's page, a wrong base URL)."""

    __slots__ = ()


class StatusError(TelegramError):
    """A Bot API error whose HTTP status PTB has no exception for (404, 413, ...).

    Attributes:
        status: The HTTP status of the answer.
    """

    __slots__ = ("status",)

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ServerError(NetworkError):
    """Telegram answered with a 5xx status: it failed this time and may not the next.

    Attributes:
        status: The HTTP status of the answer.
    """

    __slots__ = ("status",)

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class BotAPIRequest(HTTPXRequest):
    """PTB's `HTTPXRequest`, raising on any answer that is not a Bot API success."""

    __slots__ = ()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `telegram.request.BaseRequest.do_request`; answers other than success raise.

        Raises:
            NetworkError: the server could not be reached, or did not answer in time.
            TelegramError: the answer is an error (see `error_for`) or not the Bot API's JSON.
        """
        try:
            status, payload = await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout)
        except NetworkError as problem:
            if isinstance(problem.__cause__, httpx.ConnectError):
                host = httpx.URL(url).netloc.decode()  # never the path: it holds the token
                raise NetworkError(f"Cannot connect to host {host}: {problem.__cause__}"
                                   ) from problem.__cause__
            raise
        answer = _answer(status, payload)
        if HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES and answer["ok"] is True:
            if "result" not in answer:
                raise UnexpectedAnswer(f"HTTP {status}: a success without a result")
            return status, payload
        raise error_for(status, answer)


def error_for(status: int, answer: dict[str, Any]) -> TelegramError:
    """The exception for a Bot API error answer, its message Telegram's description as written.

    Flood control (`retry_after`) and a group's move (`migrate_to_chat_id`) come first, then
    the status: 400 `BadRequest`, 401 `InvalidToken`, 403 `Forbidden`, 409 `Conflict`, 5xx
    `ServerError`, anything else `StatusError`.
    """
    description = answer.get("description")
    if not isinstance(description, str) or not description:
        description = _phrase(status)
    parameters = answer.get("parameters")
    error: TelegramError
    if isinstance(parameters, dict) and _is_int(parameters.get("retry_after")):
        with _no_timedelta_warning():
            error = RetryAfter(parameters["retry_after"])
    elif isinstance(parameters, dict) and _is_int(parameters.get("migrate_to_chat_id")):
        error = ChatMigrated(parameters["migrate_to_chat_id"])
    elif status in _BY_STATUS:
        error = _BY_STATUS[status](description)
    elif status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        error = ServerError(status, description)
    else:
        error = StatusError(status, description)
    error.message = description  # PTB turns "Bad Request: chat not found" into "Chat not found"
    return error


def is_transient(problem: TelegramError) -> bool:
    """True when the same call may succeed later: Telegram unreachable or failing (5xx), flood
    control, or an answer that was not the Bot API's. PTB counts a 400 (`BadRequest`) as a
    `NetworkError`; it is final."""
    if isinstance(problem, RetryAfter | UnexpectedAnswer):
        return True
    return isinstance(problem, NetworkError) and not isinstance(problem, BadRequest)


def retry_seconds(problem: RetryAfter) -> float:
    """The seconds Telegram asks to wait."""
    with _no_timedelta_warning():
        value = problem.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@contextmanager
def _no_timedelta_warning() -> Iterator[None]:
    """PTB 22 warns whenever `RetryAfter.retry_after` is read (its constructor reads it too)
    that it will become a `timedelta`; `retry_seconds` takes either."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        yield


def _answer(status: int, payload: bytes) -> dict[str, Any]:
    """The answer's JSON: an object with a boolean `ok`, as every Bot API answer is."""
    try:
        answer = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("ok"), bool):
        raise UnexpectedAnswer(f"HTTP {status}: not a Bot API answer")
    return answer


def _phrase(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        return f"HTTP {status}"


def _is_int(value: object) -> bool:
    """A nonzero integer (Telegram's `parameters` leave out what does not apply)."""
    return isinstance(value, int) and not isinstance(value, bool) and value != 0
