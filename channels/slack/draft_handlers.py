"""Shadow mode's Send, Edit and Reject, carried from Slack to the desk.

Send releases a draft as it is; Edit opens a form with its text, and what is submitted goes to
the customer; Reject opens a form with the fixed labels and a note, and the person who rejects
then answers the customer. The desk checks everything (only an approver releases an action, one
decision per draft); these handlers only show its answer to the person who acted, as an
ephemeral message in the thread when nothing changed. One rule is Slack's own, as for Take over:
when `SLACK_AGENTS` is set, only its agents work drafts (an approver may still send one), and
only they may reject one, since rejecting takes the case over.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from slack_sdk.web.async_client import AsyncWebClient

from channels.slack import payloads
from channels.slack.draft_blocks import edit_form, reject_form

if TYPE_CHECKING:
    from bot.desk.drafts import Draft
    from bot.desk.escalations import Escalation
    from bot.desk.shadow import DraftResult

NOT_AN_APPROVER_TO_SEND = ("This draft carries an action; only the approvers set for this "
                           "workspace can send it. You can still reject it.")
NOT_ON_THE_DESK = "Only the agents set for this workspace can send, edit or reject drafts."
NOT_AN_AGENT_TO_REJECT = ("Only the agents set for this workspace can reject drafts: whoever "
                          "rejects one answers the customer.")
DRAFT_GONE = "This draft was already decided or is no longer here; its message shows what is."

Tell = Callable[[str | None, str, str, str | None], Awaitable[None]]
"""Tells one person something only they see: channel, user, text, thread."""
DraftForm = Callable[["Draft", str, "str | None"], dict[str, Any]]
"""Builds a draft's Edit or Reject form: the draft, the channel and the thread it is in."""


class Shadow(Protocol):
    """The desk's drafts (see `bot.desk.shadow.ShadowDesk`)."""

    async def send(self, draft_id: int, actor: str, text: str | None = None
                   ) -> DraftResult: ...
    async def reject(self, draft_id: int, actor: str, label: str,
                     note: str = "") -> DraftResult: ...


class DraftDesk(Protocol):
    """The desk operations drafts need (see `bot.desk.desk.Desk`)."""

    @property
    def shadow(self) -> Shadow: ...
    def may_decide(self, actor: str) -> bool: ...
    async def case_for_slack_thread(self, channel: str, ts: str) -> Escalation | None: ...


class DraftHandlers:
    """Turns Send, Edit, Reject and their forms into the desk's draft operations.

    Args:
        desk: Where releases and rejections go.
        client: Opens the Edit and Reject forms.
        tell: Answers the person who acted, privately.
        is_agent: Whether a Slack user is one of the workspace's agents (all are when
            `SLACK_AGENTS` is not set).
    """

    def __init__(self, desk: DraftDesk, client: AsyncWebClient, tell: Tell,
                 is_agent: Callable[[str], bool]) -> None:
        self._desk = desk
        self._client = client
        self._tell = tell
        self._is_agent = is_agent

    async def on_send(self, body: dict[str, Any]) -> None:
        """Send: the desk releases the draft as it is."""
        click, draft_id = _draft_click(body)
        if click is None or draft_id is None:
            return
        actor = payloads.actor(click.user)
        await self._decide(click.channel, click.user, click.thread, self._refusal(click.user),
                           lambda: self._desk.shadow.send(draft_id, actor))

    async def on_edit(self, body: dict[str, Any]) -> None:
        """Edit: a form with the draft's text, for someone who may send it."""
        click, draft = await self._clicked_draft(body)
        if click is None or draft is None:
            return
        refusal = self._refusal(click.user)
        if (refusal is None and draft.action
                and not self._desk.may_decide(payloads.actor(click.user))):
            refusal = NOT_AN_APPROVER_TO_SEND
        await self._open_form(click, draft, edit_form, refusal)

    async def on_edit_form(self, body: dict[str, Any]) -> None:
        """The edited text submitted: the desk sends it in place of the draft."""
        submitted = payloads.draft_submission(body)
        if submitted is None or submitted.text is None:
            return
        draft_id, actor, text = submitted.draft_id, payloads.actor(submitted.user), submitted.text
        await self._decide(submitted.channel, submitted.user, submitted.thread_ts,
                           self._refusal(submitted.user),
                           lambda: self._desk.shadow.send(draft_id, actor, text))

    async def on_reject(self, body: dict[str, Any]) -> None:
        """Reject: a form with the labels and a note, for an agent."""
        click, draft = await self._clicked_draft(body)
        if click is None or draft is None:
            return
        refusal = None if self._is_agent(click.user) else NOT_AN_AGENT_TO_REJECT
        await self._open_form(click, draft, reject_form, refusal)

    async def on_reject_form(self, body: dict[str, Any]) -> None:
        """The label and note submitted: the desk rejects the draft."""
        submitted = payloads.draft_submission(body)
        if submitted is None or submitted.label is None:
            return
        draft_id, actor, label = submitted.draft_id, payloads.actor(submitted.user), submitted.label
        refusal = None if self._is_agent(submitted.user) else NOT_AN_AGENT_TO_REJECT
        await self._decide(submitted.channel, submitted.user, submitted.thread_ts, refusal,
                           lambda: self._desk.shadow.reject(draft_id, actor, label,
                                                            submitted.note))

    async def _open_form(self, click: payloads.Click, draft: Draft, form: DraftForm,
                         refusal: str | None) -> None:
        """Open `form` for the draft clicked; when refused, tell the person why instead."""
        if click.trigger_id is None:
            return
        if refusal is not None:
            await self._tell(click.channel, click.user, refusal, click.thread)
            return
        await self._client.views_open(trigger_id=click.trigger_id, view=form(
            draft, click.channel or "", click.thread))

    async def _decide(self, channel: str | None, user: str, thread: str | None,
                      refusal: str | None, decision: Callable[[], Awaitable[DraftResult]]
                      ) -> None:
        """Carry out a decision unless refused; when nothing changed, tell the person why."""
        if refusal is None:
            result = await decision()
            refusal = None if result.changed else result.message
        if refusal is not None:
            await self._tell(channel, user, refusal, thread)

    def _refusal(self, user: str) -> str | None:
        """Slack's own rule: with agents set, only they (or an approver) release drafts."""
        if self._is_agent(user) or self._desk.may_decide(payloads.actor(user)):
            return None
        return NOT_ON_THE_DESK

    async def _clicked_draft(self, body: dict[str, Any]
                             ) -> tuple[payloads.Click | None, Draft | None]:
        """The click and the pending draft it is about; a stale click is told and dropped."""
        click, draft_id = _draft_click(body)
        if click is None or draft_id is None:
            return None, None
        case = (await self._desk.case_for_slack_thread(click.channel, click.thread)
                if click.channel and click.thread else None)
        draft = next((d for d in case.drafts if d.id == draft_id), None) if case else None
        if draft is None or draft.status != "pending":
            await self._tell(click.channel, click.user, DRAFT_GONE, click.thread)
            return click, None
        return click, draft


def _draft_click(body: dict[str, Any]) -> tuple[payloads.Click | None, int | None]:
    click = payloads.click(body)
    return click, payloads.case_id(click.value) if click else None
