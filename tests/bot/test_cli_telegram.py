"""`caseloop telegram set-webhook` when Telegram refuses or cannot be reached: one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.ports import free_port
from tests.fakes.telegram import TOKEN, FakeTelegram

SECRET = "s3cret_Token-for-the-webhook"
PUBLIC_URL = "https://support.example.com"


def set_webhook(folder: Path, api_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command as an operator would, in a folder of its own."""
    settings = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_API_URL": api_url, "CASELOOP_PUBLIC_URL": PUBLIC_URL,
                "DATABASE_URL": f"sqlite:///{folder / 'caseloop.db'}", **env}
    return subprocess.run([sys.executable, "-m", "bot", "telegram", "set-webhook"],
                          env={**os.environ, **settings}, cwd=folder, capture_output=True,
                          text=True, timeout=60)


def only_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line the command printed on stderr (and nothing on stdout)."""
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    return line


def test_a_refused_webhook_is_named_in_one_line(tmp_path: Path, telegram: FakeTelegram) -> None:
    result = set_webhook(tmp_path, telegram.api_url, CASELOOP_PUBLIC_URL="http://support.local")
    assert result.returncode == 1
    assert only_line(result) == ("caseloop: Telegram refused the webhook: Bad Request: bad "
                                 "webhook: An HTTPS URL must be provided for webhook")
    assert telegram.webhook == {}


def test_a_wrong_token_is_named_in_one_line(tmp_path: Path, telegram: FakeTelegram) -> None:
    result = set_webhook(tmp_path, telegram.api_url, TELEGRAM_BOT_TOKEN="987654321:AAwrong-token")
    assert result.returncode == 1
    assert only_line(result) == ("caseloop: Telegram refused the bot token (TELEGRAM_BOT_TOKEN): "
                                 "Unauthorized")


def test_a_telegram_server_error_is_named_in_one_line(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    telegram.fail_next("setWebhook", 502, "Bad Gateway")
    result = set_webhook(tmp_path, telegram.api_url)
    assert result.returncode == 1
    assert only_line(result) == "caseloop: Telegram failed to set the webhook: Bad Gateway"


def test_an_unreachable_telegram_is_named_in_one_line(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = set_webhook(tmp_path, nowhere)
    assert result.returncode == 1
    line = only_line(result)
    assert line.startswith(f"caseloop: could not reach Telegram at {nowhere}: ")
    assert "Cannot connect" in line


def test_success_still_says_where_updates_go(tmp_path: Path, telegram: FakeTelegram) -> None:
    result = set_webhook(tmp_path, telegram.api_url)
    assert result.returncode == 0, result.stderr
    webhook = f"{PUBLIC_URL}/telegram/webhook"
    assert result.stdout.strip() == f"Telegram will deliver updates to {webhook}"
    assert telegram.webhook["url"] == webhook
