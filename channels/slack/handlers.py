"""What people do in Slack, carried to the desk: Approve, Deny, Take over, Hand back, replies,
and shadow mode's Send, Edit and Reject (`draft_handlers`).

Bolt's listeners (`app`) acknowledge each click, form and thread message, then hand it here.
The desk checks everything (who may decide, the action's digest, expiry, a second click, who may
write to the customer); these handlers only show its answer to the person who acted, as an
ephemeral message when nothing changed. One rule is Slack's own: only its agents
(`SLACK_AGENTS`, when set) take cases over and hand them back.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from slack_sdk.web.async_client import AsyncWebClient

from channels.slack import payloads
from channels.slack.block_kit import who
from channels.slack.blocks import deny_form
from channels.slack.draft_handlers import DraftDesk, DraftHandlers

if TYPE_CHECKING:
    from bot.desk.decisions import DecisionResult
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
CANNOT_HAND_BACK = "This case isn't taken over, so there is nothing to hand back."
NOT_AN_AGENT = ("Only the agents set for this workspace can take cases over and hand them "
                "back.")
NOT_AN_AGENT_TO_ANSWER = ("Not sent to the customer: only the agents set for this workspace "
                          "take cases over and answer customers.")


class Desk(DraftDesk, Protocol):
    """The desk operations Slack needs (see `bot.desk.desk.Desk`)."""

    async def decide(self, approval_id: int, actor: str, *, approve: bool,
                     digest: str | None = None, reason: str | None = None
                     ) -> DecisionResult: ...
    async def take_over(self, case_id: int, actor: str) -> Escalation | None: ...
    async def reply(self, case_id: int, actor: str, text: str) -> bool: ...
    async def add_internal_note(self, case_id: int, actor: str, text: str
                                ) -> Escalation | None: ...
    async def hand_back(self, case_id: int, actor: str) -> Escalation | None: ...
    async def attach_slack_thread(self, case_id: int, channel: str, ts: str) -> None: ...
    async def remember_slack_event(self, event_id: str) -> bool: ...


class SlackHandlers:
    """Turns clicks, the deny form and thread messages into desk operations (`app.Handlers`).

    Args:
        desk: Where decisions, takeovers and replies go.
        client: The Web API client that answers the person who acted.
        channel_id: The escalation channel.
        agents: Slack user ids who may take cases over and hand them back (`SLACK_AGENTS`);
            empty: anyone in the escalation channel.
    """

    def __init__(self, desk: Desk, client: AsyncWebClient, channel_id: str,
                 agents: frozenset[str] = frozenset()) -> None:
        self._desk = desk
        self._client = client
        self._channel_id = channel_id
        self._agents = agents
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread_messages = asyncio.Lock()
        self.drafts = DraftHandlers(desk, client, self._tell, self.is_agent)
        """Send, Edit and Reject on shadow mode's drafts."""

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
        result = await self._desk.decide(ref.approval_id, payloads.actor(click.user),
                                         approve=True, digest=ref.digest)
        if result.status not in SHOWN_TO_CLICKER:
            await self._tell(click.channel, click.user, result.message)

    async def on_deny(self, body: dict[str, Any]) -> None:
        """Deny: ask an approver for the reason in a form (others are refused at once)."""
        click, ref = _approval_click(body)
        if click is None or ref is None or click.trigger_id is None:
            return
        if not self._desk.may_decide(payloads.actor(click.user)):
            await self._tell(click.channel, click.user, NOT_AN_APPROVER)
            return
        case = (await self._desk.case_for_slack_thread(click.channel, click.message_ts)
                if click.channel and click.message_ts else None)
        approval = case.approval if case is not None else None
        if (approval is None or approval.id != ref.approval_id or approval.digest != ref.digest
                or approval.status != "pending"):
            await self._tell(click.channel, click.user, STALE_REQUEST)
            return
        await self._client.views_open(trigger_id=click.trigger_id,
                                      view=deny_form(approval, click.channel or self._channel_id,
                                                     click.message_ts))

    async def on_deny_form(self, body: dict[str, Any]) -> None:
        """The reason given: the desk denies; a refusal is told to the person who sent it."""
        submitted = payloads.deny_submission(body)
        if submitted is None:
            return
        result = await self._desk.decide(
            submitted.approval.approval_id, payloads.actor(submitted.user), approve=False,
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
        actor = payloads.actor(click.user)
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
        message = payloads.thread_message(event, self._channel_id)
        if message is None:
            return
        async with self._thread_messages:
            case = await self._desk.case_for_slack_thread(message.channel, message.thread_ts)
            if case is None:
                return
            actor = payloads.actor(message.user)
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
        handed_back = await self._desk.hand_back(case_id, payloads.actor(user))
        return None if handed_back else CANNOT_HAND_BACK

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

    async def _tell(self, channel: str | None, user: str, text: str,
                    thread_ts: str | None = None) -> None:
        """An ephemeral message: only `user` sees it. Actors it names become mentions."""
        text = SLACK_ACTOR.sub(lambda found: f"<@{found[1]}>", text)
        await self._client.chat_postEphemeral(channel=channel or self._channel_id, user=user,
                                              text=text, thread_ts=thread_ts or None)


def _approval_click(body: dict[str, Any]
                    ) -> tuple[payloads.Click | None, payloads.ApprovalRef | None]:
    click = payloads.click(body)
    return click, payloads.approval_ref(click.value) if click else None


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - one failed click must not go unnoticed, nor stop others
        log.exception("Slack work failed")
