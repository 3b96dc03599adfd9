"""The Telegram channel: Bot API updates in through aiogram 3, replies out with `sendMessage`.

- `translate`: pure functions between aiogram's types and Caseloop's messages.
- `bot`: the aiogram `Bot` (pointed at any Bot API server) and the `Dispatcher` with its handlers.
- `channel`: `TelegramChannel`, which sends, feeds webhook updates and runs long polling.
- `webhook`: registering the webhook URL and its secret with Telegram.
"""
