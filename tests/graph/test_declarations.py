"""Declared actions: the bundled file, and files with a mistake refused at start with the file,
the action and the field named."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.config import DEFAULTS_DIR
from graph.actions import worded
from graph.declarations.arguments import ActionRejected, check_arguments
from graph.declarations.loading import DeclarationError, check_operations, load_actions
from graph.policy import ActionFacts, Policy, PolicyError
from tests.factories import WARRANTY_ACTION

GOOD = WARRANTY_ACTION


def _file(tmp_path: Path, text: str, name: str = "actions.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_bundled_file_declares_the_eight_actions() -> None:
    actions = load_actions(DEFAULTS_DIR / "actions.toml")
    assert sorted(actions.names) == [
        "cancel_order", "change_address", "exchange_item", "goodwill_credit", "refund",
        "resend_invoice", "reship_order", "start_return"]
    assert actions.case_type("cancel_order") == "cancellation"
    assert actions.get("start_return").window.days == 30
    assert actions.get("refund").settles_later


def test_the_bundled_policy_sends_every_store_credit_to_a_person() -> None:
    actions = load_actions(DEFAULTS_DIR / "actions.toml")
    policy = Policy.load(DEFAULTS_DIR / "policy.toml", actions.dimensions)
    ruling = policy.decide(ActionFacts(action="goodwill_credit", tier="standard",
                                       amount=Decimal("1.00")))
    assert (ruling.decision, ruling.rule) == ("approve", "goodwill-needs-approval")


def test_an_action_of_its_own_is_read_with_its_case_type_defaulting_to_other(
        tmp_path: Path) -> None:
    declared = load_actions(_file(tmp_path, GOOD)).get("extend_warranty")
    assert declared.case_type == "other"
    assert declared.argument_names == ("order_id",)
    assert declared.verify.holds({"warranty": {"until": "2028-01-01"}}, {"until": "2028-01-01"})
    assert not declared.verify.holds({"warranty": {"until": "2027-01-01"}},
                                     {"until": "2028-01-01"})


@pytest.mark.parametrize(("change", "complaint"), [
    (('name = "extend_warranty"', 'name = "Extend Warranty"'),
     "action Extend Warranty: name: expected"),
    (('name = "extend_warranty"', 'name = "extend_warranty"\ncase_type = "Warranty!"'),
     "action extend_warranty: case_type: expected a name of lower-case letters, digits and _"),
    (('name = "extend_warranty"', f'name = "extend_warranty"\ncase_type = "{"w" * 500}"'),
     "action extend_warranty: case_type: expected a name of lower-case letters"),
    (('name = "extend_warranty"', 'name = "extend_warranty"\ncase_type = 7'),
     "action extend_warranty: case_type: expected a name"),
    (('name = "extend_warranty"', 'name = "extend_warranty"\ncase_type = "order_status"'),
     "action extend_warranty: case_type: 'order_status' is the bot's own (a question it "
     "answers, or what an outreach is about), not a kind of action"),
    (('name = "extend_warranty"', 'name = "extend_warranty"\ncase_type = "policy_question"'),
     "case_type: 'policy_question' is the bot's own"),
    (('name = "extend_warranty"', 'name = "extend_warranty"\ncase_type = "delay"'),
     "case_type: 'delay' is the bot's own"),
    (('name = "extend_warranty"', 'name = "get_order"'), "name: expected"),
    (('applies_to = "order"', 'applies_to = "shop"'), "applies_to: expected 'order'"),
    (('statuses = ["delivered"]', 'statuses = ["lost"]'), "statuses: expected a list"),
    (("{order_id} by a year", "{order} by a year"), "confirm: {order} is neither"),
    (("until {until}", "until {until.date}"), "done: placeholder {until.date}"),
    (('field = "warranty.until"', 'field = "warranty..until"'), "verify.field: expected"),
    (('equals = "{until}"', 'equals = "{until}", at_least = "1"'), "verify: expected exactly"),
    (('operation = "extendWarranty"\n', ''), "operation: missing"),
    (('required = ["order_id"]', 'required = []'), "needs a required order_id"),
    (('properties.order_id = { type = "string" }',
      'properties.order_id = { type = "string" }\nproperties.when = { type = "object" }'),
     "arguments.properties.when: expected a type"),
    (('properties.order_id = { type = "string" }',
      'properties.order_id = { type = "strng" }'), "arguments: "),
    (('result = ["until"]', 'result = ["until"]\ncolour = "red"'), "colour: unknown field"),
    (('properties.order_id = { type = "string" }',
      'properties.order_id = { type = "string" }\nproperties.customer_id = { type = "string" }'),
     "arguments.properties.customer_id: expected a lower-case name other than"),
    (('properties.order_id = { type = "string" }',
      'properties.order_id = { type = "string" }\nproperties.amount = { type = "string" }'),
     "amount: an argument named amount needs"),
    (('statuses = ["delivered"]', 'statuses = ["delivered"]\nundo = "nothing"'),
     "undo: 'nothing' is not a declared action"),
])
def test_a_mistake_stops_the_start_naming_file_action_and_field(
        tmp_path: Path, change: tuple[str, str], complaint: str) -> None:
    assert change[0] in GOOD
    path = _file(tmp_path, GOOD.replace(*change))
    with pytest.raises(DeclarationError) as raised:
        load_actions(path)
    assert str(raised.value).startswith(str(path))
    assert complaint in str(raised.value)


def test_a_case_type_of_its_own_is_any_lower_case_name(tmp_path: Path) -> None:
    for kind in ("warranty", "w" * 40, "gift_wrap_2"):
        text = GOOD.replace('name = "extend_warranty"',
                            f'name = "extend_warranty"\ncase_type = "{kind}"')
        actions = load_actions(_file(tmp_path, text))
        assert actions.case_type("extend_warranty") == kind and actions.case_types == (kind,)
    with pytest.raises(DeclarationError, match="case_type: expected a name"):
        load_actions(_file(tmp_path, GOOD.replace(
            'name = "extend_warranty"', f'name = "extend_warranty"\ncase_type = "{"w" * 41}"')))


def test_the_same_name_twice_an_empty_file_and_bad_syntax_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError, match="extend_warranty: name: declared twice"):
        load_actions(_file(tmp_path, GOOD + GOOD))
    with pytest.raises(DeclarationError, match="expected a list of actions"):
        load_actions(_file(tmp_path, "title = 'none'\n"))
    with pytest.raises(DeclarationError, match="actions.toml"):
        load_actions(_file(tmp_path, "[[action]\n"))


def test_a_yaml_file_is_read_too(tmp_path: Path) -> None:
    path = _file(tmp_path, """
