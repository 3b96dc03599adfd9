"""Telegram updates, as captured, into inbound messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telegram import Update

from channels.telegram.translate import normalize_phone, to_inbound

DATA = Path(__file__).parents[2] / "data" / "telegram"


def update(name: str) -> Update:
    return Update.de_json(json.loads((DATA / f"{name}.json").read_text()), None)


def test_text_message_comes_from_the_user_with_the_update_id() -> None:
    message = to_inbound(update("inbound_text"))
    assert message is not None
    assert (message.channel, message.sender, message.provider_message_id) == (
        "telegram", "6120458873", "904117201")
    assert message.text == "Where is my order Q5544?"
    assert message.sender_name == "Noor Haddad"
    assert message.attachments == () and message.verified_phone is None
    assert message.raw["message"]["message_id"] == 52


def test_button_press_is_the_buttons_data_from_the_presser() -> None:
    message = to_inbound(update("inbound_callback_query"))
    assert message is not None
    assert (message.sender, message.provider_message_id, message.text) == (
        "6120458873", "904117206", "yes")


def test_own_contact_proves_the_phone_in_e164() -> None:
    message = to_inbound(update("inbound_contact_own"))
    assert message is not None
    assert message.verified_phone == "+447700900123"
    assert message.text == ""
    assert [a.kind for a in message.attachments] == ["contact"]


def test_someone_elses_contact_proves_nothing() -> None:
    message = to_inbound(update("inbound_contact_other"))
    assert message is not None
    assert message.verified_phone is None
    assert message.attachments[0].data["user_id"] == 5988123001


def test_contact_without_a_user_id_proves_nothing() -> None:
    data = json.loads((DATA / "inbound_contact_own.json").read_text())
    del data["message"]["contact"]["user_id"]
    message = to_inbound(Update.de_json(data, None))
    assert message is not None and message.verified_phone is None


def test_sticker_is_an_attachment_without_text() -> None:
    message = to_inbound(update("inbound_sticker"))
    assert message is not None
    assert message.text == ""
    [sticker] = message.attachments
    assert sticker.kind == "sticker" and sticker.data["emoji"] == "👍"


def test_photo_is_its_largest_size_without_text() -> None:
    message = to_inbound(update("inbound_photo"))
    assert message is not None
    assert message.text == ""
    [photo] = message.attachments
    assert photo.kind == "image" and photo.data["file_id"].endswith("eQADNgQ")


def test_photo_caption_is_the_text() -> None:
    data = json.loads((DATA / "inbound_photo.json").read_text())
    data["message"]["caption"] = "  the lamp from Q5521 arrived broken "
    message = to_inbound(Update.de_json(data, None))
    assert message is not None
    assert message.text == "the lamp from Q5521 arrived broken"
    assert message.attachments[0].kind == "image"


def test_group_chats_are_not_support_conversations() -> None:
    assert to_inbound(update("inbound_group_text")) is None


def test_updates_without_a_message_carry_nothing() -> None:
    assert to_inbound(Update.de_json({"update_id": 1}, None)) is None


@pytest.mark.parametrize(("given", "expected"), [
    ("447700900123", "+447700900123"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("0033612345678", "+33612345678"),
    ("1 (415) 555-2671", "+14155552671"),
    ("12", None),
    ("call me", None),
])
def test_contact_numbers_become_e164(given: str, expected: str | None) -> None:
    assert normalize_phone(given) == expected
