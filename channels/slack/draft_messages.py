"""`DraftMessages`: each of a case's drafts as one message in its Slack thread, kept current.

A draft is posted in its case's thread when it is new, and its message is updated in place once
it is decided (the buttons go, the outcome shows). Which message shows which draft is kept in
memory; after a restart it is found again in the thread itself, where the first block of each
draft's message is named after the draft (`DRAFT_BLOCK`), so no draft is posted twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from channels.slack.draft_blocks import DRAFT_BLOCK, draft_message

if TYPE_CHECKING:
    from bot.desk.drafts import Draft
    from bot.desk.escalations import Escalation

log = logging.getLogger("caseloop.slack")

MAX_PAGES = 20
"""How many pages of a thread (200 messages each) are read to find its drafts again."""


class DraftMessages:
    """Posts and updates the messages that show a case's drafts.

    Args:
        client: The Web API client.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._shown: dict[int, tuple[str, tuple[Any, ...] | None]] = {}
        """Draft id: its message's ts, and the state it shows (None: not known)."""
        self._searched: set[int] = set()
        """Cases whose threads were read for drafts posted before a restart."""

    async def show(self, case: Escalation, thread: tuple[str, str],
                   new_thread: bool = False) -> None:
        """Post the case's new drafts in its thread, and update those whose state changed.

        `new_thread`: the thread was just started, so it holds no draft yet.
        """
        channel, thread_ts = thread
        if new_thread:
            self._searched.add(case.id)
        if case.id not in self._searched and any(d.id not in self._shown for d in case.drafts):
            self._searched.add(case.id)
            self._shown.update({draft_id: (ts, None) for draft_id, ts in
                                (await self._find(channel, thread_ts)).items()})
        for draft in case.drafts:
            known, state = self._shown.get(draft.id), _state(draft)
            if known is None:
                posted = await self._client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, **draft_message(draft))
                self._shown[draft.id] = (str(posted["ts"]), state)
            elif known[1] != state:
                await self._client.chat_update(channel=channel, ts=known[0],
                                               **draft_message(draft))
                self._shown[draft.id] = (known[0], state)

    async def _find(self, channel: str, thread_ts: str) -> dict[int, str]:
        """The drafts already shown in a thread: draft id to message ts."""
        found: dict[int, str] = {}
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            try:
                page = await self._client.conversations_replies(channel=channel, ts=thread_ts,
                                                                limit=200, cursor=cursor)
            except SlackApiError as problem:
                log.warning("Could not read the thread %s for its drafts (%s): drafts shown "
                            "before a restart may be shown again", thread_ts,
                            problem.response.get("error"))
                break
            for message in page.get("messages") or []:
                draft_id = _draft_shown(message)
                if draft_id is not None:
                    found[draft_id] = str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return found


def _state(draft: Draft) -> tuple[Any, ...]:
    """What a draft's message shows that can change."""
    return draft.status, draft.outcome, draft.result


def _draft_shown(message: dict[str, Any]) -> int | None:
    """The id of the draft a thread message shows, if it shows one."""
    blocks = message.get("blocks")
    first = blocks[0] if isinstance(blocks, list) and blocks else None
    block_id = str(first.get("block_id", "")) if isinstance(first, dict) else ""
    number = block_id.removeprefix(DRAFT_BLOCK)
    return int(number) if block_id.startswith(DRAFT_BLOCK) and number.isdigit() else None
