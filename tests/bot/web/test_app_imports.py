"""What the server imports before it listens: nothing heavy that loads in the background."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("langgraph", "langchain_core", "langchain_openai", "openai", "sklearn", "scipy",
         "numpy", "psycopg", "aiogram", "slack_bolt", "twilio", "py3langid")
"""Packages that take from tens of milliseconds to seconds to import."""


def test_the_app_loads_no_graph_model_or_driver_code_so_the_server_listens_at_once() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.cli, bot.web.app, bot.web.server; "
         f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"],
        capture_output=True, text=True, timeout=60, check=True)
    assert loaded.stdout.strip() == "[]"


def test_on_sqlite_the_background_load_leaves_the_postgresql_driver_out() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.assembly; "
         "print(sorted({m.split('.')[0] for m in sys.modules} & {'psycopg', 'psycopg_pool'}))"],
        capture_output=True, text=True, timeout=60, check=True)
    assert loaded.stdout.strip() == "[]"
