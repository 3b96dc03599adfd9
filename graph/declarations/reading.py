"""One entry of a declarations file, read and checked field by field."""

from __future__ import annotations

import math
import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from graph.autonomy import MAX_CASE_TYPE, NOT_ACTIONS, OTHER, is_case_type_name
from graph.declarations.model import (
    BUILT_IN_DIMENSIONS,
    ORDER_STATUSES,
    ORDER_VALUES,
    Amount,
    Declaration,
    Verify,
    Window,
)
from graph.declarations.templates import fields_of

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
RESERVED = frozenset({"list_orders", "get_order", "search_knowledge", "request_human"})
"""The agent's own tools: no action may take their names."""
SCALARS = frozenset({"string", "number", "integer", "boolean"})
TAKEN = frozenset({"customer", "customer_id", "money", "item_name", "reference", "days"})
"""Names no argument may take (nor, on an order, any of `ORDER_VALUES`): values the sentences
get from the order and the backend, and the customer, who is always the one verified (never an
argument the model could set)."""
MAX_TEXT = 1000
MAX_EXAMPLES = 40
_KEYS = frozenset({
    "name", "description", "applies_to", "arguments", "confirm", "done", "operation", "verify",
    "case_type", "statuses", "refusals", "window", "amount", "item", "joined", "dimensions",
    "result", "incomplete", "undo", "settles_later", "examples",
})
_REQUIRED = ("name", "description", "applies_to", "arguments", "confirm", "done", "operation",
             "verify")


class DeclarationError(ValueError):
    """The declarations cannot be used; the message names the file, the action and the field."""


