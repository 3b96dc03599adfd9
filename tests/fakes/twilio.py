"""A local stand-in for Twilio's REST API (Messages, Calls): queued failures, recorded requests,
and numbers that replied STOP refused as Twilio refuses them (error 21610)."""

from __future__ import annotations

import base64
import itertools
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.ports import free_port

_sids = itertools.count(1)


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    """A failure as Twilio's REST API answers it."""
    return {"status": status,
            "body": {"code": code, "message": message, "status": status,
                     "more_info": f"https://www.twilio.com/docs/errors/{code}"}}


class FakeTwilio:
    """Serves `POST /2010-04-01/Accounts/<sid>/Messages.json` on a free port.

    Each request takes the next planned answer (`fail`, `succeed`); with nothing planned it is
    201 and a new message resource. A message to a number that `unsubscribe`d is refused with
    error 21610 whatever is planned. Requests are recorded with their form fields and Basic auth.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.plan: list[dict[str, Any] | None] = []
        self.requests: list[dict[str, Any]] = []
        self.unsubscribed: set[str] = set()
        self.calls: list[dict[str, Any]] = []
        """Calls placed (`Calls.json`): each with its form fields and the sid it got."""
        app = Starlette(routes=[Route("/2010-04-01/Accounts/{account}/Messages.json",
                                      self._create_message, methods=["POST"]),
                                Route("/2010-04-01/Accounts/{account}/Calls.json",
                                      self._create_call, methods=["POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    def fail(self, status: int, code: int | None = None, message: str = "Service unavailable",
             times: int = 1) -> None:
        """Answer the next `times` requests with this error instead of creating a message."""
        for _ in range(times):
            self.plan.append(twilio_error(status, code or status, message))

    def succeed(self, times: int = 1) -> None:
        """Create the message for the next `times` requests (before failures planned later)."""
        self.plan.extend([None] * times)

    @property
    def created(self) -> list[dict[str, Any]]:
        """The requests that created a message (answered 201), in order."""
        return [r for r in self.requests if r["status"] == 201]

    def reset(self) -> None:
        """Forget recorded requests, planned answers and unsubscribed numbers."""
        self.plan.clear()
        self.requests.clear()
        self.unsubscribed.clear()
        self.calls.clear()

    def unsubscribe(self, number: str) -> None:
        """The number replied STOP: messages to it are refused from now on (error 21610)."""
        self.unsubscribed.add(number)

    def sent_to(self, number: str, channel: str = "whatsapp") -> list[dict[str, str]]:
        """Form fields of every message created for a number (E.164) on `whatsapp` or `sms`."""
        to = _address(number, channel)
        return [r["form"] for r in self.created if r["form"].get("To") == to]

    def attempts_for(self, number: str, channel: str = "whatsapp") -> list[dict[str, Any]]:
        """Every request for a number, answered or refused, in order."""
        to = _address(number, channel)
        return [r for r in self.requests if r["form"].get("To") == to]

    def wait_for(self, number: str, count: int = 1, timeout: float = 20.0,
                 channel: str = "whatsapp") -> list[dict[str, str]]:
        """Block until `count` messages were created for `number`; returns them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent_to(number, channel)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{len(self.sent_to(number, channel))} of {count} messages reached "
                             f"{number} within {timeout}s; requests: {self.requests}")

    async def _create_message(self, request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        record: dict[str, Any] = {"account": request.path_params["account"], "form": form,
                                  "auth": _basic_auth(request.headers.get("authorization"))}
        self.requests.append(record)
        failure = self.plan.pop(0) if self.plan else None
        if form.get("To") in self.unsubscribed:
            failure = twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
        if failure is not None:
            record["status"] = failure["status"]
            return JSONResponse(failure["body"], status_code=failure["status"])
        resource = _message_resource(request.path_params["account"], form)
        record["status"], record["sid"] = 201, resource["sid"]
        return JSONResponse(resource, status_code=201)


    def wait_for_call(self, number: str, timeout: float = 20.0) -> dict[str, Any]:
        """Block until a call was placed to `number`; returns the first one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [call for call in self.calls if call["form"].get("To") == number]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no call reached {number} within {timeout}s: {self.calls}")

    async def _create_call(self, request: Request) -> JSONResponse:
        form = {key: str(value) for key, value in (await request.form()).items()}
        account = request.path_params["account"]
        sid = f"CA{next(_sids):032x}"
        self.calls.append({"account": account, "form": form, "sid": sid,
                           "auth": _basic_auth(request.headers.get("authorization"))})
        return JSONResponse({
            "account_sid": account, "api_version": "2010-04-01", "direction": "outbound-api",
            "from": form.get("From"), "to": form.get("To"), "sid": sid, "status": "queued",
            "uri": f"/2010-04-01/Accounts/{account}/Calls/{sid}.json"}, status_code=201)


def _address(number: str, channel: str) -> str:
    return f"whatsapp:{number}" if channel == "whatsapp" else number


def _message_resource(account: str, form: dict[str, str]) -> dict[str, Any]:
    sid = f"SM{next(_sids):032x}"
    now = format_datetime(datetime.now(UTC), usegmt=True)
    return {
        "account_sid": account, "api_version": "2010-04-01", "body": form.get("Body", ""),
        "date_created": now, "date_sent": None, "date_updated": now, "direction": "outbound-api",
        "error_code": None, "error_message": None, "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"), "num_media": "0",
        "num_segments": "1", "price": None, "price_unit": "USD", "sid": sid,
        "status": "queued", "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json"},
        "to": form.get("To"), "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password
