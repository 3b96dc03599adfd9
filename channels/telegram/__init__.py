"""The Telegram channel: updates in through python-telegram-bot (PTB), replies via `sendMessage`.

- `updates`: webhook bodies checked and parsed into PTB `Update`s.
- `translate`: pure functions between PTB's types and Caseloop's messages.
- `bot`: the PTB `Bot` (pointed at any Bot API server) and the handling of each update.
- `request`: the HTTP client under the `Bot`, telling Telegram's answers apart by status.
- `channel`: `TelegramChannel`, which sends, feeds webhook updates and runs long polling.
- `webhook`: registering the webhook URL and its secret with Telegram.
"""
