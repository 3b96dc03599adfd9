"""The readers of declared actions take time in proportion to the text, however it is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.config import DEFAULTS_DIR
from graph.declarations.loading import load_actions
from graph.offline.choices import enum_value, variant_named
from graph.offline.declared import declared_action
from graph.offline.glossary import concepts
from graph.offline.matcher import matcher_for
from graph.tools import agent_tools
from tests.graph.offline.conversation import Chat
from tests.graph.test_parsers_bounded import (
    FAMILIES,
    GROWTH,
    LONG,
    NOISE,
    SHORT,
    _best_of_three,
    _repeated,
    _seconds,
)

TOOLS = agent_tools(load_actions(DEFAULTS_DIR / "actions.toml"))
ACTIONS = tuple(action for tool in TOOLS if (action := declared_action(tool)))
OURS: dict[str, Callable[[int], str]] = {
    **FAMILIES,
    "phrases": _repeated("never arrived send it back "),
    "prefixes": _repeated("zuruckschickenzurucksenden "),
    "one long word": _repeated("zuruckschick"),
    "sizes": _repeated("extra large size bigger "),
    "colours": _repeated("grau blau noir "),
}
READERS: dict[str, Callable[[str], object]] = {
    "concepts": concepts,
    "enum_value": lambda text: enum_value(text, ["lost", "damaged"]),
    "variant_named": lambda text: variant_named(text, ["S", "M", "L", "XL", "grey"], "M"),
    "matcher": lambda text: matcher_for(ACTIONS).ranked(text),
    "offline model with declared actions": lambda text: Chat(TOOLS).say(text),
}


@pytest.fixture(autouse=True, scope="module")
def _classifiers_trained() -> None:
    from graph.classifier import load

    load()
    matcher_for(ACTIONS)


@pytest.mark.parametrize("name", READERS)
def test_a_long_adversarial_message_is_read_in_bounded_time(name: str) -> None:
    bound = 3.0 if name.startswith("offline") else 1.0
    slow = {family: round(took, 2) for family, make in OURS.items()
            if (took := _seconds(READERS[name], make(LONG))) > bound}
    assert slow == {}, f"{name} on {LONG:,} characters took seconds: {slow}"


@pytest.mark.parametrize("name", READERS)
def test_four_times_the_text_takes_about_four_times_as_long(name: str) -> None:
    grown = {}
    for family, make in OURS.items():
        short = _best_of_three(READERS[name], make(SHORT))
        long = _best_of_three(READERS[name], make(4 * SHORT))
        if long > GROWTH * short + NOISE:
            grown[family] = f"{short * 1000:.1f} ms, then {long * 1000:.1f} ms"
    assert grown == {}, f"{name} on {SHORT} and {4 * SHORT} characters: {grown}"
