"""`SlackApp`: the Slack app Caseloop acts as, its tokens and how Slack reaches it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SLACK_API = "https://slack.com/api/"

SIGNING_SECRET_ERROR = "a signing secret is needed to check Slack's requests"
APP_TOKEN_ERROR = "an app-level token is needed in socket mode"


@dataclass(frozen=True, kw_only=True)
class SlackApp:
    """The Slack app's credentials and connection mode; secrets are kept out of `repr`.

    Args:
        token: The bot token (`xoxb-...`).
        signing_secret: Checks the signature of every request on `/slack/events` (HTTP mode).
        app_token: The app-level token (`xapp-...`) for Socket Mode.
        api_url: The Web API's base URL (Slack's, GovSlack's, a proxy, a local stand-in).
        mode: `http` (Slack calls `/slack/events`) or `socket` (Caseloop connects to Slack).

    Raises:
        ValueError: in HTTP mode without a signing secret, in Socket Mode without an app token.
    """

    token: str = field(repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = SLACK_API
    mode: Literal["http", "socket"] = "http"

    def __post_init__(self) -> None:
        if self.mode == "http" and not self.signing_secret:
            raise ValueError(SIGNING_SECRET_ERROR)
        if self.mode == "socket" and not self.app_token:
            raise ValueError(APP_TOKEN_ERROR)
