"""Builders for Telegram updates as the Bot API sends them, and a shop whose people have phones."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.factories import shop

_update_ids = itertools.count(700_000_001)
_message_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Noor", last_name: str | None = "Haddad") -> dict:
    found: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name,
                             "language_code": "en"}
    if last_name:
        found["last_name"] = last_name
    return found


def message_update(user_id: int, update_id: int | None = None, **content: Any) -> dict:
    """An update with a private-chat message from `user_id` carrying `content`."""
    sender = user(user_id)
    chat = {"id": user_id, "type": "private", "first_name": sender["first_name"]}
    return {"update_id": update_id or next(_update_ids),
            "message": {"message_id": next(_message_ids), "from": sender, "chat": chat,
                        "date": int(time.time()), **content}}


def text_update(user_id: int, text: str, update_id: int | None = None) -> dict:
    return message_update(user_id, update_id, text=text)


def contact_update(user_id: int, phone: str, owner_id: int | None) -> dict:
    """The customer shares a contact card: their own (`owner_id == user_id`) or someone's."""
    contact: dict[str, Any] = {"phone_number": phone, "first_name": "Noor"}
    if owner_id is not None:
        contact["user_id"] = owner_id
    return message_update(user_id, contact=contact)


def sticker_update(user_id: int) -> dict:
    return message_update(user_id, sticker={
        "file_id": "CAACAgIAAxkBAAECqmZnNMVuX28AAUZOrAABpNJEF6o2AAJjAAP3AsgPAAGuH6QPIV_hNgQ",
        "file_unique_id": "AgADYwAD9wLIDw", "type": "regular", "width": 512, "height": 512,
        "is_animated": False, "is_video": False, "emoji": "👍"})


def callback_update(user_id: int, data: str, message: dict | None = None,
                    update_id: int | None = None) -> dict:
    """The customer presses an inline button whose callback data is `data`."""
    query: dict[str, Any] = {"id": str(next(_update_ids) * 7), "from": user(user_id),
                             "chat_instance": "-3841029384756102938", "data": data}
    if message is not None:
        query["message"] = message
    return {"update_id": update_id or next(_update_ids), "callback_query": query}


def shop_with_phones(phones: dict[str, str]) -> dict:
    """The test shop with phone numbers on file (customer id → E.164 number)."""
    data = shop()
    for customer in data["customers"]:
        customer["phone"] = phones.get(customer["id"])
    return data
