"""Message bodies Twilio accepts: options spelled out, long text split into parts in order.

Pure functions, no I/O.
"""

from __future__ import annotations

import re
from itertools import accumulate

from channels.base import OutboundMessage

MAX_BODY_CHARS = 1600
"""Twilio refuses a message body longer than this (error 21617); an SMS this long is sent as
concatenated segments and shown as one message."""
CONFIRM_HINT = "Reply YES to confirm or NO to cancel."

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n\s*")
_WHITESPACE = re.compile(r"\s+")


def render_text(message: OutboundMessage) -> str:
    """The words a customer reads, with short replies spelled out (there are no buttons)."""
    text = message.text.strip()
    options = [option.strip() for option in message.options if option.strip()]
    if not options:
        return text
    if [option.lower() for option in options] == ["yes", "no"]:
        hint = CONFIRM_HINT
    else:
        hint = "Reply " + " or ".join(option.upper() for option in options) + "."
    return f"{text}\n\n{hint}" if text else hint


def one_line(text: str) -> str:
    """The text with every run of whitespace, line breaks included, as one space."""
    return _WHITESPACE.sub(" ", text).strip()


def split_text(text: str, limit: int = MAX_BODY_CHARS) -> list[str]:
    """Cut text into parts of at most `limit` characters, at sentence ends where possible.

    Lengths count UTF-16 code units, as Twilio does (an emoji may count twice). A sentence
    longer than `limit` is cut between words; a word longer than that, anywhere.
    """
    text = text.strip()
    units = [0, *accumulate(len(ch.encode("utf-16-le")) // 2 for ch in text)]
    parts: list[str] = []
    start = 0
    while units[len(text)] - units[start] > limit:
        end = _last_fitting(units, start, limit)
        cut = _last_boundary(text, start, end)
        part = text[start:cut].rstrip()
        parts.append(part)
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        parts.append(text[start:])
    return parts


def _last_fitting(units: list[int], start: int, limit: int) -> int:
    """The furthest end index such that text[start:end] fits in `limit` units."""
    end = start + 1
    while end + 1 < len(units) and units[end + 1] - units[start] <= limit:
        end += 1
    return end


def _last_boundary(text: str, start: int, end: int) -> int:
    """Where to cut text[start:end]: after a sentence, else between words, else at `end`."""
    window = text[start:end + 1]  # one more: a space right after the last fitting character
    for pattern in (_SENTENCE_END, _WHITESPACE):
        cuts = [match.start() for match in pattern.finditer(window)
                if 0 < match.start() <= end - start]
        if cuts:
            return start + cuts[-1]
    return end
