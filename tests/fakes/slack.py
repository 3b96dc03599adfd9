"""A local stand-in for Slack's Web API, and the requests Slack itself sends, signed as Slack does.

`FakeSlack` serves `POST|GET /api/<method>` on a free port, like slack.com/api/: form, JSON or
query parameters in (the token as `Authorization: Bearer`, or a `token` field), `{"ok": true,
...}` out, and Slack's `{"ok": false, "error": "..."}` answers (with HTTP 200, as Slack does) for
a bad token, a missing argument, an unknown message, or a failure queued with `fail_next`. It
keeps the channel's messages, so `message(ts)` is what a person would see after every
`chat.update`, and `thread(ts)` the replies under it.

Socket Mode too: `apps.connections.open` (with an app-level `xapp-` token) hands out a WebSocket
URL on the same server, which greets with `hello`, sends what `push_envelope` queues, and records
the acknowledgements that come back.

The functions below it build what Slack posts to `/slack/events`: Events API callbacks and
interactivity payloads (`payload=<json>`, form-encoded), and `signed_headers` signs a body with
slack_sdk's own `SignatureVerifier`.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
import json
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fakes.ports import free_port

TOKEN = "xoxb-1111-2222-caseloop-test"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM_ID = "T0CASELOOP"
APP_ID = "A0CASELOOP"
BOT_USER_ID = "U0CASEBOT"
BOT_ID = "B0CASEBOT"
CHANNEL = "C0ESCALATE"
USERS = {
    "U0ALICE": "Alice Approver",
    "U0BOB": "Bob Approver",
    "U0MALLORY": "Mallory Intern",
}
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")


@dataclass
class Call:
    """One Web API call: the method and its parameters (JSON fields decoded)."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    """False when the fake answered with an error."""


@dataclass
class Message:
    """A message in the fake workspace, as it stands after every update."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    updates: int = 0


