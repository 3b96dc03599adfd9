"""Requests on `/slack/events` authenticated before they are parsed, and bounded when they are.

Through the real route with the connector behind it: how much of a body is read is counted at
the ASGI boundary, so "refused without reading" is what the test sees, not what it assumes.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from channels.json_bodies import JSONBodyError
from channels.slack.intake import MAX_BODY_BYTES, PayloadError, read_payload
from tests.channels.slack_desk import StandInDesk, case_view
from tests.channels.slack_rig import FORM, Rig
from tests.fakes.slack import FakeSlack, signed_headers

BIG = 20 * 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
async def rig(slack: FakeSlack) -> AsyncIterator[Rig]:
    running = Rig(slack, StandInDesk(case_view(8)))
    yield running
    await running.close()


class Upload:
    """A body sent in chunks, counting how much of it the server pulled."""

    def __init__(self, size: int, fill: bytes = b"[") -> None:
        self.size, self.fill, self.pulled = size, fill, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.size:
            chunk = self.fill * min(CHUNK, self.size - self.pulled)
            self.pulled += len(chunk)
            yield chunk


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# -- reading a payload --------------------------------------------------------------------------

def test_a_payload_is_read_as_bolt_reads_it() -> None:
    assert read_payload(b'{"type": "event_callback"}', "application/json") == {
        "type": "event_callback"}
    assert read_payload(b'{"a": 1}', None) == {"a": 1}
    form = urlencode({"payload": '{"type": "block_actions"}'}).encode()
    assert read_payload(form, FORM) == {"type": "block_actions"}
    assert read_payload(b"ssl_check=1&token=x", FORM) == {"ssl_check": "1", "token": "x"}
    assert read_payload(b"", FORM) == {}


@pytest.mark.parametrize("body", [
    b"\xff\xfe not utf-8", b"[1, 2]", b'"text"', b"payload=%5B%5D", b"payload=7"])
def test_what_is_not_an_object_is_refused(body: bytes) -> None:
    with pytest.raises(PayloadError):
        read_payload(body, "application/json" if not body.startswith(b"payload") else FORM)


@pytest.mark.parametrize("body", [
    b"{not json", b"payload=%7Bnot+json", b"payload=", b'{"a": ' + nested(100_000).encode() + b"}",
    urlencode({"payload": '{"a": ' + nested(50) + "}"}).encode()])
def test_malformed_or_deeply_nested_json_is_refused(body: bytes) -> None:
    with pytest.raises(JSONBodyError):
        read_payload(body, FORM if body.startswith(b"payload") else "application/json")


# -- through the route ---------------------------------------------------------------------------

async def test_an_unsigned_body_is_refused_before_a_byte_of_it_is_read(rig: Rig) -> None:
    upload = Upload(BIG)
    started = time.monotonic()
    response = await rig.http.post("/slack/events", content=upload,
                                   headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert upload.pulled <= CHUNK and time.monotonic() - started < 1.0


async def test_a_body_past_the_cap_is_cut_off_while_it_streams(rig: Rig) -> None:
    upload = Upload(BIG)
    headers = signed_headers("whatever", content_type="application/json")  # looks like Slack's
    response = await rig.http.post("/slack/events", content=upload, headers=headers)
    assert response.status_code == 413
    assert upload.pulled <= MAX_BODY_BYTES + CHUNK


async def test_a_declared_length_past_the_cap_is_refused_unread(rig: Rig) -> None:
    upload = Upload(BIG)
    headers = {**signed_headers("whatever"), "Content-Length": str(BIG)}
    response = await rig.http.post("/slack/events", content=upload, headers=headers)
    assert response.status_code == 413 and upload.pulled <= CHUNK


async def test_a_signed_body_just_under_the_cap_is_taken(rig: Rig) -> None:
    padding = " " * (MAX_BODY_BYTES - 200)
    body = '{"token": "x", "challenge": "c4ll3ng3", "type": "url_verification"}' + padding
    response = await rig.post(body)
    assert response.status_code == 200 and response.json() == {"challenge": "c4ll3ng3"}


@pytest.mark.parametrize("body", [
    '{"type": "event_callback", "event": ' + nested(100_000) + "}",
    nested(100_000),
    urlencode({"payload": '{"type": "block_actions", "actions": ' + nested(100_000) + "}"}),
    urlencode({"payload": "{not json"}),
    "payload=%5B%5D",
    "payload=",
    urlencode({"payload": '"a string"'}),
])
async def test_signed_but_unreadable_bodies_are_a_400(rig: Rig, body: str) -> None:
    response = await rig.post(body)
    assert response.status_code == 400
    assert rig.desk.operations() == []


async def test_a_body_signed_for_other_bytes_is_refused_unparsed(rig: Rig) -> None:
    body = nested(100_000)
    response = await rig.post(body, signed_headers("[]"))
    assert response.status_code == 401
