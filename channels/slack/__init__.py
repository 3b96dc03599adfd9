"""Slack, the channel for people: escalated cases as threads to approve, take over and hand back.

- `app_settings`: `SlackApp`, the app's tokens, Web API URL and mode, checked to fit together.
- `blocks`: pure functions from a case to Block Kit (the thread's parent, its notes, the deny
  form).
- `draft_blocks`: the same for shadow mode's drafts (a thread message each, the Edit and Reject
  forms).
- `app`: the slack-bolt `AsyncApp` and its listeners; each acknowledges at once, then hands the
  work to the handlers.
- `intake`: requests on `/slack/events` authenticated on their raw bytes, capped while they
  stream in, then parsed within bounds.
- `payloads`: what a click, a form or a thread message asks for, read back from Slack's payloads.
- `handlers`: `SlackHandlers`, which turns people's clicks, forms and thread messages into desk
  operations and answers the person who acted; `draft_handlers`, its part for Send, Edit and
  Reject on drafts.
- `draft_messages`: `DraftMessages`, which posts each draft in its case's thread and keeps its
  message current.
- `connector`: `SlackConnector`, which shows the desk's cases in Slack and hands what people do
  there to its handlers.

Nothing is imported here, so that `intake` (slack_sdk's signature check alone) loads without
bolt: import `SlackConnector` from `channels.slack.connector`.
"""