class FakeSlack:
    """Serves Slack's Web API for one bot token on a free port."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.port = free_port()
        self.calls: list[Call] = []
        self.messages: dict[str, Message] = {}
        self._failures: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._clock = itertools.count(1)
        self._base = int(time.time())
        self.socket_connections = 0
        self.socket_acks: list[dict[str, Any]] = []
        self._envelopes: queue.Queue[dict[str, Any]] = queue.Queue()
        app = Starlette(routes=[Route("/api/{method}", self._handle, methods=["GET", "POST"]),
                                WebSocketRoute("/link/", self._link)])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def api_url(self) -> str:
        """What `SLACK_API_URL` is set to (the trailing slash matters to slack_sdk)."""
        return f"http://127.0.0.1:{self.port}/api/"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def fail_next(self, method: str, error: str) -> None:
        """Answer the next call of `method` with `{"ok": false, "error": error}`."""
        with self._lock:
            self._failures.setdefault(method, []).append(error)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method and call.ok]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Block until `count` successful calls of `method` (matching `where`) were made."""
        deadline = time.monotonic() + timeout
        while True:
            found = [call for call in self.calls_to(method) if where is None or where(call)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} {method} call(s), expected {count}: "
                                     f"{[c.method for c in self.calls]}")
            time.sleep(0.02)

    def parents(self) -> list[Message]:
        """Top-level messages as they stand now, oldest first (one per case)."""
        with self._lock:
            return [_copy(m) for m in self.messages.values() if m.thread_ts is None]

    def message(self, ts: str) -> Message:
        """A message as it stands now (a copy: what a person saw stays as they saw it)."""
        with self._lock:
            return _copy(self.messages[ts])

    def thread(self, ts: str) -> list[Message]:
        """The replies in a message's thread, oldest first."""
        with self._lock:
            return [_copy(m) for m in self.messages.values() if m.thread_ts == ts]

    def ephemerals_to(self, user: str) -> list[str]:
        """The texts shown to one person only."""
        return [call.params.get("text", "") for call in self.calls_to("chat.postEphemeral")
                if call.params.get("user") == user]

    def push_envelope(self, kind: str, payload: dict[str, Any], retry_attempt: int = 0) -> str:
        """Send a Socket Mode envelope (`events_api` or `interactive`); its envelope id."""
        envelope_id = str(uuid.uuid4())
        self._envelopes.put({"envelope_id": envelope_id, "type": kind, "payload": payload,
                             "accepts_response_payload": kind == "interactive",
                             "retry_attempt": retry_attempt,
                             "retry_reason": "timeout" if retry_attempt else ""})
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 15.0) -> dict[str, Any]:
        """Block until the app acknowledged an envelope over the socket."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for ack in self.socket_acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
            time.sleep(0.02)
        raise AssertionError(f"envelope {envelope_id} was not acknowledged")

    def views_opened(self) -> list[dict[str, Any]]:
        """The modals opened, oldest first."""
        return [call.params["view"] for call in self.calls_to("views.open")]

    async def _handle(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await _params(request)
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
            queued = self._failures.get(method)
            failure = queued.pop(0) if queued else None
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or params.get("token", "")
        wanted = given.startswith("xapp-") if method == "apps.connections.open" else (
            given == self.token)
        if not wanted:
            failure = "invalid_auth" if given else "not_authed"
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if failure is None and answer is None:
            failure = "unknown_method"
        result = {"error": failure} if failure else answer(params)  # type: ignore[misc]
        if "error" in result:
            call.ok = False
            return JSONResponse({"ok": False, **result})
        return JSONResponse({"ok": True, **result})

    def _next_ts(self) -> str:
        return f"{self._base + next(self._clock)}.{next(self._clock):06d}"

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}"}

    async def _link(self, websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_json({"type": "hello", "num_connections": 1,
                                   "debug_info": {"host": "fake-slack"},
                                   "connection_info": {"app_id": APP_ID}})
        with self._lock:
            self.socket_connections += 1

        async def send_queued() -> None:
            while True:
                try:
                    envelope = self._envelopes.get_nowait()
                except queue.Empty:
                    await asyncio.sleep(0.02)
                    continue
                await websocket.send_json(envelope)

        sender = asyncio.create_task(send_queued())
        try:
            while True:
                ack = json.loads(await websocket.receive_text())
                with self._lock:
                    self.socket_acks.append(ack)
        except WebSocketDisconnect:
            pass
        finally:
            sender.cancel()

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "https://caseloop-test.slack.com/", "team": "Caseloop Test",
                "user": "caseloop", "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                "bot_id": BOT_ID, "is_enterprise_install": False}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        channel = params.get("channel")
        if not channel:
            return {"error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks"):
            return {"error": "no_text"}
        thread_ts = params.get("thread_ts") or None
        with self._lock:
            if thread_ts is not None and thread_ts not in self.messages:
                return {"error": "thread_not_found"}
            ts = self._next_ts()
            message = Message(channel, ts, params.get("text", ""), params.get("blocks") or [],
                              thread_ts)
            self.messages[ts] = message
        return {"channel": channel, "ts": ts,
                "message": {"type": "message", "bot_id": BOT_ID, "text": message.text,
                            "blocks": message.blocks, "ts": ts, "thread_ts": thread_ts}}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self.messages.get(params.get("ts", ""))
            if message is None or message.channel != params.get("channel"):
                return {"error": "message_not_found"}
            if "text" in params:
                message.text = params["text"]
            if "blocks" in params:
                message.blocks = params["blocks"] or []
            message.updates += 1
        return {"channel": message.channel, "ts": message.ts, "text": message.text}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        if not params.get("channel"):
            return {"error": "channel_not_found"}
        if params.get("user") not in USERS:
            return {"error": "user_not_in_channel"}
        return {"message_ts": self._next_ts()}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = params.get("user")
        if user not in USERS:
            return {"error": "user_not_found"}
        return {"user": {"id": user, "team_id": TEAM_ID, "name": user.lower(),
                         "real_name": USERS[user], "is_bot": False,
                         "profile": {"real_name": USERS[user], "display_name": USERS[user]}}}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread, its parent first, in pages of `limit` (a `cursor` is the next offset)."""
        ts, limit = params.get("ts", ""), int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        with self._lock:
            parent = self.messages.get(ts)
            if parent is None or parent.channel != params.get("channel"):
                return {"error": "thread_not_found"}
            thread = [parent, *(m for m in self.messages.values() if m.thread_ts == ts)]
        page = thread[start:start + limit]
        more = start + limit < len(thread)
        return {"messages": [{"type": "message", "bot_id": BOT_ID, "text": m.text,
                              "blocks": m.blocks, "ts": m.ts, "thread_ts": ts} for m in page],
                "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id"):
            return {"error": "invalid_trigger_id"}
        if not isinstance(view, dict) or view.get("type") != "modal":
            return {"error": "invalid_arguments"}
        return {"view": {**view, "id": f"V{next(self._clock):08d}", "team_id": TEAM_ID,
                         "state": {"values": {}}, "hash": "1.abc", "app_id": APP_ID}}


