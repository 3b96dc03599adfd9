"""A Twilio REST client whose requests go to a configurable base URL."""

from __future__ import annotations

import base64

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from channels.twilio.account import TWILIO_API

REQUEST_TIMEOUT = 10.0
"""Seconds before a REST call counts as failed (and is retried later)."""


class RedirectingHttpClient(AsyncTwilioHttpClient):
    """Sends what the SDK addresses to `https://api.twilio.com` to `api_url` instead.

    A proxy, a regional gateway or a local test server can stand in for Twilio this way;
    with the default URL nothing changes.
    """

    def __init__(self, api_url: str, timeout: float = REQUEST_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.api_url = api_url.rstrip("/")

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Make the request, at `api_url` when it was meant for Twilio's API.

        The client's own timeout applies when the call gives none (the base class drops it),
        and credentials go in an `Authorization` header (aiohttp deprecates its `auth=`).
        """
        if url.startswith(TWILIO_API):
            url = self.api_url + url[len(TWILIO_API):]
        if auth is not None:
            headers = {**(headers or {}), "Authorization": _basic_auth(*auth)}
        return await super().request(method, url, params, data, headers, None,
                                     timeout or self.timeout, allow_redirects)


def build_client(account_sid: str, auth_token: str, api_url: str) -> Client:
    """A Twilio client for `create_async` calls through `RedirectingHttpClient`.

    Must be called with an event loop running (the HTTP client opens an aiohttp session).
    """
    return Client(account_sid, auth_token, http_client=RedirectingHttpClient(api_url))


def _basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
