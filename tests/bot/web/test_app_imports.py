"""What the server imports before it listens: nothing heavy that loads in the background."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("langgraph", "langchain_core", "langchain_openai", "openai", "sklearn", "scipy",
         "numpy", "psycopg", "telegram", "slack_bolt", "twilio", "py3langid")
"""Packages that take from tens of milliseconds to seconds to import."""


def loaded_by(modules: str, packages: tuple[str, ...]) -> list[str]:
    """Which of `packages` a fresh interpreter has imported once it imported `modules`."""
    done = subprocess.run(
        [sys.executable, "-c", f"import json, sys, {modules}; print(json.dumps(sorted("
         f"{{m.split('.')[0] for m in sys.modules}} & set({packages!r}))))"],
        capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_the_app_loads_no_graph_model_or_driver_code_so_the_server_listens_at_once() -> None:
    assert loaded_by("bot.cli, bot.web.app, bot.web.server", HEAVY) == []


def test_the_routes_of_channels_load_no_graph_code() -> None:
    routes = "bot.web.routes.voice, bot.web.routes.sms, bot.web.routes.telegram"
    assert loaded_by(routes, ("langgraph", "langchain_core", "telegram")) == []


def test_on_sqlite_the_background_load_leaves_the_postgresql_driver_out() -> None:
    assert loaded_by("bot.assembly", ("psycopg", "psycopg_pool")) == []
