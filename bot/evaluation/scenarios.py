"""Scenario files: what a customer says and what must hold at the end, read from YAML and
validated, with every error naming the file and the line.

A file is a YAML list of scenarios (see the README, "Evaluate before you switch"). The shop a
scenario starts from is the bundled demo data, a JSON file beside it, or inline; with `today`,
every date in the shop is moved so that this day is today, so a scenario about a return window
passes next year too.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.config import DEFAULTS_DIR
from graph.declarations.loading import load_actions

BUNDLED = Path(__file__).parent / "scenarios"
"""The bundled suite: `caseloop eval` with no paths."""
CHANNELS = ("webchat", "whatsapp")
MAX_FILE_BYTES = 1_000_000
Outcome = Literal["done", "refused", "pending_approval", "failed"]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names the file and the line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(_Strict):
    """One thing the customer types: one of `say` (picked per trial), on `channel`."""

    say: list[Text] = Field(min_length=1)
    channel: Literal["webchat", "whatsapp"] | None = None


class OrderState(_Strict):
    """What an order must hold at the end (any subset)."""

    status: Literal["processing", "shipped", "delivered", "cancelled"] | None = None
    refunded: Decimal | None = None
    address: dict[Literal["line1", "line2", "city", "postcode", "country"], str] | None = None


DECLARED_ACTIONS = load_actions(DEFAULTS_DIR / "actions.toml").names
"""The actions a scenario may expect: the bundled ones, which the evaluation runs with."""


class ActionRecord(_Strict):
    """An audit record that must exist: the action, how it went, and (a subset of) its args."""

    action: str
    """One of the bundled declared actions (`bot/defaults/actions.toml`)."""
    outcome: Outcome
    args: dict[str, str | int | float] = Field(default_factory=dict)

    @field_validator("action")
    @classmethod
    def _declared(cls, action: str) -> str:
        if action not in DECLARED_ACTIONS:
            raise ValueError(f"must be one of {', '.join(sorted(DECLARED_ACTIONS))}")
        return action


class Replies(_Strict):
    """Case-insensitive patterns over every reply: each of `contain` matches one at least;
    none of `not_contain` matches any."""

    contain: list[Text] = Field(default_factory=list)
    not_contain: list[Text] = Field(default_factory=list)

    @field_validator("contain", "not_contain")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a regular expression ({error})") from None
        return patterns


class Expect(_Strict):
    """What must hold at the end of a trial."""

    orders: dict[str, OrderState] = Field(default_factory=dict)
    actions: list[ActionRecord] = Field(default_factory=list)
    escalated: bool | Literal["asked_for_person", "frustration", "safety", "backend_error",
                              "approval"] | None = None
    replies: Replies = Field(default_factory=Replies)
    max_turns: int | None = Field(default=None, ge=1)


class Scenario(_Strict):
    """A customer, a shop, the turns, and what must hold at the end."""

    name: Text
    shop: str | dict[str, Any] = "default"
    today: date | None = None
    customer: Text
    channel: Literal["webchat", "whatsapp"] = "webchat"
    turns: list[Turn] = Field(min_length=1, max_length=50)
    expect: Expect = Field(default_factory=Expect)
    source: str = ""
    """Where it was read, `file:line` (set by the loader)."""
    folder: Path = Path(".")
    """The folder of its file, which a shop path is relative to (set by the loader)."""

    @field_validator("turns", mode="before")
    @classmethod
    def _turns(cls, value: Any) -> Any:
        """A turn may be written as a string, a list of alternatives, or {say, channel}."""
        if not isinstance(value, list):
            return value
        turns = []
        for turn in value:
            if isinstance(turn, str):
                turn = {"say": [turn]}
            elif isinstance(turn, list):
                turn = {"say": turn}
            elif isinstance(turn, dict) and isinstance(turn.get("say"), str):
                turn = {**turn, "say": [turn["say"]]}
            turns.append(turn)
        return turns

    def shop_data(self, now: datetime) -> dict[str, Any]:
        """The shop to seed, its dates moved so that `today` is the day of `now`."""
        if isinstance(self.shop, dict):
            data = self.shop
        else:
            path = DEFAULTS_DIR / "demo.json" if self.shop == "default" else \
                self.folder / self.shop
            data = json.loads(path.read_text(encoding="utf-8"))
        if self.today is None:
            return data
        return _shifted(data, now.date() - self.today)


def load(paths: list[Path]) -> list[Scenario]:
    """Every scenario in the files given (folders: their `*.yaml` and `*.yml`, sorted).

    Raises:
        ScenarioError: A file is unreadable, not YAML, or a scenario in it is invalid; or two
            scenarios share a name.
    """
    scenarios: list[Scenario] = []
    for path in _files(paths):
        scenarios += _read(path)
    seen: dict[str, str] = {}
    for scenario in scenarios:
        if scenario.name in seen:
            raise ScenarioError(f"{scenario.source}: the name {scenario.name!r} is also used at "
                                f"{seen[scenario.name]}")
        seen[scenario.name] = scenario.source
    return scenarios


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            files.append(path)
        else:
            raise ScenarioError(f"{path}: no such file or folder")
    return files


def _read(path: Path) -> list[Scenario]:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ScenarioError(f"{where}: not valid YAML ({getattr(error, 'problem', error)})"
                            ) from None
    if not isinstance(data, list) or root is None:
        raise ScenarioError(f"{path}:1: a scenario file is a list of scenarios")
    scenarios = []
    for index, item in enumerate(data):
        node = root.value[index]
        source = f"{path}:{node.start_mark.line + 1}"
        if not isinstance(item, dict):
            raise ScenarioError(f"{source}: a scenario is a mapping (name, customer, turns, ...)")
        try:
            scenario = Scenario.model_validate({**item, "source": source,
                                                "folder": path.parent})
        except ValidationError as error:
            raise ScenarioError(_explain(path, node, error)) from None
        if isinstance(scenario.shop, str) and scenario.shop != "default" and \
                not (path.parent / scenario.shop).is_file():
            raise ScenarioError(f"{source}: shop {scenario.shop!r} is not a file beside it")
        scenarios.append(scenario)
    return scenarios


def _explain(path: Path, node: yaml.Node, error: ValidationError) -> str:
    """The first problem, at the line of the value it is about."""
    problem = error.errors()[0]
    location = [part for part in problem["loc"] if not isinstance(part, str) or
                not part.startswith(("function-", "literal["))]
    line = _line_of(node, location)
    field = ".".join(str(part) for part in location) or "scenario"
    return f"{path}:{line}: {field}: {problem['msg'].removeprefix('Value error, ')}"


def _line_of(node: yaml.Node, location: list[str | int]) -> int:
    for part in location:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and \
                part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            break
        node = found
    return node.start_mark.line + 1


def _shifted(data: dict[str, Any], by: timedelta) -> dict[str, Any]:
    """The shop with every order date (placed, delivered, tracking ETA) moved by `by`."""
    orders = []
    for order in data.get("orders", []):
        order = dict(order)
        for key in ("placed_at", "delivered_at"):
            if order.get(key):
                moved = datetime.fromisoformat(str(order[key]).replace("Z", "+00:00")) + by
                order[key] = moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(order.get("tracking"), dict) and order["tracking"].get("eta"):
            eta = date.fromisoformat(str(order["tracking"]["eta"])[:10]) + by
            order["tracking"] = {**order["tracking"], "eta": eta.isoformat()}
        orders.append(order)
    return {**data, "orders": orders}
