"""Slack's requests on `/slack/events` taken in: authenticated on the raw bytes, then parsed.

Nothing reads a body before it is known to be Slack's. A request without Slack's signature
headers is refused before its body is read; a body is read as it streams in and dropped past
`MAX_BODY_BYTES`; its signature and timestamp are checked by slack_sdk's `SignatureVerifier` on
the bytes as received; only then is it parsed, within bounds (`channels.json_bodies`), the way bolt
will read it: JSON, or a form whose `payload` field is JSON. Every refusal is a 4xx: 401 for a
request that is not Slack's, 413 for a body too large, 400 for a signed body nothing can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import Response

from channels.json_bodies import JSONBodyError, loads

MAX_BODY_BYTES = 1024 * 1024
"""Largest body taken; Slack's events and interactivity payloads are a few kilobytes."""
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"


class PayloadError(ValueError):
    """A signed body that is not a payload Slack sends (not UTF-8, not JSON, not an object)."""


@dataclass(frozen=True)
class Admitted:
    """A request shown to be Slack's, with its body as sent and as bolt will read it."""

    raw: bytes
    body: dict[str, Any]


async def admit(request: Request, verifier: SignatureVerifier,
                limit: int = MAX_BODY_BYTES) -> Admitted | Response:
    """Take one request in: what it carries once it is Slack's, or the response refusing it.

    Checked in this order, each before any more of the request is read: Slack's headers are
    there (401), the body fits (413), the signature and its timestamp are right (401), the body
    reads as a payload (400).
    """
    timestamp, signature = request.headers.get(TIMESTAMP), request.headers.get(SIGNATURE)
    if not timestamp or not signature:
        return refusal(401)
    raw = await read_capped(request, limit)
    if raw is None:
        return refusal(413)
    try:
        signed = verifier.is_valid(raw, timestamp, signature)
    except ValueError:  # a timestamp that is not a number, or bytes that are not UTF-8
        signed = False
    if not signed:
        return refusal(401)
    try:
        body = read_payload(raw, request.headers.get("content-type"))
    except (PayloadError, JSONBodyError):
        return refusal(400)
    return Admitted(raw, body)


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body, read as it streams in; None (and nothing more read) once it passes `limit`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def read_payload(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """A body read as bolt reads it (`slack_bolt.request.internals.parse_body`), within bounds.

    JSON when the content type says so or the body opens with `{`; otherwise a form, whose
    `payload` field (interactivity) is JSON. Deep nesting is refused here, before bolt's own
    unbounded `json.loads` sees the body.

    Raises:
        PayloadError: the body is not UTF-8, or its JSON is not an object.
        JSONBodyError: the JSON is malformed or nested too deeply.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("not UTF-8") from None
    if not text:
        return {}
    if (content_type or "").split(";")[0] == "application/json" or text.startswith("{"):
        value = loads(text)
    elif "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        if payload is None:
            return {}  # as bolt reads it: nothing
        value = loads(payload)
    else:
        return dict(parse_qsl(text, keep_blank_values=True))
    if not isinstance(value, dict):
        raise PayloadError("JSON that is not an object")
    return value


def verifier(signing_secret: str) -> SignatureVerifier:
    """slack_sdk's check of Slack's signature for one signing secret (light to import: no bolt)."""
    return SignatureVerifier(signing_secret)


def refusal(status: int) -> Response:
    """A short plain-text refusal."""
    text = {400: "bad request", 401: "invalid request", 413: "request body too large"}[status]
    return Response(text, status_code=status, media_type="text/plain")