class EntryReader:
    """One entry of the file (`index` counts from 0), read field by field."""

    def __init__(self, path: Any, index: int, entry: Any) -> None:
        self.where = f"{path}: action {index + 1}"
        if not isinstance(entry, dict):
            raise DeclarationError(f"{self.where}: expected a table")
        if isinstance(entry.get("name"), str):
            self.where = f"{path}: action {entry['name']}"
        self.entry = entry

    def fail(self, key: str, problem: str) -> DeclarationError:
        return DeclarationError(f"{self.where}: {key}: {problem}")

    def text(self, key: str, value: Any = None) -> str:
        value = self.entry.get(key) if value is None else value
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise self.fail(key, f"expected a text of 1 to {MAX_TEXT} characters")
        return value.strip()

    def declaration(self) -> Declaration:
        unknown = set(self.entry) - _KEYS
        if unknown:
            raise self.fail(sorted(unknown)[0], "unknown field")
        for key in _REQUIRED:
            if key not in self.entry:
                raise self.fail(key, "missing")
        name = self.text("name")
        if not NAME.fullmatch(name) or name in RESERVED:
            raise self.fail("name", "expected lower-case letters, digits and _ (at most 40), "
                            "and not the name of one of the agent's own tools")
        applies_to = self.entry["applies_to"]
        if applies_to not in ("order", "account"):
            raise self.fail("applies_to", "expected 'order' or 'account'")
        arguments = self._arguments(applies_to)
        names = tuple(arguments.get("properties", {}))
        amount, item, joined = self._amount(names), self._optional_name("item", names), \
            self._joined(names)
        if "amount" in names and amount is None:
            raise self.fail("amount", "an argument named amount needs amount = { argument = "
                            "\"amount\" } (a sum of money, checked and bounded)")
        result = self._names("result")
        values = set(names) | set(joined) | {"customer"} | ({"money"} if amount else set())
        values |= set(ORDER_VALUES) if applies_to == "order" else set()
        values |= {"item_name"} if item else set()
        confirm = self._sentence("confirm", values)
        done = self._sentence("done", values | set(result) | {"reference"})
        statuses = self._statuses()
        return Declaration(
            name=name, description=self.text("description"), applies_to=applies_to,
            arguments=arguments, confirm=confirm, done=done, operation=self.text("operation"),
            verify=self._verify(values | set(result) | {"reference"}),
            case_type=self._case_type(), statuses=statuses,
            refusals=self._refusals(statuses, values), window=self._window(values),
            amount=amount, item=item, joined=joined, dimensions=self._dimensions(names),
            result=result, incomplete=self._optional_sentence("incomplete", values),
            undo=self._optional_name("undo", None), settles_later=self._flag("settles_later"),
            examples=self._examples(),
        )

    def _arguments(self, applies_to: str) -> dict[str, Any]:
        schema = self.entry["arguments"]
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise self.fail("arguments", "expected a JSON Schema with type = \"object\"")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as error:
            raise self.fail("arguments", error.message) from None
        properties = schema.get("properties", {})
        taken = TAKEN | (set(ORDER_VALUES) - {"order_id"} if applies_to == "order" else set())
        for key, prop in properties.items():
            if not NAME.fullmatch(key) or key in taken:
                raise self.fail(f"arguments.properties.{key}", "expected a lower-case name "
                                f"other than {', '.join(sorted(taken))}")
            kinds = prop.get("type") if isinstance(prop, dict) else None
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not kinds or not set(kinds) <= SCALARS | {"null"}:
                raise self.fail(f"arguments.properties.{key}",
                                "expected a type of string, number, integer or boolean")
        for key in schema.get("required", []):
            if key not in properties:
                raise self.fail("arguments.required", f"{key!r} is not among the properties")
        if applies_to == "order" and "order_id" not in schema.get("required", []):
            raise self.fail("arguments", "an action on an order needs a required order_id")
        if applies_to == "account" and "order_id" in properties:
            raise self.fail("arguments", "an action on the account takes no order_id")
        return schema

    def _sentence(self, key: str, values: set[str]) -> str:
        text = self.text(key)
        try:
            asked = fields_of(text)
        except ValueError as error:
            raise self.fail(key, str(error)) from None
        unknown = asked - values
        if unknown:
            raise self.fail(key, f"{{{sorted(unknown)[0]}}} is neither an argument nor one of "
                            f"{', '.join(sorted(values))}")
        return text

    def _optional_sentence(self, key: str, values: set[str]) -> str | None:
        return self._sentence(key, values) if key in self.entry else None

    def _optional_name(self, key: str, names: tuple[str, ...] | None) -> str | None:
        if key not in self.entry:
            return None
        value = self.text(key)
        if names is not None and value not in names:
            raise self.fail(key, f"{value!r} is not one of the arguments")
        return value

    def _names(self, key: str) -> tuple[str, ...]:
        value = self.entry.get(key, [])
        if not isinstance(value, list) or not all(
                isinstance(v, str) and v.isidentifier() for v in value):
            raise self.fail(key, "expected a list of names")
        return tuple(value)

    def _flag(self, key: str) -> bool:
        value = self.entry.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "expected true or false")
        return value

    def _case_type(self) -> str:
        value = self.entry.get("case_type", OTHER)
        if not is_case_type_name(value):
            raise self.fail("case_type", "expected a name of lower-case letters, digits and _ "
                            f"(at most {MAX_CASE_TYPE}, starting with a letter), e.g. \"warranty\"")
        if value in NOT_ACTIONS:
            raise self.fail("case_type", f"{value!r} is the bot's own (a question it answers, "
                            "or what an outreach is about), not a kind of action: name the "
                            "kind of case the action opens")
        return value

    def _statuses(self) -> tuple[str, ...]:
        value = self.entry.get("statuses", list(ORDER_STATUSES))
        if not isinstance(value, list) or not value or not set(value) <= set(ORDER_STATUSES):
            raise self.fail("statuses", f"expected a list of {', '.join(ORDER_STATUSES)}")
        return tuple(value)

    def _refusals(self, statuses: tuple[str, ...], values: set[str]) -> dict[str, tuple[str, ...]]:
        table = self.entry.get("refusals", {})
        if not isinstance(table, dict):
            raise self.fail("refusals", "expected a table of order statuses")
        refusals = {}
        for status, said in table.items():
            if status not in ORDER_STATUSES or status in statuses:
                raise self.fail(f"refusals.{status}", "expected an order status the action "
                                "does not apply to")
            sentences = [said] if isinstance(said, str) else said
            if not isinstance(sentences, list) or not sentences:
                raise self.fail(f"refusals.{status}", "expected a text or a list of texts")
            for sentence in sentences:
                self._checked_text(f"refusals.{status}", sentence, values)
            refusals[status] = tuple(s.strip() for s in sentences)
        return refusals

    def _checked_text(self, key: str, value: Any, values: set[str]) -> None:
        text = self.text(key, value)
        try:
            unknown = fields_of(text) - values
        except ValueError as error:
            raise self.fail(key, str(error)) from None
        if unknown:
            raise self.fail(key, f"{{{sorted(unknown)[0]}}} is not a value it may use")

    def _window(self, values: set[str]) -> Window | None:
        table = self.entry.get("window")
        if table is None:
            return None
        if not isinstance(table, dict) or set(table) - {"since", "days", "refusal"}:
            raise self.fail("window", "expected since, days and an optional refusal")
        if table.get("since") not in ("delivered_at", "placed_at"):
            raise self.fail("window.since", "expected 'delivered_at' or 'placed_at'")
        days = table.get("days")
        if isinstance(days, bool) or not isinstance(days, int | float) or not (
                math.isfinite(days) and days > 0):
            raise self.fail("window.days", "expected a number of days above 0")
        if "refusal" in table:
            self._checked_text("window.refusal", table["refusal"], values | {"days"})
        return Window(table["since"], float(days), table.get("refusal"))

    def _amount(self, names: tuple[str, ...]) -> Amount | None:
        table = self.entry.get("amount")
        if table is None:
            return None
        if not isinstance(table, dict) or set(table) - {"argument", "at_most", "default"}:
            raise self.fail("amount", "expected argument, at_most and default")
        if table.get("argument") not in names:
            raise self.fail("amount.argument", "expected one of the arguments")
        if "amount" in names and table["argument"] != "amount":
            raise self.fail("amount.argument", "an argument named amount must be the sum")
        for key in ("at_most", "default"):
            if table.get(key) not in (None, "refundable", "total"):
                raise self.fail(f"amount.{key}", "expected 'refundable' or 'total'")
        if self.entry["applies_to"] != "order" and (table.get("at_most") or table.get("default")):
            raise self.fail("amount", "at_most and default need an action on an order")
        return Amount(table["argument"], table.get("at_most"), table.get("default"))

    def _joined(self, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        table = self.entry.get("joined", {})
        if not isinstance(table, dict):
            raise self.fail("joined", "expected a table of lists of arguments")
        for key, parts in table.items():
            if not isinstance(parts, list) or not parts or not set(parts) <= set(names):
                raise self.fail(f"joined.{key}", "expected a list of the arguments")
        return {key: tuple(parts) for key, parts in table.items()}

    def _dimensions(self, names: tuple[str, ...]) -> tuple[str, ...]:
        dimensions = self._names("dimensions")
        for dimension in dimensions:
            if dimension not in BUILT_IN_DIMENSIONS and dimension not in names:
                raise self.fail("dimensions", f"{dimension!r} is neither an argument nor one of "
                                f"{', '.join(BUILT_IN_DIMENSIONS)}")
        return dimensions

    def _verify(self, values: set[str]) -> Verify:
        table = self.entry["verify"]
        if not isinstance(table, dict) or set(table) - {"read", "field", "equals", "at_least",
                                                         "contains"}:
            raise self.fail("verify", "expected read, field and one of equals, at_least, "
                            "contains")
        if table.get("read") not in ("order", "customer"):
            raise self.fail("verify.read", "expected 'order' or 'customer'")
        if table["read"] == "order" and self.entry["applies_to"] != "order":
            raise self.fail("verify.read", "an action on the account reads back the customer")
        path = table.get("field")
        if not isinstance(path, str) or not all(p.isidentifier() for p in path.split(".")):
            raise self.fail("verify.field", "expected a dotted path of names")
        tests = [key for key in ("equals", "at_least", "contains") if key in table]
        if len(tests) != 1:
            raise self.fail("verify", "expected exactly one of equals, at_least, contains")
        test = tests[0]
        value = table[test]
        parts = value.values() if isinstance(value, dict) else [value]
        if test == "contains" and not isinstance(value, dict):
            raise self.fail("verify.contains", "expected a table of fields")
        for part in parts:
            self._checked_text(f"verify.{test}", str(part), values)
        if isinstance(value, dict):
            value = {str(k): str(v) for k, v in value.items()}
        return Verify(table["read"], path, **{test: value})

    def _examples(self) -> tuple[str, ...]:
        value = self.entry.get("examples", [])
        if not isinstance(value, list) or len(value) > MAX_EXAMPLES:
            raise self.fail("examples", f"expected a list of at most {MAX_EXAMPLES} texts")
        return tuple(self.text("examples", example) for example in value)
