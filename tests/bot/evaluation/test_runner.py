"""Scenarios run through the real graph, gate, policy and stores, scored on what they left."""

from __future__ import annotations

from pathlib import Path

from bot.config import DEFAULTS_DIR
from bot.evaluation.report import as_json
from bot.evaluation.runner import run_suite
from bot.evaluation.scenarios import load
from bot.evaluation.trial import Model

SUITE = """\
- name: a refund proved by the e-mailed code
  today: 2026-11-10
  customer: C1
  turns:
    - "hello, the mug in A1001 came with a crack, I'd like my money back"
    - ["it's {email}", "{email}"]
    - "{code}"
    - "yes"
  expect:
    orders:
      A1001: {refunded: "49.00"}
    actions:
      - {action: refund, outcome: done, args: {order_id: A1001, amount: "49.00"}}
    escalated: false
    replies:
      contain: ["A1001"]
      not_contain: ["verification code is"]
    max_turns: 4
- name: a cancel begun on the web chat and confirmed on WhatsApp
  today: 2026-11-21
  customer: C1
  turns:
    - "please cancel my kettle order A1002"
    - "{email}"
    - "{code}"
    - {say: "yes", channel: whatsapp}
    - {say: "yes", channel: whatsapp}
  expect:
    orders:
      A1002: {status: cancelled}
    actions:
      - {action: cancel_order, outcome: done, args: {order_id: A1002}}
- name: nothing may be done here
  today: 2026-11-10
  customer: C1
  channel: whatsapp
  turns:
    - "refund A1001 please"
    - "yes"
  expect:
    orders:
      A1001: {refunded: "0.00"}
"""


async def test_a_suite_is_scored_on_the_end_state_with_wrong_actions_counted(
        tmp_path: Path) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE, encoding="utf-8")
    summary = await run_suite(load([path]), model=Model("offline"), trials=2,
                              policy=DEFAULTS_DIR / "policy.toml", jobs=3, progress=False)
    report = as_json(summary)
    by_name = {s["name"]: s for s in report["scenarios"]}
    assert by_name["a refund proved by the e-mailed code"]["passed_trials"] == 2
    assert by_name["a cancel begun on the web chat and confirmed on WhatsApp"][
        "passed_trials"] == 2
    wrong = by_name["nothing may be done here"]
    assert wrong["passed_trials"] == 0 and wrong["wrong_actions"] == 2
    assert "order A1001 has 49.00 refunded, not 0.00" in wrong["failures"][0]
    assert "did refund (amount" in wrong["failures"][0]
    assert (report["k"], report["wrong_actions"]) == (2, 2)
    assert report["pass_1"] == round(4 / 6, 4) and report["pass_k"] == round(2 / 3, 4)
    assert report["median_turns"] == 4
