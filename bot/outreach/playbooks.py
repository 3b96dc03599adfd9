"""Playbooks: what to tell a customer about a business event, and the options to offer.

A playbook file (TOML or YAML) has one table per event type; see the bundled
`bot/defaults/playbooks.toml` for the format. It is checked when Caseloop starts, and each
problem is named with the file and the entry.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from graph.autonomy import MAX_CASE_TYPE, is_case_type_name
from graph.backend import Customer, Order

OPTION_ACTIONS = ("keep", "cancel_order", "refund")
"""`keep`: nothing changes (the customer accepts); the others run through the policy gate."""
BUILT_IN_NAMES = ("first_name", "name", "order_id", "items", "total", "status")
"""Placeholders every message may use; a playbook's `needs` adds fields of the event's data."""
MAX_OPTIONS = 9
MAX_LABEL_BYTES = 64
"""Telegram's limit on a button's callback data, which carries the label back."""
_EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLAYBOOK_KEYS = {"reason", "message", "needs", "options", "follow_up_hours"}
_OPTION_KEYS = {"label", "action", "words", "reply"}
KEPT_REPLY = "Thanks, I've noted that. Order {order_id} stays as it is."


class PlaybookError(ValueError):
    """A playbook file Caseloop cannot use; the message names the file and the entry."""


@dataclass(frozen=True)
class Option:
    """One choice offered to the customer, answered by its number or its words."""

    label: str
    """How it is offered, completing "Reply 2 to ...", e.g. `cancel it for a full refund`."""
    action: str
    """One of `OPTION_ACTIONS`."""
    words: tuple[str, ...] = ()
    """Other ways a customer may say it, e.g. `cancel it`."""
    reply: str | None = None
    """What the bot answers when a `keep` option is chosen (a template like the message)."""


@dataclass(frozen=True)
class Playbook:
    """What Caseloop does for one event type."""

    event_type: str
    reason: str
    """The case reason of the outreach case, one of the deployment's case reasons
    (`bot.cases.case.case_reasons`)."""
    message: str
    """The message template, with `{placeholders}`."""
    needs: tuple[str, ...] = ()
    """Fields the event's `data` must carry (the message may use them)."""
    options: tuple[Option, ...] = ()
    follow_up_hours: float | None = None
    """When to check on the case after the outreach, if at all."""

    def missing(self, data: dict[str, Any]) -> list[str]:
        """The needed data fields an event does not carry."""
        return [name for name in self.needs if data.get(name) in (None, "")]


def load_playbooks(path: Path, reasons: Collection[str] | None = None) -> dict[str, Playbook]:
    """Read and check a playbook file (TOML, or YAML by its suffix).

    Args:
        reasons: The deployment's case reasons, when known (they follow from its declared
            actions): each playbook's reason must then be one of them; else only a name.

    Raises:
        PlaybookError: the file cannot be read or an entry is wrong; the message says where.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise PlaybookError(f"{path}: {error}") from None
    if not isinstance(data, dict) or not data:
        raise PlaybookError(f"{path}: expected one table per event type")
    return {name: _parse_playbook(path, name, entry, reasons) for name, entry in data.items()}


def message_values(customer: Customer | None, order: Order,
                   data: dict[str, Any]) -> dict[str, str]:
    """What a message's placeholders stand for, for one customer, order and event."""
    name = customer.name if customer else ""
    items = [item.name for item in order.items]
    listed = (", ".join(items[:2]) + (f" and {len(items) - 2} more" if len(items) > 2 else "")
              if items else "")
    values = {key: _readable(value) for key, value in data.items() if _FIELD.match(str(key))}
    return {**values, "first_name": name.split()[0] if name else "there", "name": name or "there",
            "order_id": order.id, "items": listed or "your items",
            "total": f"{order.total:.2f} {order.currency}", "status": order.status}


def render(template: str, values: dict[str, str]) -> str:
    """Fill a checked template's placeholders."""
    return template.format_map(values)


