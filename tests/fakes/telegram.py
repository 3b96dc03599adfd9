"""A local stand-in for the Telegram Bot API: `POST /bot<token>/<method>`, recorded requests.

Speaks the real wire format: form data or JSON in (python-telegram-bot sends form fields, every
value a string, `reply_markup` as JSON text), `{"ok": true, "result": ...}` out, and Telegram's
error bodies with the matching HTTP status. Updates queued with `push_update` are served by
`getUpdates` (long-polling briefly); failures queued with `fail_next` answer the next call.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.ports import free_port

TOKEN = "123456789:AAE-test-token_for-caseloop"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Caseloop",
            "username": "caseloop_test_bot", "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
LONG_POLL_CAP = 0.5
"""The most seconds `getUpdates` waits for news here (Telegram waits up to `timeout`)."""
_JSON_FIELDS = ("reply_markup", "allowed_updates", "entities", "link_preview_options",
                "reply_parameters")


@dataclass
class Call:
    """One request the bot made: the method and its parameters (JSON fields decoded)."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    """False when the fake answered with an error."""


class FakeTelegram:
    """Serves the Bot API for one bot token on a free port."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.port = free_port()
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] = {}
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        app = Starlette(routes=[Route("/bot{token}/{method}", self._handle,
                                      methods=["GET", "POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def api_url(self) -> str:
        """What `TELEGRAM_API_URL` is set to."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for `getUpdates`."""
        with self._lock:
            self._updates.append(update)

    def fail_next(self, method: str, error_code: int, description: str,
                  retry_after: int | None = None, after: int = 0) -> None:
        """Answer a coming call of `method` with a Bot API error: the next one, or the one
        after `after` more calls succeeded."""
        body: dict[str, Any] = {"ok": False, "error_code": error_code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self._failures.setdefault(method, []).append({"after": after, "body": body})

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def sent_to(self, chat_id: int | str) -> list[Call]:
        """The messages sent to one chat (successful `sendMessage` calls), in order."""
        return [call for call in self.calls_to("sendMessage")
                if call.ok and str(call.params.get("chat_id")) == str(chat_id)]

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [call.params["text"] for call in self.sent_to(chat_id)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                 chat_id: int | str | None = None) -> list[Call]:
        """Block until `count` calls of `method` (to `chat_id`, if given) were made."""
        deadline = time.monotonic() + timeout
        while True:
            found = (self.calls_to(method) if chat_id is None or method != "sendMessage"
                     else self.sent_to(chat_id))
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} {method} call(s), expected {count}: "
                                     f"{[c.method for c in self.calls]}")
            time.sleep(0.02)

    async def _handle(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params = await _params(request)
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
            failure = self._take_failure(method)
        if failure is not None:
            call.ok = False
            return JSONResponse(failure, status_code=failure["error_code"])
        answer = getattr(self, f"_{method}", None)
        if answer is None:
            return _error(404, "Not Found: method not found")
        result = await answer(params)
        if isinstance(result, JSONResponse):
            call.ok = False
            return result
        return JSONResponse({"ok": True, "result": result})

    def _take_failure(self, method: str) -> dict[str, Any] | None:
        queued = self._failures.get(method)
        if not queued:
            return None
        if queued[0]["after"] > 0:
            queued[0]["after"] -= 1
            return None
        return queued.pop(0)["body"]

    async def _getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Bot API names
        return BOT_USER

    async def _sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        text = params.get("text", "")
        if not text:
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Customer"},
            "from": BOT_USER, "text": text,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    async def _setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        url = params.get("url", "")
        if not url.startswith("https://"):
            return _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for "
                               "webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token"),
                        "allowed_updates": params.get("allowed_updates")}
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = {}
        return True

    async def _getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        if self.webhook:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active; "
                               "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset", 0) or 0)
        wait = min(float(params.get("timeout", 0) or 0), LONG_POLL_CAP)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                # Asking for an offset confirms every update before it: Telegram forgets them.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    form = await request.form()
    params: dict[str, Any] = {key: value for key, value in form.items()
                              if isinstance(value, str)}
    for key in _JSON_FIELDS:
        if key in params:
            params[key] = json.loads(params[key])
    return params


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": code, "description": description},
                        status_code=code)
