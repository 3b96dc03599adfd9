"""Scenario files: read from YAML, refused with the file and line of the problem."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.evaluation.scenarios import BUNDLED, ScenarioError, load

GOOD = """\
- name: where is my kettle
  customer: C1
  channel: whatsapp
  turns:
    - "where's the kettle I ordered"
    - ["thanks", "cheers"]
    - {say: "and the tea?", channel: webchat}
  expect:
    orders:
      A1002: {status: processing}
    replies:
      contain: ["A100[23]"]
"""


def _write(folder: Path, text: str, name: str = "suite.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_turns_may_be_a_sentence_alternatives_or_another_channel(tmp_path: Path) -> None:
    [scenario] = load([_write(tmp_path, GOOD)])
    assert [t.say for t in scenario.turns] == [
        ["where's the kettle I ordered"], ["thanks", "cheers"], ["and the tea?"]]
    assert [t.channel for t in scenario.turns] == [None, None, "webchat"]
    assert scenario.source == f"{tmp_path / 'suite.yaml'}:1"


@pytest.mark.parametrize(("text", "line", "words"), [
    (GOOD.replace("status: processing", "status: lost"), 10, "expect.orders.A1002.status"),
    (GOOD.replace('contain: ["A100[23]"]', 'contain: ["A100[23"]'), 12, "not a regular"),
    (GOOD.replace("  channel: whatsapp\n", "  channel: whatsapp\n  colour: red\n"), 4,
     "colour"),
    (GOOD.replace('    - ["thanks", "cheers"]\n', '    - [\n'), 7, "not valid YAML"),
    (GOOD.replace("- name: where is my kettle\n", "- name: where is my kettle\n  shop: x.json\n"),
     1, "shop 'x.json' is not a file"),
    ("name: just one\n", 1, "a list of scenarios"),
])
def test_a_bad_scenario_is_refused_naming_the_file_and_line(
        tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as refused:
        load([path])
    message = str(refused.value)
    assert message.startswith(f"{path}:{line}: ") and words in message, message


def test_two_scenarios_with_one_name_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "a.yaml")
    _write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ScenarioError, match="is also used at .*a.yaml:1"):
        load([tmp_path])


def test_today_moves_every_date_of_the_shop(tmp_path: Path) -> None:
    (tmp_path / "shop.json").write_text(json.dumps({"customers": [], "orders": [
        {"id": "Z1", "placed_at": "2026-03-01T10:00:00Z", "delivered_at": "2026-03-04T15:30:00Z",
         "tracking": {"carrier": "DHL", "number": "1", "eta": "2026-03-04"}}]}))
    scenario_text = GOOD.replace("- name: where is my kettle\n",
                                 "- name: where is my kettle\n  shop: shop.json\n"
                                 "  today: 2026-03-10\n")
    [scenario] = load([_write(tmp_path, scenario_text)])
    [order] = scenario.shop_data(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))["orders"]
    assert order["placed_at"] == "2026-11-25T10:00:00Z"
    assert order["delivered_at"] == "2026-11-28T15:30:00Z"
    assert order["tracking"]["eta"] == "2026-11-28"


def test_the_bundled_suite_loads_and_covers_every_case_type() -> None:
    scenarios = load([BUNDLED])
    assert len(scenarios) >= 60
    acted = {a.action for s in scenarios for a in s.expect.actions}
    assert acted == {"refund", "cancel_order", "change_address"}
    assert {s.channel for s in scenarios} == {"webchat", "whatsapp"}
    assert any(t.channel not in (None, s.channel) for s in scenarios for t in s.turns)
