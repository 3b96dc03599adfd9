"""Shadow mode's Edit and Reject forms as a person fills them in: what they show, and the
values a submission carries (for `tests.fakes.slack.view_submission`)."""

from __future__ import annotations

from typing import Any

from channels.slack.draft_blocks import (
    LABEL_BLOCK,
    LABEL_INPUT,
    NOTE_BLOCK,
    NOTE_INPUT,
    TEXT_BLOCK,
    TEXT_INPUT,
)
from tests.fakes.slack import picked


def text_input(form: dict[str, Any]) -> dict[str, Any]:
    """The Edit form's input holding the draft's text."""
    [block] = [b for b in form["blocks"] if b.get("block_id") == TEXT_BLOCK]
    return block


def label_options(form: dict[str, Any]) -> list[str]:
    """The labels the Reject form offers, in order."""
    return [option["value"] for b in form["blocks"] if b.get("block_id") == LABEL_BLOCK
            for option in b["element"]["options"]]


def edit_values(text: str) -> dict[str, Any]:
    """The Edit form's values with `text` typed in."""
    return {TEXT_BLOCK: {TEXT_INPUT: text}}


def reject_values(label: str, note: str | None) -> dict[str, Any]:
    """The Reject form's values: `label` picked, `note` typed (None: left empty)."""
    return {LABEL_BLOCK: {LABEL_INPUT: picked(label)}, NOTE_BLOCK: {NOTE_INPUT: note}}
