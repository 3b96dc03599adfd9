"""The slack-bolt side: an `AsyncApp` whose listeners acknowledge at once and work afterwards.

In HTTP mode a request reaches bolt only once the connector has checked its signature and read
it within bounds (`intake`). Bolt checks the signature and timestamp again (`X-Slack-Signature`,
five minutes), then calls `auth.test` once, then drops the bot's own events. After that,
`drop_repeats` drops an event whose `event_id` was already taken, a Slack retry
(`X-Slack-Retry-Num`) included: Slack retries a delivery it thinks failed, and bolt does not
recognize repeats itself. Listeners call `ack()` (or bolt does, for events) before any slow
work, which they hand to `Handlers.spawn`, so every answer is inside Slack's three-second window.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels.slack.blocks import APPROVE, DENY, DENY_FORM, HAND_BACK, TAKE_OVER
from channels.slack.draft_blocks import EDIT, EDIT_FORM, REJECT, REJECT_FORM, SEND
from channels.slack.draft_handlers import DraftHandlers

log = logging.getLogger("caseloop.slack")

RETRY_HEADER = "x-slack-retry-num"
SHAPE_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError)
"""What reading a payload of an unexpected shape raises, in bolt or here."""
_ANY = re.compile(".*")


class Handlers(Protocol):
    """What the listeners hand their payloads to (`SlackHandlers`)."""

    drafts: DraftHandlers
    """Send, Edit and Reject on shadow mode's drafts, and their forms."""

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run work in the background, after the acknowledgement."""

    async def first_sight(self, event_id: str) -> bool:
        """True the first time an event id is seen."""
        ...

    async def on_approve(self, body: dict[str, Any]) -> None: ...
    async def on_deny(self, body: dict[str, Any]) -> None: ...
    async def on_deny_form(self, body: dict[str, Any]) -> None: ...
    async def on_take_over(self, body: dict[str, Any]) -> None: ...
    async def on_hand_back(self, body: dict[str, Any]) -> None: ...
    async def on_message(self, event: dict[str, Any]) -> None: ...


def build_app(client: AsyncWebClient, *, signing_secret: str, verify_requests: bool,
              handlers: Handlers) -> AsyncApp:
    """A bolt app that posts with `client` and hands every click and thread message to `handlers`.

    Args:
        client: The Web API client (pointed at Slack's API, or whatever `base_url` says).
        signing_secret: Checks `X-Slack-Signature` (HTTP mode).
        verify_requests: False in Socket Mode, where there are no signatures to check.
        handlers: Does the work after each acknowledgement.
    """
    # Listeners only acknowledge and spawn, so running them before the response costs nothing
    # and the work is already tracked (by `spawn`) when Slack gets its answer. Bolt also reads
    # SLACK_BOT_TOKEN from the environment and warns that `client` wins over it: it does, and
    # both hold the same token, so that warning is left out.
    quiet = _Without("`token` will be unused")
    log.addFilter(quiet)
    try:
        app = AsyncApp(client=client, signing_secret=signing_secret, name="caseloop",
                       request_verification_enabled=verify_requests,
                       process_before_response=True, logger=log)
    finally:
        log.removeFilter(quiet)

    @app.middleware
    async def drop_repeats(req: AsyncBoltRequest, resp: BoltResponse,
                           next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not await handlers.first_sight(event_id):
            retry = req.headers.get(RETRY_HEADER, [None])[0]
            log.info("Dropped Slack event %s: already taken%s", event_id,
                     f" (retry {retry})" if retry else "")
            return BoltResponse(status=200, body="")
        return await next()

    @app.error
    async def on_error(error: Exception) -> BoltResponse | None:
        """A payload of an unexpected shape is the sender's fault (400), not a server error."""
        if isinstance(error, SHAPE_ERRORS):
            log.info("Slack request of an unexpected shape: %r", error)
            return BoltResponse(status=400, body="bad request")
        log.error("Slack request failed", exc_info=error)
        return None

    def on_click(action_id: str, work: Callable[[dict[str, Any]], Coroutine[Any, Any, None]]
                 ) -> None:
        async def listener(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack()
            handlers.spawn(work(body))

        app.action(action_id)(listener)

    on_click(APPROVE, handlers.on_approve)
    on_click(DENY, handlers.on_deny)
    on_click(TAKE_OVER, handlers.on_take_over)
    on_click(HAND_BACK, handlers.on_hand_back)

    on_click(SEND, handlers.drafts.on_send)
    on_click(EDIT, handlers.drafts.on_edit)
    on_click(REJECT, handlers.drafts.on_reject)

    @app.action(_ANY)
    async def other_click(ack: AsyncAck) -> None:
        await ack()

    def on_form(callback_id: str,
                work: Callable[[dict[str, Any]], Coroutine[Any, Any, None]]) -> None:
        async def listener(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack()  # closes the form; the decision and its outcome follow in the thread
            handlers.spawn(work(body))

        app.view(callback_id)(listener)

    on_form(DENY_FORM, handlers.on_deny_form)
    on_form(EDIT_FORM, handlers.drafts.on_edit_form)
    on_form(REJECT_FORM, handlers.drafts.on_reject_form)

    @app.event("message")
    async def message(event: dict[str, Any]) -> None:
        handlers.spawn(handlers.on_message(event))

    @app.event(_ANY)
    async def other_event() -> None:
        """Events Caseloop does not use are acknowledged, so Slack does not retry them."""

    return app


class _Without(logging.Filter):
    """Drops log records containing a given text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()
