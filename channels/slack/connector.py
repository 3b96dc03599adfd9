"""`SlackConnector`: the desk's cases shown in Slack, and people's clicks and replies carried back.

As a desk listener it posts one parent message per case in the escalation channel (updated in
place as the case changes), mirrors the conversation into that message's thread, shows each of
shadow mode's drafts as a message of its own in the thread (`DraftMessages`), and posts notices
for the whole desk in the channel. As a bolt app (in HTTP or Socket Mode) it hands Approve, Deny
(with a reason form), Take over and Hand back clicks, Send, Edit and Reject on drafts, and
people's thread messages, to `SlackHandlers`, which turns them into desk operations. Requests
on `/slack/events` are authenticated before anything parses them (`intake`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import (
    to_async_bolt_request,
    to_starlette_response,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import Response

from channels.slack import intake
from channels.slack.app import SHAPE_ERRORS, build_app
from channels.slack.app_settings import SlackApp
from channels.slack.block_kit import escape
from channels.slack.blocks import case_message, note_message
from channels.slack.draft_messages import DraftMessages
from channels.slack.handlers import Desk, SlackHandlers

if TYPE_CHECKING:
    from bot.desk.escalations import Escalation

log = logging.getLogger("caseloop.slack")

NOT_A_MEMBER = ("not_in_channel", "channel_not_found")


class SlackConnector:
    """Shows escalated cases in a Slack channel and takes people's decisions from it.

    Args:
        desk: Where decisions, takeovers and replies go.
        slack_app: The app's tokens, its Web API URL and its mode (HTTP or Socket Mode).
        channel_id: The escalation channel; one thread per case.
        agents: Slack user ids who may take cases over and hand them back (`SLACK_AGENTS`);
            empty: anyone in the escalation channel.
    """

    def __init__(self, desk: Desk, slack_app: SlackApp, *, channel_id: str,
                 agents: frozenset[str] = frozenset()) -> None:
        self.channel_id = channel_id
        self.mode = slack_app.mode
        self._desk = desk
        self.client = AsyncWebClient(token=slack_app.token, base_url=slack_app.api_url)
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        self.handlers = SlackHandlers(desk, self.client, channel_id, agents)
        secret = slack_app.signing_secret
        self.app = build_app(self.client, signing_secret=secret or "",
                             verify_requests=slack_app.mode == "http", handlers=self.handlers)
        self._verifier = SignatureVerifier(secret) if secret else None
        self.socket = (AsyncSocketModeHandler(self.app, slack_app.app_token, logger=log)
                       if slack_app.mode == "socket" else None)
        self._threads: dict[int, tuple[str, str]] = {}
        self._drafts = DraftMessages(self.client)
        self._connecting: asyncio.Task[None] | None = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """In Socket Mode, connect to Slack in the background; in HTTP mode nothing to do."""
        if self.socket is not None and self._connecting is None:
            self._connecting = asyncio.create_task(self._connect(), name="slack-socket-mode")

    async def close(self) -> None:
        """Let work in flight finish briefly, then disconnect."""
        await self.idle(timeout=5)
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        if self.socket is not None:
            await self.socket.close_async()

    async def idle(self, timeout: float | None = None) -> None:
        """Wait until the work started by clicks and messages so far is done; with a timeout,
        work still running then is cancelled."""
        await self.handlers.idle(timeout)

    async def handle(self, request: Request) -> Response:
        """Answer one request on `/slack/events` (Events API and interactivity alike).

        The request is authenticated on its raw bytes, then parsed within bounds (`intake`),
        and only then handed to bolt, as bolt's own FastAPI adapter would hand it: 401 when it
        is not Slack's, 413 when too large, 400 when Slack signed something nothing can read;
        never a server error.
        """
        if self._verifier is None:  # socket mode: Slack sends nothing here
            return Response("not found", status_code=404, media_type="text/plain")
        admitted = await intake.admit(request, self._verifier)
        if isinstance(admitted, Response):
            return admitted
        return await self.dispatch(request, admitted)

    async def dispatch(self, request: Request, admitted: intake.Admitted) -> Response:
        """Answer a request already admitted (`intake.admit`): hand it to bolt."""
        if self._verifier is None:
            return Response("not found", status_code=404, media_type="text/plain")
        try:
            answer = await self.app.async_dispatch(to_async_bolt_request(request, admitted.raw))
        except SHAPE_ERRORS:  # fields of the wrong type, found even by bolt's error handling
            log.info("Slack request of an unexpected shape", exc_info=True)
            return intake.refusal(400)
        return to_starlette_response(answer)

    # -- the desk tells us ----------------------------------------------------------------

    async def case_opened(self, case: Escalation) -> None:
        """Post the case's parent message, or update it when the case has one already."""
        thread = self._thread_of(case)
        if thread is not None:
            await self.client.chat_update(channel=thread[0], ts=thread[1], **case_message(case))
            await self._drafts.show(case, thread)
            return
        try:
            posted = await self.client.chat_postMessage(channel=self.channel_id,
                                                        **case_message(case))
        except SlackApiError as problem:
            if problem.response.get("error") in NOT_A_MEMBER:
                log.error("Slack refused to post case %s in channel %s (%s): invite the app to "
                          "that channel", case.id, self.channel_id, problem.response["error"])
            raise
        channel, ts = str(posted.get("channel") or self.channel_id), str(posted["ts"])
        self._threads[case.id] = (channel, ts)
        await self._desk.attach_slack_thread(case.id, channel, ts)
        await self._drafts.show(case, (channel, ts), new_thread=True)

    async def case_changed(self, case: Escalation, event: str) -> None:
        """Show the change on the parent message (who, when, the outcome, the buttons left),
        and on the messages of the case's drafts: a new draft is posted, a decided one shows
        its outcome."""
        thread = self._thread_of(case)
        if thread is None:  # never shown (Slack was unreachable then): show it now
            await self.case_opened(case)
            thread = self._thread_of(case)
            if thread is None:
                return
        await self.client.chat_update(channel=thread[0], ts=thread[1],
                                      **case_message(case, event, datetime.now(UTC)))
        await self._drafts.show(case, thread)

    async def desk_notice(self, text: str) -> None:
        """Post a notice for the whole desk in the escalation channel."""
        await self.client.chat_postMessage(channel=self.channel_id, text=escape(text))

    async def case_note(self, case: Escalation, kind: str, text: str, actor: str | None) -> None:
        """Post a line in the case's thread (not a person's own Slack message, already there)."""
        message = note_message(kind, text, actor, case.taken_by)
        thread = self._thread_of(case)
        if message is None:
            return
        if thread is None:
            log.warning("Case %s has no Slack thread; a %s line was not posted", case.id, kind)
            return
        await self.client.chat_postMessage(channel=thread[0], thread_ts=thread[1], **message)

    # -- helpers --------------------------------------------------------------------------

    def _thread_of(self, case: Escalation) -> tuple[str, str] | None:
        if case.slack_ts:
            return case.slack_channel or self.channel_id, case.slack_ts
        return self._threads.get(case.id)

    async def _connect(self) -> None:
        """Connect in Socket Mode; slack_sdk keeps retrying until Slack answers, then reconnects
        by itself whenever the connection drops."""
        assert self.socket is not None
        try:
            await self.socket.connect_async()
            log.info("Connected to Slack in socket mode")
        except Exception:  # noqa: BLE001 - HTTP mode has no such failure; say it and go on
            log.exception("Could not connect to Slack in socket mode")


