"""Words written for the eye, rewritten for the ear: what Twilio's text-to-speech is given.

No markdown, no links, order ids and codes spelled out character by character, amounts said
as amounts, keypad choices named, and the reply cut into short sentences so the first one
can be spoken while the next is sent.
"""

from __future__ import annotations

import re

from channels.base import OutboundMessage, limit_text

MAX_SPOKEN_CHARS = 1_200
"""A reply longer than this is cut (at a sentence end) before it is spoken."""
CONFIRM_KEYS = "Say yes or press 1. Say no or press 2."
LINK = "our website"

_MARKDOWN = re.compile(r"\*{1,3}|_{2,3}|`{1,3}|^#{1,6}[ \t]*|^[ \t]*[-*•][ \t]+|^>[ \t]*",
                       re.MULTILINE)
_LINK_MARKUP = re.compile(r"\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s)>\]]{0,500}[^\s)>\].,!?;:'\"]")
_YES_NO = re.compile(r"(?<!\s)\s*+\((?:yes|y)\s*+/\s*+(?:no|n)\)", re.IGNORECASE)
"""The "(yes / no)" of a written question, with the white space before it. The search starts
a match only where white space begins, so a long run of it is read once, not once per
position."""
_ORDER_ID = re.compile(r"#?\b(?=[A-Z0-9-]{4,16}\b)(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])"
                       r"[A-Z]{1,4}-?\d{2,10}\b")
_HASH_NUMBER = re.compile(r"#(\d{2,10})\b")
_AMOUNT = re.compile(r"([$€£])\s?(\d{1,9})(?:[.,](\d{2}))?\b")
_CURRENCY = {"$": ("dollars", "cents"), "€": ("euros", "cents"), "£": ("pounds", "pence")}
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_SPACES = re.compile(r"[ \t]+")


def for_the_ear(message: OutboundMessage) -> str:
    """The message as it should be spoken, with the keypad choices of a yes-or-no question."""
    return f"{spoken(message.text)} {choices_said(message.options)}".strip()


def choices_said(options: tuple[str, ...]) -> str:
    """The keys that answer a question with these choices, said after it ("" for none)."""
    if [option.strip().lower() for option in options] == ["yes", "no"]:
        return CONFIRM_KEYS
    return " ".join(f"For {option}, press {index}." for index, option
                    in enumerate(options[:9], start=1))


def spoken(text: str) -> str:
    """Text without markup or links, with ids spelled and amounts worded, cut to a length a
    caller can listen to."""
    text = _LINK_MARKUP.sub(r"\1", text[:MAX_SPOKEN_CHARS * 2])
    text = _URL.sub(LINK, text)
    text = _MARKDOWN.sub("", text)
    text = _YES_NO.sub("", text)
    text = _AMOUNT.sub(_worded_amount, text)
    text = _ORDER_ID.sub(lambda m: spell(m.group(0).lstrip("#")), text)
    text = _HASH_NUMBER.sub(lambda m: "number " + spell(m.group(1)), text)
    parts = [_SPACES.sub(" ", part).strip() for part in _SENTENCE.split(text)]
    kept: list[str] = []
    length = 0
    for part in parts:
        if not part:
            continue
        if part[-1] not in ".!?…:":
            part += "."
        if length + len(part) > MAX_SPOKEN_CHARS:
            if not kept:
                kept.append(limit_text(part, MAX_SPOKEN_CHARS))
            break
        kept.append(part)
        length += len(part) + 1
    return " ".join(kept)


def sentences(text: str) -> list[str]:
    """Spoken text in sentences, each ending with the space that separates it from the next
    (tokens are concatenated as they are)."""
    parts = [part for part in _SENTENCE.split(text) if part.strip()]
    return [part.strip() + ("" if index == len(parts) - 1 else " ")
            for index, part in enumerate(parts)]


def sentence_end(text: str, start: int = 0) -> int:
    """Where the last whole sentence of `text[start:]` ends, with the space after it (`start`
    when no sentence is whole yet): a reply still being written is said up to there."""
    end = start
    for match in _SENTENCE.finditer(text, start):
        end = match.end()
    return end


def spell(value: str) -> str:
    """Characters said one by one ("Q5521" → "Q 5 5 2 1"), dashes dropped."""
    return " ".join(ch for ch in value if ch.isalnum())


def _worded_amount(match: re.Match[str]) -> str:
    major, minor = _CURRENCY[match.group(1)]
    whole, cents = match.group(2), match.group(3)
    if cents and cents != "00":
        return f"{whole} {major} {int(cents)} {minor}" if match.group(1) != "£" \
            else f"{whole} {major} {int(cents)}"
    return f"{whole} {major}"
