"""Reading a declarations file and checking every field, with errors that name the file, the
action and the field."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path

import yaml

from graph.declarations.model import Actions, Declaration
from graph.declarations.reading import DeclarationError, EntryReader

__all__ = ["DeclarationError", "check_operations", "declared_texts", "load_actions"]


def load_actions(path: Path) -> Actions:
    """Read and check the declared actions of a TOML or YAML file (by its suffix).

    Raises:
        DeclarationError: the file cannot be read, or a declaration is incomplete or wrong.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise DeclarationError(f"{path}: {error}") from None
    entries = data.get("action") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DeclarationError(f"{path}: expected a list of actions under 'action'")
    declared: dict[str, Declaration] = {}
    for index, entry in enumerate(entries):
        declaration = EntryReader(path, index, entry).declaration()
        if declaration.name in declared:
            raise DeclarationError(f"{path}: action {declaration.name}: name: declared twice")
        declared[declaration.name] = declaration
    for declaration in declared.values():
        if declaration.undo is not None and declaration.undo not in declared:
            raise DeclarationError(f"{path}: action {declaration.name}: undo: "
                                   f"{declaration.undo!r} is not a declared action")
    return Actions(declared, str(path))


def declared_texts(actions: Actions) -> Mapping[str, list[str]]:
    """Every sentence the declarations say to customers, by action (for the catalogs)."""
    texts: dict[str, list[str]] = {}
    for declared in actions:
        said = [declared.confirm, declared.done]
        said += [s for sentences in declared.refusals.values() for s in sentences]
        said += [t for t in (declared.incomplete, declared.window and declared.window.refusal)
                 if t]
        texts[declared.name] = said
    return texts


def check_operations(actions: Actions, operations: Collection[str]) -> None:
    """Fail at start when an action names an operation the backend does not offer.

    Raises:
        DeclarationError: naming the file, the action and its operation.
    """
    for declared in actions:
        if declared.operation not in operations:
            raise DeclarationError(
                f"{actions.source}: action {declared.name}: operation: {declared.operation!r} "
                f"is not a write operation of the backend ({', '.join(sorted(operations))})")
