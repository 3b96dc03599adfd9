"""Policy decisions from a shop's own rules file, and the rule that decided in the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from graph.policy import DEFAULT_RULE, ActionFacts, Policy, PolicyError
from tests.graph.agent_rig import Rig, agent_rig, customer

RULES = """
[[rule]]
name = "no-refunds-after-60-days"
action = "refund"
min_days_since_delivery = 60
decision = "forbid"

[[rule]]
name = "vip-refunds-up-to-100-auto"
action = "refund"
tier = "vip"
max_amount = "100.00"
decision = "auto"

[[rule]]
name = "small-refunds-auto"
action = "refund"
tier = ["standard", "vip"]
max_amount = "20"
decision = "auto"

[[rule]]
name = "huge-refunds-forbidden"
action = "refund"
min_amount = "1000"
decision = "forbid"

[[rule]]
name = "cancel-young-orders-auto"
action = "cancel_order"
max_order_age_days = 14
decision = "auto"
"""


def refund(amount: str, tier: str = "standard", delivered_days_ago: float = 3) -> ActionFacts:
    return ActionFacts("refund", tier, Decimal(amount), order_age_days=delivered_days_ago + 2,
                       days_since_delivery=delivered_days_ago)


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(RULES)
    return path


@pytest.fixture
def policy(rules_file: Path) -> Policy:
    return Policy.load(rules_file)


@pytest.mark.parametrize(("facts", "decision", "rule"), [
    (refund("20.00"), "auto", "small-refunds-auto"),  # max_amount includes the bound
    (refund("20.01"), "approve", DEFAULT_RULE),  # no rule matches: a person decides
    (refund("20.01", "vip"), "auto", "vip-refunds-up-to-100-auto"),
    (refund("100.01", "vip"), "approve", DEFAULT_RULE),
    (refund("1000.00"), "approve", DEFAULT_RULE),  # min_amount excludes the bound
    (refund("1000.01"), "forbid", "huge-refunds-forbidden"),
    (refund("5.00", "vip", delivered_days_ago=61), "forbid", "no-refunds-after-60-days"),
    (refund("5.00", delivered_days_ago=59), "auto", "small-refunds-auto"),
    (ActionFacts("cancel_order", "standard", None, order_age_days=3), "auto",
     "cancel-young-orders-auto"),
    (ActionFacts("cancel_order", "standard", None, order_age_days=20), "approve", DEFAULT_RULE),
    (ActionFacts("change_address", "vip", None, order_age_days=1), "approve", DEFAULT_RULE),
])
def test_the_first_rule_that_holds_decides(
        policy: Policy, facts: ActionFacts, decision: str, rule: str) -> None:
    ruling = policy.decide(facts)
    assert (ruling.decision, ruling.rule) == (decision, rule)


def test_a_condition_on_a_fact_the_action_lacks_does_not_hold(policy: Policy) -> None:
    unknown_delivery = ActionFacts("refund", "standard", Decimal("5"), order_age_days=1,
                                   days_since_delivery=None)
    assert policy.decide(unknown_delivery).rule == "small-refunds-auto"
    no_age = ActionFacts("cancel_order", "standard", None, order_age_days=None)
    assert policy.decide(no_age).rule == DEFAULT_RULE


def test_rules_are_read_from_yaml_as_well(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("rule:\n  - name: everything-waits\n    decision: approve\n"
                    "  - name: never-reached\n    decision: auto\n")
    ruling = Policy.load(path).decide(refund("1.00"))
    assert (ruling.decision, ruling.rule) == ("approve", "everything-waits")


@pytest.mark.parametrize(("text", "complaint"), [
    ('[[rule]]\nname = "x"\ndecision = "maybe"\n', "decision must be auto, approve or forbid"),
    ('[[rule]]\nname = "x"\naction = "refnd"\ndecision = "auto"\n', "action must be one of"),
    ('[[rule]]\nname = "x"\nmax_amont = "5"\ndecision = "auto"\n', "unknown keys ['max_amont']"),
    ('[[rule]]\nname = "x"\nmax_amount = "lots"\ndecision = "auto"\n', "must be numbers"),
    ('[[rule]]\nname = "x"\nmax_amount = "inf"\ndecision = "auto"\n', "finite numbers"),
    ('name = "no rules"\n', "expected a list of rules"),
    ("[[rule]\n", "policy.toml"),
])
def test_a_rules_file_that_cannot_be_used_says_where_and_why(
        tmp_path: Path, text: str, complaint: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(PolicyError, match="policy.toml") as raised:
        Policy.load(path, {"refund": (), "cancel_order": (), "change_address": ()})
    assert complaint in str(raised.value)


@pytest.fixture
async def rig(tmp_path: Path, rules_file: Path) -> AsyncIterator[Rig]:
    rig = await agent_rig(tmp_path, policy=rules_file)
    yield rig
    await rig.close()


async def test_the_shops_rule_decides_in_the_conversation_and_is_named_in_the_audit(
        rig: Rig) -> None:
    bart = customer("K-88")  # a VIP: the bundled policy would have asked a person
    asked = " ".join(await rig.say(bart, "I'd like a refund for my candle, order V9001"))
    assert "refund 20.00 EUR on order V9001" in asked
    assert (await rig.say(bart, "yes please"))[0].startswith("Done")
    assert (await rig.order("V9001")).refunded == Decimal("20.00")
    [record] = await rig.audited("K-88")
    assert (record.action, record.outcome, record.rule) == (
        "refund", "done", "vip-refunds-up-to-100-auto")


async def test_no_matching_rule_parks_the_action_under_the_default_rule(rig: Rig) -> None:
    noor = customer("K-77")
    await rig.say(noor, "I'd like a refund for order Q5521 please")  # 38.40: above 20
    assert "approval" in " ".join(await rig.say(noor, "yes"))
    assert (await rig.order("Q5521")).refunded == Decimal("0.00")
    [row] = await rig.parked()
    [record] = await rig.audited("K-77")
    assert (record.outcome, record.rule) == ("pending_approval", DEFAULT_RULE)
    assert row["rule"] == DEFAULT_RULE


async def test_a_forbidding_rule_is_named_in_the_refusal_record(rig: Rig) -> None:
    mei = customer("K-99")  # her teapot came 80 days ago
    refused = " ".join(await rig.say(mei, "can I have a refund of 5 euros on order M3003?"))
    assert "Our policy doesn't allow me to refund 5.00 EUR on order M3003" in refused
    assert (await rig.order("M3003")).refunded == Decimal("0.00")
    [record] = await rig.audited("K-99")
    assert (record.outcome, record.rule, record.args["order_id"]) == (
        "refused", "no-refunds-after-60-days", "M3003")
