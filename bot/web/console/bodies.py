"""Console posts read within bounds: capped while they stream in, parsed without recursion."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from bot.web.console.problems import Problem
from channels.json_bodies import JSONBodyError, loads

MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 20
FORM_TYPE = "application/x-www-form-urlencoded"
TOO_LARGE = "That request is too large."


async def read_fields(request: Request) -> dict[str, str]:
    """A post's fields, from a form or a JSON object; text values only.

    Raises:
        Problem: 413 past `MAX_BODY_BYTES`, 415 for another kind of body, 400 for a body that
            is not a form or a JSON object (nested too deeply included), 422 for values that
            are not text.
    """
    body = await read_body(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        data = _json_object(body)
    elif kind == FORM_TYPE or not body:
        data = _form(body)
    else:
        raise Problem(415, "Not understood", "Send form fields or a JSON object.")
    fields = {name: value for name, value in data.items() if isinstance(value, str)}
    if len(fields) < len(data):
        bad = ", ".join(sorted(name for name in data if name not in fields))
        raise Problem(422, "Not understood", f"These fields must be text: {bad}.")
    return fields


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read chunk by chunk and given up on as soon as it passes `limit` bytes."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise Problem(413, "Too large", TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Problem(413, "Too large", TOO_LARGE)
    return bytes(body)


def _json_object(body: bytes) -> dict[str, object]:
    try:
        data = loads(body)
    except JSONBodyError as problem:
        raise Problem(400, "Not understood", f"The body is not valid JSON ({problem}).") from None
    if not isinstance(data, dict):
        raise Problem(400, "Not understood", "The body must be a JSON object.")
    return data


def _form(body: bytes) -> dict[str, object]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Problem(400, "Not understood", "The form could not be read.") from None
    return dict(pairs)
