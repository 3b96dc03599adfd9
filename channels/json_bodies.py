"""JSON from outside, parsed within bounds: too deep is bad input, invalid Unicode is replaced."""

from __future__ import annotations

import json
from typing import Any

from channels.base import clean_text

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted; real payloads stay far below it."""


class JSONBodyError(ValueError):
    """A body that is not JSON, or is nested deeper than allowed; the message says which."""


def loads(body: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON, refusing bodies nested deeper than `max_depth`.

    Strings come back cleaned (`channels.base.clean_text`): lone surrogates become U+FFFD and
    control characters other than newline and tab are dropped.

    Raises:
        JSONBodyError: the body is not JSON, not UTF-8, or nested too deeply.
    """
    try:
        value = json.loads(body)
    except RecursionError:
        raise JSONBodyError(f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as problem:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        raise JSONBodyError(f"not JSON: {problem}") from None
    if depth(value, max_depth) > max_depth:
        raise JSONBodyError(f"JSON nested deeper than {max_depth} levels")
    return _cleaned(value)


def _cleaned(value: Any) -> Any:
    """The value with every string (keys too) cleaned as customer text is: JSON may escape a
    lone surrogate (`"\\udc80"`), which no store or encoder accepts."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(key): _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def depth(value: Any, limit: int) -> int:
    """How deeply `value` nests lists and dicts, counted without recursion up to `limit + 1`."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
