"""Bot API updates checked and parsed: the fields Caseloop reads are checked before PTB builds.

PTB's `Update.de_json` checks no types (`{"update_id": "x"}` parses, a `text` of 7 stays 7), so
the parts of an update Caseloop reads — who sent it, in which chat, the text, the media, a
contact, a button's data — are checked against the Bot API's types first. Anything else in the
update is left to PTB, and a body PTB cannot build an `Update` from is refused as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from telegram import Bot, Update


class UpdateError(ValueError):
    """A body that is not a Telegram update; the message says what is wrong, not what it held."""


@dataclass(frozen=True)
class Shape:
    """A JSON object: the fields it must have, and those it may have (absent, or null)."""

    required: Mapping[str, Spec]
    optional: Mapping[str, Spec] = field(default_factory=dict)


@dataclass(frozen=True)
class ListOf:
    """A JSON array whose every item is `item`."""

    item: Spec


Spec: TypeAlias = "type | tuple[type, ...] | Shape | ListOf"
"""A JSON type (`int` never matches a boolean), an object, or an array."""

_NUMBER = (int, float)
_USER = Shape({"id": int, "is_bot": bool, "first_name": str}, {"last_name": str})
_CHAT = Shape({"id": int, "type": str})
_FILE = Shape({"file_id": str}, {"mime_type": str})
_MARKUP = Shape({})
_MESSAGE = Shape({"message_id": int, "date": int, "chat": _CHAT}, {
    "from": _USER, "text": str, "caption": str, "reply_markup": _MARKUP,
    "contact": Shape({"phone_number": str, "first_name": str}, {"user_id": int}),
    "sticker": Shape({"file_id": str}, {"emoji": str}),
    "photo": ListOf(Shape({"file_id": str, "width": int, "height": int})),
    "voice": _FILE, "audio": _FILE, "video": _FILE, "video_note": _FILE, "animation": _FILE,
    "document": _FILE,
    "location": Shape({"latitude": _NUMBER, "longitude": _NUMBER}),
})
_CALLBACK_QUERY = Shape({"id": str, "from": _USER, "chat_instance": str}, {
    "data": str,
    "message": Shape({"message_id": int, "date": int, "chat": _CHAT}, {"reply_markup": _MARKUP}),
})
UPDATE = Shape({"update_id": int}, {"message": _MESSAGE, "callback_query": _CALLBACK_QUERY})
"""What Caseloop reads of an update, with the Bot API's types."""


def parse_update(data: object, bot: Bot | None) -> Update:
    """A webhook body as a PTB `Update` whose objects can call the Bot API through `bot`.

    Raises:
        UpdateError: a field Caseloop reads is missing or of the wrong type, or PTB cannot
            build an update from the body.
    """
    checked = check_update(data)
    try:
        return Update.de_json(checked, bot)
    except Exception as problem:  # noqa: BLE001 - de_json has no error of its own: any is a refusal
        raise UpdateError(f"not a Telegram update: {type(problem).__name__} in PTB") from None


def check_update(data: object) -> dict[str, Any]:
    """The update (as JSON), once the fields Caseloop reads are checked.

    Raises:
        UpdateError: the first field missing or of the wrong type, named by its path.
    """
    problem = _problem(data, UPDATE, "update")
    if problem is not None or not isinstance(data, dict):  # an object, when there is no problem
        raise UpdateError(f"not a Telegram update: {problem}")
    return data


def _problem(value: object, spec: Spec, path: str) -> str | None:
    """What is wrong with `value` as `spec`, or None. Recursion is as deep as the spec only."""
    if isinstance(spec, Shape):
        if not isinstance(value, dict):
            return f"{path} is not an object"
        for name in spec.required:
            if value.get(name) is None:
                return f"{path}.{name} is missing"
        for name, item in (*spec.required.items(), *spec.optional.items()):
            if value.get(name) is not None:
                found = _problem(value[name], item, f"{path}.{name}")
                if found is not None:
                    return found
        return None
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return f"{path} is not an array"
        for index, item in enumerate(value):
            found = _problem(item, spec.item, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    kinds = spec if isinstance(spec, tuple) else (spec,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        names = " or ".join(kind.__name__ for kind in kinds)
        return f"{path} is not of type {names}"
    return None
