"""The deploy files agree with the application: its commands, routes, port and shutdown grace."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import yaml

from bot.web.app import create_app
from tests.factories import make_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


@pytest.fixture(scope="module")
def commands() -> set[str]:
    """The `caseloop` subcommands, as its help lists them."""
    shown = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout
    listed = re.search(r"\{([a-z,-]+)\}", shown)
    assert listed is not None, shown
    return set(listed.group(1).split(","))


@pytest.fixture(scope="module")
def serves(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Awaitable[bool]]:
    """Whether the app, with every channel on, has a route for a method and path (asked over
    ASGI without starting Caseloop, so a route may fail but not be missing)."""
    settings = make_settings(
        tmp_path_factory.mktemp("routes"), CASELOOP_PUBLIC_URL="https://support.example.com",
        TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_AUTH_TOKEN="t" * 32,
        TWILIO_WHATSAPP_FROM="whatsapp:+14155238886", TWILIO_SMS_FROM="+14155550142",
        TELEGRAM_BOT_TOKEN="123456:ABC-def",
        TELEGRAM_WEBHOOK_SECRET="secret", SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s",
        SLACK_ESCALATION_CHANNEL="C0123", CASELOOP_EVENTS_SECRET="e" * 32)
    transport = httpx.ASGITransport(app=create_app(settings), raise_app_exceptions=False)

    async def serves(method: str, path: str) -> bool:
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            return (await client.request(method, path)).status_code not in (404, 405)

    return serves


def caseloop_command(line: str) -> list[str]:
    words = shlex.split(line)
    assert words[0] == "caseloop", line
    return words[1:]


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def test_procfile_migrates_in_the_release_phase_and_serves_the_web(commands: set[str]) -> None:
    processes = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines()
                     if line.strip())
    assert caseloop_command(processes["release"]) == ["migrate"]
    assert caseloop_command(processes["web"]) == ["serve"]
    assert {"migrate", "serve"} <= commands


def test_python_is_pinned_to_what_the_project_and_the_image_use() -> None:
    pinned = (ROOT / ".python-version").read_text().strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={pinned}"
    assert ("FROM", f"python:{pinned}-slim") in dockerfile()
    assert (ROOT / "requirements.txt").read_text().splitlines()[-1] == "."


async def test_the_image_runs_unprivileged_serves_port_and_checks_liveness(serves) -> None:
    instructions = dockerfile()
    kinds = [kind for kind, _ in instructions]
    env = " ".join(args for kind, args in instructions if kind == "ENV")
    port = re.search(r"\bPORT=(\d+)", env)
    assert port is not None
    assert ("EXPOSE", port.group(1)) in instructions
    user = next(args for kind, args in instructions if kind == "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert kinds.index("USER") < kinds.index("CMD")
    assert json.loads(next(args for kind, args in instructions if kind == "CMD")) == [
        "caseloop", "serve"]
    healthcheck = next(args for kind, args in instructions if kind == "HEALTHCHECK")
    assert "/healthz" in healthcheck and "PORT" in healthcheck
    assert await serves("GET", "/healthz")
    copied = {args.split()[0] for kind, args in instructions if kind == "COPY"}
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]["find"]["include"]
    assert {package.rstrip("*") for package in packages} <= copied
    assert ("RUN", "pip install --no-cache-dir .") in instructions


async def test_the_render_blueprint_wires_postgresql_migrates_and_drains(serves) -> None:
    blueprint = yaml.safe_load((DEPLOY / "render.yaml").read_text())
    (web,) = blueprint["services"]
    env = {item["key"]: item for item in web["envVars"]}
    assert web["type"] == "web" and web["runtime"] == "python"
    assert caseloop_command(web["startCommand"]) == ["serve"]
    assert caseloop_command(web["preDeployCommand"]) == ["migrate"]
    assert await serves("GET", web["healthCheckPath"])
    database = env["DATABASE_URL"]["fromDatabase"]
    assert database["property"] == "connectionString"
    assert database["name"] in {db["name"] for db in blueprint["databases"]}
    assert int(env["CASELOOP_SHUTDOWN_GRACE"]["value"]) < web["maxShutdownDelaySeconds"]
    assert env["PYTHON_VERSION"]["value"].startswith(
        (ROOT / ".python-version").read_text().strip() + ".")


async def test_the_fly_config_sends_sigterm_with_time_to_drain(serves) -> None:
    config = tomllib.loads((DEPLOY / "fly.toml").read_text())
    env = config["env"]
    assert config["kill_signal"] == "SIGTERM"
    assert int(config["kill_timeout"].removesuffix("s")) > int(env["CASELOOP_SHUTDOWN_GRACE"])
    assert config["http_service"]["internal_port"] == int(env["PORT"])
    for check in config["http_service"]["checks"]:
        assert await serves(check["method"], check["path"])
    database = env["DATABASE_URL"].removeprefix("sqlite:///")
    assert Path(database).parent == Path(config["mounts"]["destination"])


async def test_the_slack_manifest_points_slack_at_the_events_route(serves) -> None:
    manifest = yaml.safe_load((DEPLOY / "slack-manifest.yaml").read_text())
    settings = manifest["settings"]
    urls = [settings["event_subscriptions"]["request_url"],
            settings["interactivity"]["request_url"]]
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls)
    assert await serves("POST", "/slack/events")
    assert not await serves("POST", "/slack/nowhere")
    assert settings["socket_mode_enabled"] is False
    assert "chat:write" in manifest["oauth_config"]["scopes"]["bot"]


async def test_every_webhook_url_the_readme_gives_is_served(serves) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Webhook URLs"):]
    section = section[:section.index("\n### ")]
    paths = set(re.findall(r"https://support\.example\.com(/[\w/]+)", section))
    assert {"/twilio/whatsapp", "/twilio/sms", "/twilio/status", "/telegram/webhook",
            "/slack/events"} <= paths
    for path in paths:
        assert await serves("POST", path), path