def _parse_playbook(path: Path, name: Any, entry: Any,
                    reasons: Collection[str] | None) -> Playbook:
    where = f"{path}: playbook {name!r}"
    if not isinstance(name, str) or not _EVENT_TYPE.match(name):
        raise PlaybookError(f"{where}: an event type is lower case letters, digits, _ . or -")
    if not isinstance(entry, dict):
        raise PlaybookError(f"{where}: expected a table")
    unknown = set(entry) - _PLAYBOOK_KEYS
    if unknown:
        raise PlaybookError(f"{where}: unknown keys {sorted(unknown)}")
    reason = entry.get("reason", "other")
    if not is_case_type_name(reason):
        raise PlaybookError(f"{where}: reason must be a case reason's name (lower-case letters, "
                            f"digits and _, at most {MAX_CASE_TYPE})")
    if reasons is not None and reason not in reasons:
        raise PlaybookError(f"{where}: reason must be one of {', '.join(reasons)}")
    needs = entry.get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(n, str) and _FIELD.match(n)
                                              for n in needs):
        raise PlaybookError(f"{where}: needs must be a list of field names")
    known = {*BUILT_IN_NAMES, *needs}
    message = entry.get("message")
    if not isinstance(message, str) or not message.strip():
        raise PlaybookError(f"{where}: message is required")
    _check_template(message, known, f"{where}: message")
    options = entry.get("options", [])
    if not isinstance(options, list) or len(options) > MAX_OPTIONS:
        raise PlaybookError(f"{where}: options must be a list of at most {MAX_OPTIONS} tables")
    follow_up = entry.get("follow_up_hours")
    if follow_up is not None and (isinstance(follow_up, bool)
                                  or not isinstance(follow_up, int | float) or follow_up <= 0):
        raise PlaybookError(f"{where}: follow_up_hours must be a positive number")
    return Playbook(
        event_type=name, reason=reason, message=message.strip(), needs=tuple(needs),
        options=tuple(_parse_option(f"{where}: option {index + 1}", option, known)
                      for index, option in enumerate(options)),
        follow_up_hours=float(follow_up) if follow_up is not None else None)


def _parse_option(where: str, entry: Any, known: set[str]) -> Option:
    if not isinstance(entry, dict):
        raise PlaybookError(f"{where}: expected a table")
    unknown = set(entry) - _OPTION_KEYS
    if unknown:
        raise PlaybookError(f"{where}: unknown keys {sorted(unknown)}")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise PlaybookError(f"{where}: label is required")
    if len(label.encode("utf-8")) > MAX_LABEL_BYTES:
        raise PlaybookError(f"{where}: a label is at most {MAX_LABEL_BYTES} bytes (it is also "
                            "a button's data)")
    action = entry.get("action")
    if action not in OPTION_ACTIONS:
        raise PlaybookError(f"{where}: action must be one of {', '.join(OPTION_ACTIONS)}")
    words = entry.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise PlaybookError(f"{where}: words must be a list of phrases")
    reply = entry.get("reply")
    if reply is not None:
        if action != "keep":
            raise PlaybookError(f"{where}: only a keep option has a reply (an action's outcome "
                                "is said by the action itself)")
        if not isinstance(reply, str) or not reply.strip():
            raise PlaybookError(f"{where}: reply must be a text")
        _check_template(reply, known, f"{where}: reply")
    return Option(label=" ".join(label.split()), action=action,
                  words=tuple(w.strip().lower() for w in words),
                  reply=reply.strip() if isinstance(reply, str) else None)


def _check_template(template: str, known: set[str], where: str) -> None:
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template)
                  if field is not None]
    except ValueError as error:
        raise PlaybookError(f"{where}: {error} (write a literal brace as {{{{ or }}}})") from None
    for field in fields:
        if not _FIELD.match(field):
            raise PlaybookError(f"{where}: placeholder {{{field}}} must be a plain name")
        if field not in known:
            raise PlaybookError(
                f"{where}: unknown placeholder {{{field}}}; use one of "
                f"{', '.join(sorted(known))} (add an event data field to needs)")


def _readable(value: Any) -> str:
    """An event value as a customer reads it: ISO dates as `30 November 2026`."""
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day.strftime('%B %Y')}"
    return text
