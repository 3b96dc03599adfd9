"""`caseloop eval` against an OpenAI-compatible model: a model that misuses its tools fails its
scenario cleanly, and the run goes on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.cli import main
from tests.fakes.openai import FakeOpenAI, text, tool_call

SUITE = """\
- name: {name}
  today: 2026-11-10
  customer: C1
  channel: whatsapp
  turns:
    - "{say}"
  expect:
    actions:
      - {{action: refund, outcome: done, args: {{order_id: A1001}}}}
"""
SCRIPT = {
    "refund with bad arguments": tool_call("refund", order="A1001", amount="lots"),
    "refund through a tool that does not exist": tool_call("teleport_refund", order_id="A1001"),
    "refund claimed without the tool": text("Done! Your refund of 49.00 is on its way."),
}


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    last = body["messages"][-1]
    if last["role"] == "tool":
        return text("Sorry, something went wrong there.")
    return SCRIPT.get(str(last.get("content")), text("How can I help?"))


def test_a_model_misusing_its_tools_fails_each_scenario_and_the_run_completes(
        tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    fake = FakeOpenAI(answer_with=_answer)
    fake.start()
    try:
        path = tmp_path / "suite.yaml"
        path.write_text("".join(SUITE.format(name=name, say=name) for name in SCRIPT))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        status = main(["eval", str(path), "--model", "openai:gpt-test", "--trials", "1",
                       "--junit", str(tmp_path / "junit.xml"), "--min-pass", "0"])
    finally:
        fake.stop()
    printed = capsys.readouterr().out
    assert status == 0
    for name in SCRIPT:
        line = next(line for line in printed.splitlines() if line.startswith(name))
        assert "0/1" in line and "no audit record of refund done" in line, line
    assert "pass^1 0.000" in printed and "wrong actions 0" in printed
    assert {r["body"]["model"] for r in fake.requests} == {"gpt-test"}
    assert (tmp_path / "junit.xml").read_text().count("<failure ") == 3
