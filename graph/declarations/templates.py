"""Declared sentences filled with an action's values.

A template is the business's text ("refund {money} on order {order_id}"); the values come from
the customer's order and the action's arguments. Only the template is parsed, never a value, so
braces in what a customer wrote are just text.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

_PARSER = string.Formatter()


def fields_of(template: str) -> set[str]:
    """The names a template asks for ("{order_id} {money}" -> {"order_id", "money"}).

    Raises:
        ValueError: the template is not a valid format string, or asks for an attribute, an
            index or a conversion (only plain names are allowed).
    """
    names: set[str] = set()
    for _text, name, spec, conversion in _PARSER.parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must be a plain name")
        names.add(name)
    return names


class _Kept(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: Mapping[str, Any]) -> str:
    """The template with each placeholder replaced by its value; a name with no value is
    left as it is written (a result the backend had not given yet)."""
    return template.format_map(_Kept({k: "" if v is None else v for k, v in values.items()}))