action:
  - name: resend_receipt
    description: Send the receipt again.
    applies_to: account
    confirm: send your receipt again
    done: sent your receipt again
    operation: resendReceipt
    verify: {read: customer, field: receipts, contains: {reference: "{reference}"}}
    arguments: {type: object, properties: {}}
""", "actions.yaml")
    assert load_actions(path).get("resend_receipt").applies_to == "account"


def test_an_operation_the_backend_lacks_and_a_rule_for_an_undeclared_action_stop_the_start(
        tmp_path: Path) -> None:
    actions = load_actions(_file(tmp_path, GOOD))
    with pytest.raises(DeclarationError, match="extend_warranty: operation: 'extendWarranty'"):
        check_operations(actions, {"refundOrder"})
    check_operations(actions, {"extendWarranty"})
    policy = _file(tmp_path, '[[rule]]\nname = "x"\naction = "refund"\ndecision = "auto"\n',
                   "policy.toml")
    with pytest.raises(PolicyError, match="action must be one of the declared actions"):
        Policy.load(policy, actions.dimensions)


def test_a_rule_may_judge_only_the_arguments_an_action_declares_as_dimensions(
        tmp_path: Path) -> None:
    actions = load_actions(DEFAULTS_DIR / "actions.toml")
    policy = _file(tmp_path, '[[rule]]\nname = "x"\naction = "start_return"\n'
                   'arguments = { sku = "GIFT-1" }\ndecision = "forbid"\n', "policy.toml")
    with pytest.raises(PolicyError, match="only the arguments it declares as dimensions"):
        Policy.load(policy, actions.dimensions)
    policy.write_text('[[rule]]\nname = "x"\naction = "reship_order"\n'
                      'arguments = { reason = "lost" }\ndecision = "forbid"\n')
    rule = Policy.load(policy, actions.dimensions)
    assert rule.decide(ActionFacts(action="reship_order", tier="standard",
                                   arguments={"reason": "lost"})).decision == "forbid"
    assert rule.decide(ActionFacts(action="reship_order", tier="standard",
                                   arguments={"reason": "damaged"})).decision == "approve"


@pytest.mark.parametrize("amount", ["1e30", "99999999999999999999999999999", "-5", "NaN"])
def test_a_sum_no_customer_could_mean_is_refused_in_words(amount: str) -> None:
    declared = load_actions(DEFAULTS_DIR / "actions.toml").get("goodwill_credit")
    with pytest.raises(ActionRejected) as refused:
        check_arguments(declared, {"amount": amount, "currency": "EUR", "reason": "late"}, None,
                        datetime.now(UTC))
    assert "Could you tell me" in str(refused.value)


def test_a_sentence_filled_with_the_customers_words_is_never_parsed_again() -> None:
    approved = {"description": "change the address to Flat {0} 3}", "done": "changed it to "
                "Flat {0} 3} {a.b}; label {label_url}"}
    assert worded(approved, "done", {"label_url": "https://x.example/l"}) == (
        "changed it to Flat {0} 3} {a.b}; label https://x.example/l")

