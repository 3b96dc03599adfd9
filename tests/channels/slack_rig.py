"""The Slack connector behind its real route, a stand-in desk, and the fake Slack Web API."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
from fastapi import FastAPI

from bot.web.routes import slack as slack_route
from channels.slack.app_settings import SlackApp
from channels.slack.connector import SlackConnector
from tests.channels.slack_desk import StandInDesk
from tests.fakes.slack import (
    CHANNEL,
    SIGNING_SECRET,
    TOKEN,
    FakeSlack,
    block_action,
    event_body,
    event_callback,
    interaction_body,
    signed_headers,
    thread_reply,
)

FORM = "application/x-www-form-urlencoded"


def connector(slack: FakeSlack, desk: StandInDesk,
              agents: frozenset[str] = frozenset()) -> SlackConnector:
    """A connector for the escalation channel, talking to the fake Slack Web API."""
    slack_app = SlackApp(token=TOKEN, signing_secret=SIGNING_SECRET, api_url=slack.api_url)
    return SlackConnector(desk, slack_app, channel_id=CHANNEL, agents=agents)


class Rig:
    """The connector behind its route, a stand-in desk, and Slack on the other side."""

    def __init__(self, slack: FakeSlack, desk: StandInDesk,
                 agents: frozenset[str] = frozenset()) -> None:
        self.slack, self.desk = slack, desk
        self.connector = connector(slack, desk, agents)
        app = FastAPI()
        app.include_router(slack_route.router)
        app.state.caseloop = SimpleNamespace(slack=self.connector)
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://app")

    async def post(self, body: str | bytes, headers: dict[str, str] | None = None,
                   **sign: object) -> httpx.Response:
        """Post to /slack/events, signed like Slack unless `headers` are given."""
        if headers is None:
            content_type = FORM if (body[:8] in ("payload=", b"payload=")) else "application/json"
            headers = signed_headers(body, content_type=content_type, **sign)  # type: ignore[arg-type]
        response = await self.http.post("/slack/events", content=body, headers=headers)
        await self.connector.idle()
        return response

    async def click(self, user: str, action_id: str, value: str, ts: str) -> httpx.Response:
        return await self.post(interaction_body(block_action(user, action_id, value, ts)))

    async def say_in_thread(self, user: str, text: str, thread_ts: str,
                            **extra: object) -> httpx.Response:
        return await self.post(event_body(event_callback(thread_reply(user, text, thread_ts,
                                                                      **extra))))

    async def show(self, case_id: int) -> str:
        """Post the case's parent (as the desk would on escalation); its ts."""
        await self.connector.case_opened(self.desk.cases[case_id])
        ts = self.desk.cases[case_id].slack_ts
        assert ts is not None
        return ts

    async def close(self) -> None:
        await self.http.aclose()
        await self.connector.close()
