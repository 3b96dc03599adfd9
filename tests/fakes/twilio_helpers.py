"""What the tests of the Twilio channels share: stand-ins run for a fixture, a server whose shop
has Noor's phone on file, and webhooks signed wrong in each way Twilio's check must refuse."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, TypeVar

from tests.factories import env_for, make_settings, write_shop
from tests.fakes.openai import FakeOpenAI
from tests.fakes.whatsapp_helpers import PUBLIC_URL, shop_with_phones, sign

NOOR = "+33612345678"
"""Noor Haddad's phone on file (customer K-77)."""
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
"""What Caseloop answers a message webhook with (replies go out through the REST API)."""
LONG_ANSWER = " ".join(f"Point {n}: our returns desk checks every parcel within two days."
                       for n in range(60))
"""A reply too long for one message: three of them, each ending at a sentence."""
BAD_SIGNATURES = ["forged", "unsigned", "local url", "other token", "tampered body",
                  "other path"]
"""The ways `bad_signature` signs a webhook wrong."""

_strangers = itertools.count(100)


class _Runnable(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


R = TypeVar("R", bound=_Runnable)


def running(runnable: R) -> Iterator[R]:
    """Start a stand-in (or a server), hand it over, stop it: a fixture's body, as
    `yield from running(FakeTwilio())`."""
    runnable.start()
    yield runnable
    runnable.stop()


def stranger() -> str:
    """A phone number on file for nobody, fresh for each use."""
    return f"+4477008{next(_strangers):05d}"


def noor_env(folder: Path, **settings: str) -> dict[str, str]:
    """A server's environment in `folder`, its shop with Noor's phone on file."""
    shop = write_shop(folder, shop_with_phones({"K-77": NOOR}))
    return env_for(make_settings(folder, CASELOOP_DEMO_DATA=str(shop), **settings))


def hosted_model(model: FakeOpenAI) -> dict[str, str]:
    """Settings that make the server's model `model` (an `openai:` model at its URL)."""
    return {"CASELOOP_MODEL": "openai:gpt-test", "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": model.base_url}


def bad_signature(how: str, server_url: str, path: str, form: dict[str, str],
                  other_path: str) -> str | None:
    """`X-Twilio-Signature` for `form` posted to `path`, wrong in the way `how` names (one of
    `BAD_SIGNATURES`; "unsigned" is None, no header)."""
    return {
        "forged": "bm90IGEgcmVhbCBzaWduYXR1cmU=",
        "unsigned": None,
        "local url": sign(server_url + path, form),
        "other token": sign(PUBLIC_URL + path, form, token="0" * 32),
        "tampered body": sign(PUBLIC_URL + path, {**form, "Body": "hello"}),
        "other path": sign(PUBLIC_URL + other_path, form),
    }[how]
