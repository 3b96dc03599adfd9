"""Bot API updates checked and parsed: the fields Caseloop reads are checked before PTB builds.

PTB's `Update.de_json` checks no types (`{"update_id": "x"}` parses, a `text` of 7 stays 7), so
the parts of an update Caseloop reads — who sent it, in which chat, the text, the media, a
contact, a button's data — are checked first against a JSON Schema of the Bot API's types
(`UPDATE`). Anything else in the update is left to PTB, and a body PTB cannot build an `Update`
from is refused as well.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, validators
from telegram import Bot, Update

MAX_PHOTO_SIZES = 20
"""Telegram sends a photo in a few sizes; a longer list is refused before its items are read."""


class UpdateError(ValueError):
    """A body that is not a Telegram update; the message says what is wrong, not what it held."""


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON object with `required` fields; `optional` ones may be absent or null."""
    properties = dict(required)
    for name, schema in (optional or {}).items():
        properties[name] = {**schema, "type": [schema["type"], "null"]}
    return {"type": "object", "required": list(required), "properties": properties}


_INTEGER, _STRING, _BOOLEAN = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
_USER = _object({"id": _INTEGER, "is_bot": _BOOLEAN, "first_name": _STRING},
                {"last_name": _STRING})
_CHAT = _object({"id": _INTEGER, "type": _STRING})
_FILE = _object({"file_id": _STRING}, {"mime_type": _STRING})
_MARKUP = {"type": "object"}
_MESSAGE = _object({"message_id": _INTEGER, "date": _INTEGER, "chat": _CHAT}, {
    "from": _USER, "text": _STRING, "caption": _STRING, "reply_markup": _MARKUP,
    "contact": _object({"phone_number": _STRING, "first_name": _STRING}, {"user_id": _INTEGER}),
    "sticker": _object({"file_id": _STRING}, {"emoji": _STRING}),
    "photo": {"type": "array", "maxItems": MAX_PHOTO_SIZES, "items": _object(
        {"file_id": _STRING, "width": _INTEGER, "height": _INTEGER})},
    "voice": _FILE, "audio": _FILE, "video": _FILE, "video_note": _FILE, "animation": _FILE,
    "document": _FILE,
    "location": _object({"latitude": {"type": "number"}, "longitude": {"type": "number"}}),
})
_CALLBACK_QUERY = _object({"id": _STRING, "from": _USER, "chat_instance": _STRING}, {
    "data": _STRING,
    "message": _object({"message_id": _INTEGER, "date": _INTEGER, "chat": _CHAT},
                       {"reply_markup": _MARKUP}),
})
UPDATE = _object({"update_id": _INTEGER}, {"message": _MESSAGE, "callback_query": _CALLBACK_QUERY})
"""What Caseloop reads of an update, with the Bot API's types (JSON Schema)."""
_BOT_API_TYPES = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool))
"""JSON Schema counts 5.0 as an integer; the Bot API's integers are written without a point
(an id of 6120458873.0 would be another sender, and another update to deduplicate)."""
_VALIDATOR = validators.extend(Draft202012Validator, type_checker=_BOT_API_TYPES)(UPDATE)


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

    The schema is as deep as the few objects it names, and its one list is bounded before its
    items are read, so checking is bounded by the schema, not by the body; it stops at the
    first problem.

    Raises:
        UpdateError: a field missing or of the wrong type, named by its path (never its value).
    """
    error = next(_VALIDATOR.iter_errors(data), None)
    if error is not None or not isinstance(data, dict):
        if error is not None and error.validator == "required":  # names a field of the schema
            raise UpdateError(f"not a Telegram update: {error.json_path}: {error.message}")
        where = error.json_path if error is not None else "$"
        raise UpdateError(f"not a Telegram update: {where} is not of the Bot API's type")
    return data