def _copy(message: Message) -> Message:
    return dataclasses.replace(message, blocks=copy.deepcopy(message.blocks))


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.method == "POST":
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    for key in _JSON_FIELDS:
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params


# -- what Slack posts to /slack/events -------------------------------------------------------

_event_ids = itertools.count(1)
_triggers = itertools.count(1)


def signed_headers(body: bytes | str, secret: str = SIGNING_SECRET,
                   timestamp: int | None = None, content_type: str = "application/json",
                   **extra: str) -> dict[str, str]:
    """The headers Slack sends with `body`, signed with slack_sdk's own code."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    text = body.decode() if isinstance(body, bytes) else body
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=text)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature, **extra}


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An Events API delivery wrapping one event."""
    return {
        "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
        "event": event, "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):010d}", "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                            "is_bot": True, "is_enterprise_install": False}],
    }


def thread_reply(user: str, text: str, thread_ts: str, channel: str = CHANNEL,
                 **extra: Any) -> dict[str, Any]:
    """A person's reply in a thread (a `message` event)."""
    ts = f"{time.time():.6f}"
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
            "thread_ts": thread_ts, "event_ts": ts, "channel_type": "channel",
            "team": TEAM_ID, **extra}


def block_action(user: str, action_id: str, value: str, message_ts: str,
                 channel: str = CHANNEL, thread_ts: str | None = None) -> dict[str, Any]:
    """A button pressed on a message in the channel, or in a thread under `thread_ts`
    (`block_actions`)."""
    threaded = {"thread_ts": thread_ts} if thread_ts else {}
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID, "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": False, **threaded},
        "trigger_id": f"{next(_triggers)}.{int(time.time())}.abcdef0123456789",
        "team": {"id": TEAM_ID, "domain": "caseloop-test"},
        "channel": {"id": channel, "name": "escalations"},
        "message": {"type": "message", "bot_id": BOT_ID, "ts": message_ts, "text": "case",
                    **threaded},
        "actions": [{"action_id": action_id, "block_id": "case", "type": "button",
                     "value": value, "action_ts": f"{time.time():.6f}",
                     "text": {"type": "plain_text", "text": action_id}}],
    }


def view_submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A modal submitted: `view` as opened, `values` as `{block_id: {action_id: value}}`.

    A value is typed text, or an option picked in a select (`picked(value)`)."""
    state = {block: {action: value if isinstance(value, dict)
                     else {"type": "plain_text_input", "value": value}
                     for action, value in inputs.items()}
             for block, inputs in values.items()}
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "caseloop-test"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID, "token": "legacy-verification-token",
        "trigger_id": f"{next(_triggers)}.{int(time.time())}.abcdef0123456789",
        "view": {**view, "id": view.get("id", "V0000001"), "team_id": TEAM_ID,
                 "state": {"values": state}},
    }


def picked(value: str) -> dict[str, Any]:
    """An option picked in a static select, as a form's state holds it."""
    return {"type": "static_select", "selected_option": {
        "text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}}


def interaction_body(payload: dict[str, Any]) -> str:
    """How Slack posts an interactivity payload: form-encoded `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload)})


def event_body(envelope: dict[str, Any]) -> str:
    return json.dumps(envelope)
