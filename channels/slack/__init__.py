"""Slack, the channel for people: escalated cases as threads to approve, take over and hand back.

- `blocks`: pure functions from a case to Block Kit (the thread's parent, its notes, the deny
  form) and from Slack's payloads back to what was clicked or written.
- `app`: the slack-bolt `AsyncApp` and its listeners; each acknowledges at once, then hands the
  work to the connector.
- `connector`: `SlackConnector`, which shows the desk's cases in Slack and carries people's clicks
  and thread messages back to the desk.
"""

from channels.slack.connector import SlackConnector

__all__ = ["SlackConnector"]
