"""`caseloop eval` on the command line: JSON for machines, and exit statuses CI can act on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.cli import main

ONE = """\
- name: where is the tea
  customer: C1
  channel: whatsapp
  turns: ["where is my order A1003?"]
  expect:
    replies:
      contain: ["{pattern}"]
"""


def test_json_output_and_the_pass_threshold(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(ONE.format(pattern="A1003"))
    assert main(["eval", str(path), "--trials", "2", "--json", "--min-pass", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["k"], report["pass_1"], report["pass_k"], report["wrong_actions"]) == \
        (2, 1.0, 1.0, 0)
    assert report["scenarios"][0] | {"source": ""} == {
        "name": "where is the tea", "source": "", "passed_trials": 2, "trials": 2,
        "wrong_actions": 0, "failures": []}

    path.write_text(ONE.format(pattern="never said"))
    assert main(["eval", str(path), "--trials", "1", "--min-pass", "0.5"]) == 1
    captured = capsys.readouterr()
    assert "no reply matches 'never said'" in captured.out
    assert "pass^1 0.000 is below --min-pass 0.5" in captured.err


def test_a_bad_file_is_named_with_its_line_and_nothing_runs(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ONE.format(pattern="x").replace("channel: whatsapp", "channel: fax"))
    assert main(["eval", str(path)]) == 2
    assert f"{path}:3: channel:" in capsys.readouterr().err
