"""Playbooks as configuration: the bundled file, the format, and errors naming file and entry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.config import DEFAULTS_DIR, SettingsError
from bot.outreach.playbooks import PlaybookError, load_playbooks, message_values, render
from graph.backend import Customer, Order
from tests.factories import BUNDLED_REASONS, make_settings, order

GOOD = """
[parcel_lost]
reason = "delay"
needs = ["carrier"]
message = "Hi {first_name}, {carrier} lost the parcel of order {order_id} ({items}, {total})."

[[parcel_lost.options]]
label = "get a full refund"
action = "refund"
words = ["refund me"]
"""


def write(folder: Path, text: str, name: str = "playbooks.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_the_bundled_playbooks_cover_delays_and_failed_payments() -> None:
    playbooks = load_playbooks(DEFAULTS_DIR / "playbooks.toml", BUNDLED_REASONS)
    delay, payment = playbooks["shipment_delayed"], playbooks["payment_failed"]
    assert delay.reason == "delay" and delay.needs == ("new_eta",)
    assert [(o.label, o.action) for o in delay.options] == [
        ("keep the order", "keep"), ("cancel it for a full refund", "cancel_order")]
    assert payment.reason == "payment" and "cancel_order" in [o.action for o in payment.options]
    assert delay.missing({"new_eta": "2026-11-30"}) == [] and delay.missing({}) == ["new_eta"]


def test_a_message_names_the_customer_the_order_and_what_happened(tmp_path: Path) -> None:
    playbook = load_playbooks(write(tmp_path, GOOD))["parcel_lost"]
    customer = Customer(id="K-1", name="Noor Haddad", email="n@example.org")
    shipped = Order.model_validate(order("Q1", "K-1", "shipped", "38.40", item="Desk lamp"))
    text = render(playbook.message, message_values(customer, shipped, {"carrier": "GLS"}))
    assert text == "Hi Noor, GLS lost the parcel of order Q1 (Desk lamp, 38.40 EUR)."
    assert shipped.total == Decimal("38.40")


def test_iso_dates_read_as_dates() -> None:
    customer = Customer(id="K-1", name="Noor Haddad", email="n@example.org")
    late = Order.model_validate(order("Q1", "K-1", "processing", "10.00"))
    assert message_values(customer, late, {"new_eta": "2026-11-30"})["new_eta"] == \
        "30 November 2026"


@pytest.mark.parametrize(("text", "problem"), [
    ("[x]\nmessage = 'Hi {nickname}'", "playbook 'x': message: unknown placeholder {nickname}"),
    ("[x]\nmessage = 'Hi'\nreason = 'weather'", "playbook 'x': reason must be one of "
     "order_status, refund, cancellation, address_change, return, exchange, reship, invoice, "
     "goodwill, other, delay, payment"),
    ("[x]\nmessage = 'Hi'\nreason = 'policy_question'", "playbook 'x': reason must be one of"),
    ("[x]\nmessage = 'Hi'\nreason = 'Delay!'", "playbook 'x': reason must be a case reason's"),
    ("[x]\nmessage = 'Hi'\n[[x.options]]\nlabel = 'go'\naction = 'teleport'",
     "playbook 'x': option 1: action must be one of keep, cancel_order, refund"),
    ("[x]\nmessage = 'Hi'\n[[x.options]]\naction = 'keep'",
     "playbook 'x': option 1: label is required"),
    ("[x]\nmessage = 'Hi'\n[[x.options]]\nlabel = 'a'\naction = 'refund'\nreply = 'ok'",
     "playbook 'x': option 1: only a keep option has a reply"),
    ("[x]\nmessage = 'Hi'\nsubject = 'Hello'", "playbook 'x': unknown keys ['subject']"),
    ("[x]\nmessage = 'Hi'\n[[x.options]]\naction = 'keep'\nlabel = '" + "a" * 65 + "'",
     "playbook 'x': option 1: a label is at most 64 bytes"),
    ("[x]\nreason = 'delay'", "playbook 'x': message is required"),
    ("[x]\nmessage = 'Hi {order_id'", "playbook 'x': message:"),
    ("[Big]\nmessage = 'Hi'", "playbook 'Big': an event type is lower case"),
    ("[x]\nmessage = 'Hi'\nfollow_up_hours = -1", "follow_up_hours must be a positive number"),
    ("x = [", "playbooks.toml:"),
])
def test_a_wrong_entry_is_named_with_its_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PlaybookError) as raised:
        load_playbooks(path, BUNDLED_REASONS)
    assert str(raised.value).startswith(str(path))
    assert problem in str(raised.value)


def test_yaml_works_too(tmp_path: Path) -> None:
    path = write(tmp_path, "parcel_lost:\n  message: 'Order {order_id} is lost.'\n"
                           "  options:\n    - {label: cancel it, action: cancel_order}\n",
                 name="playbooks.yaml")
    assert load_playbooks(path)["parcel_lost"].options[0].action == "cancel_order"


def test_a_bad_playbook_file_stops_the_start_naming_the_setting(tmp_path: Path) -> None:
    path = write(tmp_path, "[shipment_delayed]\nmessage = 'Late: {eta}'")
    with pytest.raises(SettingsError) as raised:
        make_settings(tmp_path, CASELOOP_PLAYBOOKS=str(path))
    assert "CASELOOP_PLAYBOOKS" in str(raised.value)
    assert f"{path}: playbook 'shipment_delayed': message: unknown placeholder {{eta}}" in \
        str(raised.value)
