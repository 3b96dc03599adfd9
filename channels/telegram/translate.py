"""Pure translation between Telegram updates and Caseloop messages: no I/O, easy to test.

Inbound: a private-chat `Message` or a `CallbackQuery` becomes an `InboundMessage` whose sender is
the Telegram user id and whose provider id is the update's `update_id` (Telegram's redelivery
key). Media (stickers, photos, voice, documents...) become attachments; their caption, if any, is
the text. A shared contact is a proven phone number only when it is the sender's own
(`contact.user_id == from_user.id`): anyone can share someone else's contact card.

Outbound: every reply is sent as plain text with no `parse_mode`, so `<b>`, `*` or `_` reach the
customer exactly as written; text over Telegram's 4096-character limit is split at paragraph,
then line, then sentence, then word boundaries. Keyboards ride on the last part:

- a message with `options` (a confirmation) gets one inline button per option, whose callback
  data is the option in lower case (`Yes` → `yes`), read back as the customer's text;
- a message that asks the customer to prove who they are gets a one-time reply keyboard with a
  "Share my phone number" button (`request_contact`). That is a message of kind
  `verify_identity`, or — until the runtime tags such messages — one whose text asks for "the
  e-mail address on your account", the question the agent asks before anything account-specific.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import phonenumbers
from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
    User,
)

from channels.base import Attachment, InboundMessage, OutboundMessage

NAME = "telegram"
MAX_TEXT = 4096
"""Telegram's limit on a message's text, in UTF-16 code units."""
MAX_CALLBACK_DATA = 64
"""Telegram's limit on an inline button's callback data, in bytes."""
VERIFY_KIND = "verify_identity"
"""The `OutboundMessage.kind` that offers the "Share my phone number" button."""
SHARE_PHONE = "Share my phone number"
SHARE_PHONE_PLACEHOLDER = "Or type your e-mail address"
_VERIFY_CUE = re.compile(r"\be-?mail address on your account\b", re.IGNORECASE)
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraphs
    re.compile(r"\n\s*"),  # lines
    re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+"),  # sentences
    re.compile(r"\s+"),  # words
)


def to_inbound(update: Update) -> InboundMessage | None:
    """The customer message an update carries; None for updates that carry none.

    Handles private-chat messages and callback queries (button presses); anything else (group
    chats, edits, channel posts, polls...) is not a support conversation.
    """
    if update.message is not None:
        return message_to_inbound(update.message, update.update_id, _raw(update))
    if update.callback_query is not None:
        return callback_to_inbound(update.callback_query, update.update_id, _raw(update))
    return None


def message_to_inbound(message: Message, update_id: int,
                       raw: dict[str, Any] | None = None) -> InboundMessage | None:
    """A private-chat message as an inbound message; None unless a person wrote it in private."""
    sender = message.from_user
    if sender is None or sender.is_bot or message.chat.type != "private":
        return None
    attachments = _attachments(message)
    verified_phone = None
    if message.contact is not None and message.contact.user_id == sender.id:
        verified_phone = normalize_phone(message.contact.phone_number)
    text = message.text if message.text is not None else (message.caption or "")
    return InboundMessage(
        channel=NAME, sender=str(sender.id), provider_message_id=str(update_id),
        text=text.strip(), attachments=attachments, sender_name=_full_name(sender),
        verified_phone=verified_phone, raw=raw or {},
    )


def callback_to_inbound(query: CallbackQuery, update_id: int,
                        raw: dict[str, Any] | None = None) -> InboundMessage | None:
    """A button press as an inbound message whose text is the button's data; None without data."""
    if not query.data or query.from_user.is_bot:
        return None
    return InboundMessage(
        channel=NAME, sender=str(query.from_user.id), provider_message_id=str(update_id),
        text=query.data, sender_name=_full_name(query.from_user), raw=raw or {},
    )


def normalize_phone(number: str) -> str | None:
    """A phone number as E.164 (`+447700900123`); None when it cannot be a phone number.

    Telegram sends contact numbers in international form, usually without the leading `+`.
    """
    digits = re.sub(r"[\s().-]", "", number).removeprefix("+").removeprefix("00")
    if not digits.isdigit():
        return None
    try:
        parsed = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def to_send_requests(message: OutboundMessage) -> list[dict[str, Any]]:
    """The `sendMessage` arguments that deliver one outbound message, in order.

    Plain text (no `parse_mode`), split under the length limit; the keyboard, if any, rides on
    the last part.
    """
    chat_id: int | str = int(message.recipient) if _is_int(message.recipient) else message.recipient
    parts = split_text(message.text) or [message.text or "…"]
    requests: list[dict[str, Any]] = [{"chat_id": chat_id, "text": part} for part in parts]
    markup = reply_markup(message)
    if markup is not None:
        requests[-1]["reply_markup"] = markup
    return requests


