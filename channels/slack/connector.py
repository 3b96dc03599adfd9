"""`SlackConnector`: the desk's cases shown in Slack, and people's clicks and replies carried back.

As a desk listener it posts one parent message per case in the escalation channel (updated in
place as the case changes) and mirrors the conversation into that message's thread. As a bolt
app it turns Approve, Deny (with a reason form), Take over and Hand back clicks, and people's
thread messages, into desk operations. The desk checks everything (who may decide, the action's
digest, expiry, a second click, who may write to the customer); the connector only shows its
answer to the person who clicked, as an ephemeral message when nothing changed. One rule is
Slack's own: only its agents (`SLACK_AGENTS`, when set) take cases over and hand them back.
Requests on `/slack/events` are authenticated before anything parses them (`intake`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

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

from channels.slack import intake, payloads
from channels.slack.app import SHAPE_ERRORS, build_app
from channels.slack.blocks import case_message, deny_form, note_message, who

if TYPE_CHECKING:
    from bot.desk.desk import DecisionResult
    from bot.desk.escalations import Escalation

log = logging.getLogger("caseloop.slack")

SLACK_ACTOR = re.compile(r"\bslack:([A-Z0-9]+)\b")
"""How the desk names a Slack user (`slack:U123`) in what it says."""
SHOWN_TO_CLICKER = ("approved", "denied")
"""Decisions the updated parent shows; any other answer goes to the clicker alone."""
NOT_AN_APPROVER = "Only the approvers set for this workspace can approve or deny requests."
STALE_REQUEST = "This request has changed or is no longer open; the case message shows what is."
NOT_TAKEN_OVER = ("Not sent to the customer: press *Take over* on the case first, so the bot "
                  "stops answering.")
CASE_CLOSED = "Not sent: this case is closed."
CASE_IS_CLOSED = "This case is closed."
TAKEN_ALREADY = "{who} has taken this case over already."
NOT_A_MEMBER = ("not_in_channel", "channel_not_found")
CANNOT_HAND_BACK = "This case isn't taken over, so there is nothing to hand back."
NOT_AN_AGENT = ("Only the agents set for this workspace can take cases over and hand them "
                "back.")
NOT_AN_AGENT_TO_ANSWER = ("Not sent to the customer: only the agents set for this workspace "
                          "take cases over and answer customers.")


class Desk(Protocol):
    """The desk operations Slack needs (see `bot.desk.desk.Desk`)."""

    def may_decide(self, actor: str) -> bool: ...
    async def decide(self, approval_id: int, actor: str, *, approve: bool,
                     digest: str | None = None, reason: str | None = None
                     ) -> DecisionResult: ...
    async def take_over(self, case_id: int, actor: str) -> Escalation | None: ...
    async def reply(self, case_id: int, actor: str, text: str) -> bool: ...
    async def add_internal_note(self, case_id: int, actor: str, text: str
                                ) -> Escalation | None: ...
    async def hand_back(self, case_id: int, actor: str) -> Escalation | None: ...
    async def attach_slack_thread(self, case_id: int, channel: str, ts: str) -> None: ...
    async def case_for_slack_thread(self, channel: str, ts: str) -> Escalation | None: ...
    async def remember_slack_event(self, event_id: str) -> bool: ...


class SlackConnector:
    """Shows escalated cases in a Slack channel and takes people's decisions from it.

    Args:
        desk: Where decisions, takeovers and replies go.
        token: The bot token (`xoxb-...`).
        signing_secret: Checks the signature of every request on `/slack/events` (HTTP mode).
        channel_id: The escalation channel; one thread per case.
        api_url: The Web API's base URL (Slack's, GovSlack's, a proxy, a local stand-in).
        app_token: The app-level token (`xapp-...`) for Socket Mode.
        mode: `http` (Slack calls `/slack/events`) or `socket` (Caseloop connects to Slack).
        agents: Slack user ids who may take cases over and hand them back (`SLACK_AGENTS`);
            empty: anyone in the escalation channel.
    """

    def __init__(self, desk: Desk, *, token: str, signing_secret: str | None, channel_id: str,
                 api_url: str = "https://slack.com/api/", app_token: str | None = None,
                 mode: Literal["http", "socket"] = "http",
                 agents: frozenset[str] = frozenset()) -> None:
        if mode == "http" and not signing_secret:
            raise ValueError("a signing secret is needed to check Slack's requests")
        if mode == "socket" and not app_token:
            raise ValueError("an app-level token is needed in socket mode")
        self.channel_id = channel_id
        self.mode = mode
        self._desk = desk
        self._agents = agents
        self.client = AsyncWebClient(token=token, base_url=api_url)
        self.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        self.app = build_app(self.client, signing_secret=signing_secret or "",
                             verify_requests=mode == "http", handlers=self)
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.socket = (AsyncSocketModeHandler(self.app, app_token, logger=log)
                       if mode == "socket" else None)
        self._threads: dict[int, tuple[str, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._connecting: asyncio.Task[None] | None = None
        self._thread_messages = asyncio.Lock()

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
        while self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
            if late:
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
                return

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

    async def case_changed(self, case: Escalation, event: str) -> None:
        """Show the change on the parent message: who, when, the outcome, the buttons left."""
        thread = self._thread_of(case)
        if thread is None:  # never shown (Slack was unreachable then): show it now
            await self.case_opened(case)
            thread = self._thread_of(case)
            if thread is None:
                return
        await self.client.chat_update(channel=thread[0], ts=thread[1],
                                      **case_message(case, event, datetime.now(UTC)))

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

    # -- Slack tells us -------------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a handler's work in the background, after its acknowledgement."""
        task = asyncio.create_task(_logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def first_sight(self, event_id: str) -> bool:
        """True the first time Slack delivers an event (stored durably by the desk)."""
        return await self._desk.remember_slack_event(event_id)

    async def on_approve(self, body: dict[str, Any]) -> None:
        """Approve: the desk decides; anything but a decision is told to the clicker alone."""
        click, ref = _approval_click(body)
        if click is None or ref is None:
            return
        result = await self._desk.decide(ref.approval_id, _actor(click.user), approve=True,
                                         digest=ref.digest)
        if result.status not in SHOWN_TO_CLICKER:
            await self._tell(click.channel, click.user, result.message)

    async def on_deny(self, body: dict[str, Any]) -> None:
        """Deny: ask an approver for the reason in a form (others are refused at once)."""
        click, ref = _approval_click(body)
        if click is None or ref is None or click.trigger_id is None:
            return
        if not self._desk.may_decide(_actor(click.user)):
            await self._tell(click.channel, click.user, NOT_AN_APPROVER)
            return
        case = (await self._desk.case_for_slack_thread(click.channel, click.message_ts)
                if click.channel and click.message_ts else None)
        approval = case.approval if case is not None else None
        if (approval is None or approval.id != ref.approval_id or approval.digest != ref.digest
                or approval.status != "pending"):
            await self._tell(click.channel, click.user, STALE_REQUEST)
            return
        await self.client.views_open(trigger_id=click.trigger_id,
                                     view=deny_form(approval, click.channel or self.channel_id,
                                                    click.message_ts))

    async def on_deny_form(self, body: dict[str, Any]) -> None:
        """The reason given: the desk denies; a refusal is told to the person who sent it."""
        submitted = payloads.deny_submission(body)
        if submitted is None:
            return
        result = await self._desk.decide(
            submitted.approval.approval_id, _actor(submitted.user), approve=False,
            digest=submitted.approval.digest, reason=submitted.reason or None)
        if result.status not in SHOWN_TO_CLICKER:
            await self._tell(submitted.channel, submitted.user, result.message,
                             submitted.thread_ts)

    async def on_take_over(self, body: dict[str, Any]) -> None:
        """Take over: the bot falls silent and the person answers in the thread."""
        click = payloads.click(body)
        case_id = payloads.case_id(click.value) if click else None
        if click is None or case_id is None:
            return
        if not self.is_agent(click.user):
            await self._tell(click.channel, click.user, NOT_AN_AGENT)
            return
        actor = _actor(click.user)
        case = await self._desk.take_over(case_id, actor)
        if case is None or case.status != "open":
            await self._tell(click.channel, click.user, CASE_IS_CLOSED)
        elif case.taken_by != actor:
            await self._tell(click.channel, click.user,
                             TAKEN_ALREADY.format(who=who(case.taken_by)))

    async def on_hand_back(self, body: dict[str, Any]) -> None:
        """Hand back: the bot answers again."""
        click = payloads.click(body)
        case_id = payloads.case_id(click.value) if click else None
        if click is None or case_id is None:
            return
        refusal = await self._hand_back(case_id, click.user)
        if refusal is not None:
            await self._tell(click.channel, click.user, refusal)

    async def on_message(self, event: dict[str, Any]) -> None:
        """A person's message in a case's thread: to the customer, an internal note, or
        `/handback`.

        Once a case is taken over, only the words of the person who took it reach the customer
        (the desk sees to it); anyone else's stay in the thread as an internal note. Thread
        messages are taken one at a time, so they reach the customer in order.
        """
        message = payloads.thread_message(event, self.channel_id)
        if message is None:
            return
        async with self._thread_messages:
            case = await self._desk.case_for_slack_thread(message.channel, message.thread_ts)
            if case is None:
                return
            actor = _actor(message.user)
            if message.hands_back:
                refusal = await self._hand_back(case.id, message.user)
            elif await self._desk.reply(case.id, actor, message.text):
                refusal = None
            else:
                refusal = await self._not_sent(message, actor)
            if refusal is not None:
                await self._tell(message.channel, message.user, refusal, message.thread_ts)

    async def _hand_back(self, case_id: int, user: str) -> str | None:
        """Hand a case back for `user`; None when done, else what to tell them."""
        if not self.is_agent(user):
            return NOT_AN_AGENT
        return None if await self._desk.hand_back(case_id, _actor(user)) else CANNOT_HAND_BACK

    async def _not_sent(self, message: payloads.ThreadMessage, actor: str) -> str | None:
        """What becomes of words the desk did not send: a note on a case someone else holds
        (None: nothing to tell), or what to tell their writer."""
        case = await self._desk.case_for_slack_thread(message.channel, message.thread_ts)
        if case is None or case.status != "open":
            return CASE_CLOSED
        if case.mode == "human" and case.taken_by != actor:
            noted = await self._desk.add_internal_note(case.id, actor, message.text)
            return None if noted is not None else CASE_CLOSED
        return NOT_TAKEN_OVER if self.is_agent(message.user) else NOT_AN_AGENT_TO_ANSWER

    def is_agent(self, user: str) -> bool:
        """Whether a Slack user may take cases over and hand them back."""
        return not self._agents or user in self._agents

    # -- helpers --------------------------------------------------------------------------

    def _thread_of(self, case: Escalation) -> tuple[str, str] | None:
        if case.slack_ts:
            return case.slack_channel or self.channel_id, case.slack_ts
        return self._threads.get(case.id)

    async def _tell(self, channel: str | None, user: str, text: str,
                    thread_ts: str | None = None) -> None:
        """An ephemeral message: only `user` sees it. Actors it names become mentions."""
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        text = SLACK_ACTOR.sub(lambda found: f"<@{found[1]}>", text)
        await self.client.chat_postEphemeral(channel=channel or self.channel_id, user=user,
                                             text=text, **extra)

    async def _connect(self) -> None:
        """Connect in Socket Mode; slack_sdk keeps retrying until Slack answers, then reconnects
        by itself whenever the connection drops."""
        assert self.socket is not None
        try:
            await self.socket.connect_async()
            log.info("Connected to Slack in socket mode")
        except Exception:  # noqa: BLE001 - HTTP mode has no such failure; say it and go on
            log.exception("Could not connect to Slack in socket mode")


def _approval_click(body: dict[str, Any]
                    ) -> tuple[payloads.Click | None, payloads.ApprovalRef | None]:
    click = payloads.click(body)
    return click, payloads.approval_ref(click.value) if click else None


def _actor(user: str) -> str:
    return f"slack:{user}"


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - one failed click must not go unnoticed, nor stop others
        log.exception("Slack work failed")
