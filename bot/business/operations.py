"""The operations a backend's OpenAPI document declares: by operationId, a method and a path."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

CONTRACT = Path(__file__).parent / "backend-openapi.yaml"
"""Caseloop's own backend contract (`deploy/backend-openapi.yaml`, linked into the package)."""
TARGETS = ("order_id", "customer_id")
"""The path parameters a write's target fills, the first the path has."""
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_WRITES = ("POST", "PUT", "PATCH", "DELETE")
_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True)
class Operation:
    """One operation of the document."""

    method: str
    """The HTTP method, upper-case."""
    path: str
    """The path template, e.g. `/orders/{order_id}/refunds`."""

    @property
    def target(self) -> str | None:
        """The path parameter the target's id fills (`order_id`, else `customer_id`), if any."""
        names = _PARAMETER.findall(self.path)
        return next((name for name in TARGETS if name in names), None)

    @property
    def is_write(self) -> bool:
        """A POST, PUT, PATCH or DELETE on an order or a customer."""
        return self.method in _WRITES and self.target is not None

    def request(self, target: str, args: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The path to call (relative, each parameter escaped) and the JSON body.

        The target fills the target's parameter; every other path parameter is taken out of
        `args`, and what remains of them is the body.

        Raises:
            ValueError: a path parameter is missing from `args`, or is not a string or a number.
        """
        body = dict(args)

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == self.target:
                return quote(target, safe="")
            if name not in body:
                raise ValueError(f"{self.method} {self.path} needs the argument {name!r}")
            value = body.pop(name)
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise ValueError(f"{self.method} {self.path}: {name!r} must be a string")
            return quote(str(value), safe="")

        return _PARAMETER.sub(fill, self.path).lstrip("/"), body


def read_operations(document: Path) -> dict[str, Operation]:
    """Every operation of an OpenAPI document that has an operationId.

    Raises:
        ValueError: the file cannot be read, is not an OpenAPI document with paths, or names
            two operations alike.
    """
    try:
        spec = yaml.safe_load(document.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as problem:
        raise ValueError(f"{document}: cannot read the OpenAPI document: {problem}") from None
    paths = spec.get("paths") if isinstance(spec, dict) else None
    if not isinstance(paths, dict):
        raise ValueError(f"{document}: not an OpenAPI document (no `paths`)")
    operations: dict[str, Operation] = {}
    for path, item in paths.items():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            name = operation.get("operationId") if isinstance(operation, dict) else None
            if not isinstance(name, str):
                continue
            if name in operations:
                raise ValueError(f"{document}: two operations are named {name!r}")
            operations[name] = Operation(method.upper(), str(path))
    return operations