def reply_markup(message: OutboundMessage) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    """Inline buttons for the message's options, else the share-phone keyboard when it asks."""
    if message.options:
        return options_keyboard(message.options)
    if asks_for_identity(message):
        return share_phone_keyboard()
    return None


def asks_for_identity(message: OutboundMessage) -> bool:
    """True when the message asks the customer to prove who they are (see the module doc)."""
    return message.kind == VERIFY_KIND or bool(_VERIFY_CUE.search(message.text))


def options_keyboard(options: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One row of inline buttons; pressing one sends its option, in lower case, as data."""
    buttons = [InlineKeyboardButton(text=option, callback_data=callback_data(option))
               for option in options]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


def callback_data(option: str) -> str:
    """The callback data for an option: lower case, cut to Telegram's 64 bytes."""
    data = option.strip().lower().encode("utf-8")[:MAX_CALLBACK_DATA]
    return data.decode("utf-8", errors="ignore")


def share_phone_keyboard() -> ReplyKeyboardMarkup:
    """A one-time reply keyboard whose button shares the customer's own phone number."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=SHARE_PHONE, request_contact=True)]],
        resize_keyboard=True, one_time_keyboard=True,
        input_field_placeholder=SHARE_PHONE_PLACEHOLDER,
    )


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut text into parts of at most `limit` UTF-16 units, at the widest boundary that fits.

    Paragraphs are kept whole when they fit, then lines, then sentences, then words; only a
    single word longer than the limit is cut inside.
    """
    text = text.strip()
    if not text:
        return []
    return [part.strip() for part in _pack(text, limit, 0) if part.strip()]


def _pack(text: str, limit: int, level: int) -> list[str]:
    if _length(text.strip()) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        return _hard_cut(text.strip(), limit)
    parts: list[str] = []
    current = ""
    for segment in _segments(text, _BOUNDARIES[level]):
        if _length((current + segment).strip()) <= limit:
            current += segment
            continue
        if current.strip():
            parts.append(current)
        current = ""
        if _length(segment.strip()) <= limit:
            current = segment
        else:
            parts.extend(_pack(segment, limit, level + 1))
    if current.strip():
        parts.append(current)
    return parts


def _segments(text: str, boundary: re.Pattern[str]) -> Iterator[str]:
    """The text cut after each boundary match, each piece keeping its trailing separator."""
    start = 0
    for match in boundary.finditer(text):
        if match.end() > start:
            yield text[start:match.end()]
            start = match.end()
    if start < len(text):
        yield text[start:]


def _hard_cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = _length(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts


def _length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.sticker is not None:
        found.append(Attachment(kind="sticker", data={
            "file_id": message.sticker.file_id, "emoji": message.sticker.emoji}))
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        found.append(Attachment(kind="image", mime_type="image/jpeg",
                                data={"file_id": largest.file_id}))
    for kind, media in (("audio", message.voice), ("audio", message.audio),
                        ("video", message.video), ("video", message.video_note),
                        ("animation", message.animation), ("document", message.document)):
        if media is not None:
            found.append(Attachment(kind=kind, mime_type=getattr(media, "mime_type", None),
                                    data={"file_id": media.file_id}))
    if message.location is not None:
        found.append(Attachment(kind="location", data={
            "latitude": message.location.latitude, "longitude": message.location.longitude}))
    if message.contact is not None:
        found.append(Attachment(kind="contact", data={
            "phone_number": message.contact.phone_number, "user_id": message.contact.user_id,
            "first_name": message.contact.first_name}))
    return tuple(found)


def _full_name(user: User) -> str:
    return " ".join(part for part in (user.first_name, user.last_name) if part)


def _raw(update: Update) -> dict[str, Any]:
    """The update as Bot API JSON (PTB's `to_dict` keeps its enums and tuples)."""
    raw: dict[str, Any] = json.loads(update.to_json())
    return raw


def _is_int(value: str) -> bool:
    return value.removeprefix("-").isdigit()
