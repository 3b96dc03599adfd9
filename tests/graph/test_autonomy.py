"""Autonomy by case type in the policy file, and the case type a turn worked on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULTS_DIR
from graph.autonomy import Guardrails, case_type_of, case_types
from graph.declarations.loading import load_actions
from graph.policy import Policy, PolicyError
from tests.factories import BUNDLED_CASE_TYPES, WARRANTY_ACTION

RULES = '[[rule]]\nname = "all-auto"\ndecision = "auto"\n'


def _policy(tmp_path: Path, text: str, suffix: str = ".toml") -> Policy:
    path = tmp_path / f"policy{suffix}"
    path.write_text(text)
    return Policy.load(path, case_types=BUNDLED_CASE_TYPES)


def test_the_file_sets_levels_and_guardrails_case_type_by_case_type(tmp_path):
    policy = _policy(tmp_path, RULES + """
[autonomy]
refund = "shadow"
order_status = "autonomous"

[guardrails]
window = 30
min_satisfaction = 3.5

[guardrails.refund]
max_reopen_rate = 0.05
stop_on_failed_action = false
""")
    rules = policy.autonomy
    assert dict(rules.levels) == {"refund": "shadow", "order_status": "autonomous"}
    assert rules.guardrails_for("refund") == Guardrails(
        window=30, min_satisfaction=3.5, max_reopen_rate=0.05, stop_on_failed_action=False)
    assert rules.guardrails_for("cancellation") == Guardrails(window=30, min_satisfaction=3.5)


def test_a_file_without_the_tables_keeps_the_defaults(tmp_path):
    rules = _policy(tmp_path, RULES).autonomy
    assert dict(rules.levels) == {} and rules.guardrails_for("refund") == Guardrails()


@pytest.mark.parametrize(("extra", "message"), [
    ('[autonomy]\nrefunds = "shadow"\n', "autonomy.refunds: unknown case type"),
    ('[autonomy]\nrefund = "sometimes"\n', "autonomy.refund: level must be shadow or autonomous"),
    ('autonomy = "shadow"\n', "autonomy: expected a table"),
    ("[guardrails]\nwindow = -1\n", "guardrails.window: must be a number of at least 0"),
    ("[guardrails]\nwindow = 2.5\n", "guardrails.window: must be a number of at least 0 (whole)"),
    ('[guardrails]\nmax_reopen_rate = "high"\n', "guardrails.max_reopen_rate: must be a number"),
    ("[guardrails]\nstop_on_failed_action = 1\n", "stop_on_failed_action: must be true or false"),
    ("[guardrails]\nreopen = 0.1\n", "guardrails.reopen: unknown setting"),
    ("[guardrails.refund]\nwindow = true\n", "guardrails.refund.window: must be a number"),
    ("[guardrails.parcels]\nwindow = 5\n", "guardrails.parcels: unknown case type"),
])
def test_a_bad_table_is_refused_naming_the_file_and_the_key(tmp_path, extra, message):
    with pytest.raises(PolicyError) as raised:
        _policy(tmp_path, extra + "\n" + RULES if not extra.startswith("[") else RULES + extra)
    assert "policy.toml" in str(raised.value) and message in str(raised.value)


def test_a_yaml_policy_sets_levels_too(tmp_path):
    policy = _policy(tmp_path, "rule:\n  - {name: all-auto, decision: auto}\n"
                               "autonomy: {cancellation: shadow}\n", suffix=".yaml")
    assert dict(policy.autonomy.levels) == {"cancellation": "shadow"}


@pytest.mark.parametrize(("facts", "case_type"), [
    ([{"kind": "read", "order_id": "A1"}, {"kind": "proposed", "action": "refund"}], "refund"),
    ([{"kind": "refused", "action": "cancel_order"}], "cancellation"),
    ([{"kind": "searched"}, {"kind": "read", "order_id": None}], "order_status"),
    ([{"kind": "searched"}], "policy_question"),
    ([{"kind": "escalated", "reason": "asked_for_person"}], None),
    ([], None),
])
def test_the_case_type_of_a_turn_comes_from_what_it_did(facts, case_type):
    actions = load_actions(DEFAULTS_DIR / "actions.toml")
    assert case_type_of(facts, actions.case_type) == case_type


def test_the_case_types_are_the_bots_own_and_the_declared_ones_in_a_stable_order(tmp_path):
    assert case_types(load_actions(DEFAULTS_DIR / "actions.toml")) == BUNDLED_CASE_TYPES
    other = WARRANTY_ACTION.replace('name = "extend_warranty"', 'name = "extend_cover"')
    warranty = WARRANTY_ACTION.replace('applies_to = "order"',
                                       'applies_to = "order"\ncase_type = "warranty"')
    path = tmp_path / "actions.toml"
    path.write_text(other + warranty.replace("extendWarranty", "extendOther"))
    kinds = case_types(load_actions(path))
    assert kinds == ("order_status", "warranty", "other", "policy_question")
    (tmp_path / "policy.toml").write_text(RULES + '[autonomy]\nwarranty = "shadow"\n'
                                          '[guardrails.warranty]\nwindow = 5\n')
    rules = Policy.load(tmp_path / "policy.toml", case_types=kinds).autonomy
    assert dict(rules.levels) == {"warranty": "shadow"}
    assert rules.guardrails_for("warranty").window == 5
