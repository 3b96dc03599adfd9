"""What Twilio's webhooks share: the signature check, reading a webhook, the answers, and
delivery status callbacks.

Checking the signature and reading the form need only `twilio.request_validator`: while the
process is still starting, a signed webhook is checked and read at once, then waits for the start
(bounded) to be stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from fastapi import APIRouter, Request, Response

from bot.config import Settings
from bot.runtime.deliveries import Deliveries
from bot.startup import WAIT_SECONDS, running_caseloop
from bot.web.body_limits import BodyTooLarge
from channels.twilio.forms import PayloadError, to_status
from channels.twilio.signature import SIGNATURE_HEADER, SignatureChecker, webhook_url

if TYPE_CHECKING:
    from bot.assembly import Caseloop

log = logging.getLogger("caseloop.twilio")
router = APIRouter()

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

T = TypeVar("T")


@dataclass(frozen=True)
class Webhook(Generic[T]):
    """A signed webhook, read, and the running Caseloop to hand it to."""

    form: dict[str, str]
    """The form fields Twilio signed."""
    payload: T
    """What the channel's translate function read from them."""
    caseloop: Caseloop
    """The running Caseloop (the start has finished)."""


@router.post("/twilio/status")
async def status_callback(request: Request) -> Response:
    """Check Twilio's signature and keep the furthest delivery status of the message."""
    webhook = await read_webhook(request, to_status)
    if isinstance(webhook, Response):
        return webhook
    update = webhook.payload
    await Deliveries(webhook.caseloop.database).update(
        update.provider_id, update.status, update.error_code, channel=update.channel,
        recipient=update.recipient)
    if update.error_code:
        log.warning("%s message %s is %s (error %s)", update.channel or "Twilio",
                    update.provider_id, update.status, update.error_code)
    return Response(status_code=200)


async def read_webhook(request: Request,
                       translate: Callable[[Mapping[str, str]], T]) -> Webhook[T] | Response:
    """Check, read and translate a webhook, then wait (bounded) for the start to finish.

    Returns:
        The webhook, or the answer that refuses it: 403 when Twilio did not sign it, 400 when
        `translate` cannot read it, 503 when Caseloop is still starting past the wait.
    """
    form = await signed_form(request, request.app.state.settings)
    if form is None:
        return forbidden()
    try:
        payload = translate(form)
    except PayloadError as problem:
        return malformed(problem)
    caseloop = await running_caseloop(request.app.state, WAIT_SECONDS)
    if caseloop is None:
        return starting()
    return Webhook(form, payload, caseloop)


def empty_twiml() -> Response:
    """The answer to a message webhook: nothing to say now (replies go through the REST API)."""
    return Response(EMPTY_TWIML, media_type="text/xml")


def forbidden() -> Response:
    """The answer to a webhook Twilio did not sign."""
    return Response("forbidden", status_code=403, media_type="text/plain")


def malformed(problem: PayloadError) -> Response:
    """The answer to a signed form Caseloop cannot use."""
    return Response(str(problem), status_code=400, media_type="text/plain")


def starting() -> Response:
    """Still starting past the wait: 503, which Twilio reports (and retries when told to)."""
    return Response("starting, try again shortly", status_code=503, media_type="text/plain",
                    headers={"Retry-After": "2"})


async def signed_form(request: Request, settings: Settings) -> dict[str, str] | None:
    """The form fields when Twilio signed them for the public URL; None otherwise."""
    assert settings.public_url and settings.twilio_auth_token
    try:
        form = {key: value for key, value in (await request.form()).items()
                if isinstance(value, str)}
    except BodyTooLarge:
        raise
    except Exception:  # noqa: BLE001 - an unreadable body is simply not a signed form
        return None
    url = webhook_url(settings.public_url, request.url.path, request.url.query)
    checker = SignatureChecker(settings.twilio_auth_token)
    if not checker.is_valid(url, form, request.headers.get(SIGNATURE_HEADER)):
        log.warning("Refused a %s webhook with a missing or wrong signature", request.url.path)
        return None
    return form
