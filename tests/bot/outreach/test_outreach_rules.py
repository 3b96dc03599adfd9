"""The pure rules of outreach: event signatures and shape, quiet hours, consent keywords."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.outreach.event_signature import is_signed, sign
from bot.outreach.events import EventError, parse_event
from bot.outreach.quiet_hours import QuietHours, zone_named
from graph.opt_out import consent_keyword
from tests.factories import make_settings

SECRET = "a-secret-of-sixteen-characters-or-more"
PARIS = ZoneInfo("Europe/Paris")


def test_a_signature_is_the_hmac_of_the_exact_body() -> None:
    body = b'{"id": "evt_1"}'
    header = sign(SECRET, body)
    assert header.startswith("sha256=") and len(header) == len("sha256=") + 64
    assert is_signed(SECRET, body, header)
    assert is_signed(SECRET, body, header.upper().replace("SHA256=", "sha256="))
    assert not is_signed(SECRET, body + b" ", header)
    assert not is_signed("another-secret-of-sixteen-chars", body, header)
    assert not is_signed(SECRET, body, None) and not is_signed(SECRET, body, "")
    assert not is_signed(SECRET, body, header.removeprefix("sha256="))
    assert not is_signed(SECRET, body, "sha256=é")


def test_an_event_is_parsed_or_refused_with_the_reason() -> None:
    event = parse_event(json.dumps({"id": "evt_1", "type": "shipment_delayed",
                                    "order_id": " A1001 ", "data": {"new_eta": "2026-11-30"},
                                    "extra": "ignored"}).encode())
    assert (event.id, event.type, event.order_id) == ("evt_1", "shipment_delayed", "A1001")
    for body, status, words in [
        (b"not json", 400, "not JSON"), (b"[1, 2]", 400, "JSON object"),
        (b"\xff\xfe", 400, "not JSON"),
        (b'{"type": "shipment_delayed", "order_id": "A1"}', 422, "id: Field required"),
        (b'{"id": 7, "type": "x", "order_id": "A1"}', 422, "id: Input should be a valid string"),
        (b'{"id": "e", "type": "Shipment Delayed", "order_id": "A1"}', 422, "type:"),
        (b'{"id": "e", "type": "x", "order_id": "A1", "data": []}', 422, "data:"),
    ]:
        with pytest.raises(EventError) as raised:
            parse_event(body)
        assert raised.value.status == status and words in str(raised.value)


def test_quiet_hours_across_midnight_end_the_next_morning_local_time() -> None:
    quiet = QuietHours.parse("21-08")
    assert quiet is not None
    late = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    assert quiet.ends_after(late, PARIS) == datetime(2026, 11, 21, 8, 0, tzinfo=PARIS)
    early = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    assert quiet.ends_after(early, PARIS) == datetime(2026, 11, 21, 8, 0, tzinfo=PARIS)
    assert quiet.ends_after(datetime(2026, 11, 21, 12, 0, tzinfo=UTC), PARIS) is None
    assert quiet.ends_after(datetime(2026, 11, 21, 7, 0, tzinfo=UTC), PARIS) is None  # 08:00


def test_quiet_hours_within_a_day_and_off() -> None:
    lunch = QuietHours.parse("12:30-14")
    assert lunch is not None
    assert lunch.ends_after(datetime(2026, 11, 21, 13, 0, tzinfo=UTC), ZoneInfo("UTC")) == \
        datetime(2026, 11, 21, 14, 0, tzinfo=ZoneInfo("UTC"))
    assert lunch.ends_after(datetime(2026, 11, 21, 14, 0, tzinfo=UTC), ZoneInfo("UTC")) is None
    assert QuietHours.parse("off") is None and QuietHours.parse("") is None
    for bad in ("21", "25-08", "21-21", "9pm-8am", "21:75-08"):
        with pytest.raises(ValueError):
            QuietHours.parse(bad)


def test_a_customer_time_zone_falls_back_to_the_default() -> None:
    utc = ZoneInfo("UTC")
    assert zone_named("Europe/Paris", utc) == PARIS
    assert zone_named("Mars/Olympus", utc) is utc and zone_named(None, utc) is utc


@pytest.mark.parametrize(("text", "keyword"), [
    ("STOP", "opt_out"), ("stop!", "opt_out"), ("Unsubscribe", "opt_out"),
    ("opt out", "opt_out"), ("START", "opt_in"), ("start.", "opt_in"),
    ("stop the order", None), ("cancel", None), ("please start my refund", None), ("", None),
])
def test_consent_keywords_are_whole_messages(text: str, keyword: str | None) -> None:
    assert consent_keyword(text) == keyword


@pytest.mark.parametrize(("name", "value"), [
    ("CASELOOP_QUIET_HOURS", "10pm-7am"), ("CASELOOP_DEFAULT_TIMEZONE", "Europe/Atlantis"),
    ("CASELOOP_OUTREACH_DAILY_CAP", "-1"), ("CASELOOP_EVENTS_SECRET", "short"),
])
def test_outreach_settings_are_checked(tmp_path, name: str, value: str) -> None:
    from bot.config import SettingsError

    with pytest.raises(SettingsError, match=name):
        make_settings(tmp_path, **{name: value})
