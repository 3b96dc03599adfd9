"""The fixed texts of the graph, translated into every language the agent answers in."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from langchain_core.messages import HumanMessage

import graph
from bot.config import DEFAULTS_DIR
from graph.catalogs import DOMAINS, LOCALE_DIR, speaking
from graph.declarations.loading import declared_texts, load_actions
from graph.languages import DEFAULT_LANGUAGE, LANGUAGES
from graph.offline.model import OfflineChatModel
from tests.graph.offline.conversation import TOOLS, Chat, order

GRAPH_DIR = Path(graph.__file__).parent
TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

MessageId = str | tuple[str, ...]


def _domain_of(path: str) -> str:
    """Texts of the offline model are the `offline` domain; all others in graph/ `agent`."""
    return "offline" if path.startswith("offline/") else "agent"


@lru_cache(maxsize=1)
def _extracted() -> dict[str, dict[MessageId, str]]:
    """Every text marked for translation in graph/, by domain, with where it is written."""
    found: dict[str, dict[MessageId, str]] = {domain: {} for domain in DOMAINS}
    for path, line, message, _comments, _context in extract_from_dir(
            str(GRAPH_DIR), method_map=[("**.py", "python")]):
        found[_domain_of(path)].setdefault(message, f"graph/{path}:{line}")
    return found


def _catalog_path(domain: str, language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def _catalog(domain: str, language: str) -> Catalog:
    path = _catalog_path(domain, language)
    if not any(_catalog_path(domain, other).exists() for other in TRANSLATED):
        pytest.skip(f"no catalog of the {domain!r} domain yet")
    assert path.exists(), f"{domain}.po is missing for {language!r}"
    with path.open("rb") as source:
        return read_po(source, locale=language, domain=domain)


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _edges(text: str) -> tuple[str, str]:
    """The white space a text starts and ends with (a prefix ends with a space)."""
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]


def _problems(message_id: MessageId, translation: str | tuple[str, ...] | None,
              num_plurals: int) -> list[str]:
    sources = message_id if isinstance(message_id, tuple) else (message_id,)
    forms = translation if isinstance(translation, tuple | list) else (translation,)
    problems = []
    if isinstance(message_id, tuple) and len(forms) != num_plurals:
        problems.append(f"{len(forms)} plural forms instead of {num_plurals}")
    for form in forms:
        if not form or not form.strip():
            problems.append("no translation")
            continue
        if _placeholders(form) != _placeholders(sources[-1]):
            problems.append(f"placeholders {sorted(_placeholders(form))} in {form!r}")
        if _edges(form) != _edges(sources[0]):
            problems.append(f"leading or trailing white space differs in {form!r}")
    return problems


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_text_in_graph_is_translated_with_the_same_placeholders(
    domain: str, language: str
) -> None:
    catalog = _catalog(domain, language)
    untranslated = []
    for message_id, where in _extracted()[domain].items():
        entry = catalog.get(message_id)
        if entry is None:
            untranslated.append(f"{where}: not in the catalog: {message_id!r}")
        elif entry.fuzzy:
            untranslated.append(f"{where}: fuzzy: {message_id!r}")
        else:
            untranslated += [f"{where}: {problem}"
                             for problem in _problems(message_id, entry.string,
                                                      catalog.num_plurals)]
    assert not untranslated, "\n".join(untranslated)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_sentence_of_the_bundled_actions_is_translated_with_the_same_placeholders(
    language: str
) -> None:
    catalog = _catalog("agent", language)
    untranslated = []
    for action, sentences in declared_texts(load_actions(DEFAULTS_DIR / "actions.toml")).items():
        for sentence in sentences:
            entry = catalog.get(sentence)
            if entry is None:
                untranslated.append(f"{action}: not in the catalog: {sentence!r}")
            elif entry.fuzzy:
                untranslated.append(f"{action}: fuzzy: {sentence!r}")
            else:
                untranslated += [f"{action}: {problem}"
                                 for problem in _problems(sentence, entry.string,
                                                          catalog.num_plurals)]
    assert not untranslated, "\n".join(untranslated)


def test_the_offline_model_has_texts_to_translate() -> None:
    assert len(_extracted()["offline"]) > 50


def test_an_order_status_is_told_in_german() -> None:
    chat = Chat()
    shipped = order("48213", "shipped", "Desk lamp", tracking={
        "carrier": "DHL", "number": "JD0141", "eta": "2026-11-03T12:00:00Z"})
    with speaking("de"):
        chat.say("where is my order 48213?")
        reply = chat.answer({"order": shipped})
    assert reply.content == (
        "Gute Nachricht – Bestellung 48213 (Desk lamp) wurde mit DHL versandt, "
        "Sendungsnummer JD0141, und sollte bis zum 3. November 2026 ankommen.")


def test_a_missing_part_of_an_address_is_asked_for_in_german() -> None:
    with speaking("de"):
        reply = Chat().say("please change the address of order 48213 to 10 Downing Street")
    assert reply.content == ("Danke! Könnten Sie mir noch die Stadt, die Postleitzahl und das "
                             "Land der neuen Adresse nennen?")


def test_orders_to_choose_from_are_listed_in_spanish_with_spanish_dates_and_sums() -> None:
    chat = Chat()
    with speaking("es"):
        chat.say("I want a refund")
        reply = chat.answer({"orders": [
            order("48213", "delivered", "Desk lamp", "Mug", "Scarf"),
            order("48390", "delivered", "Bookshelf", total="1234.50"),
        ]})
    lines = reply.content.splitlines()
    assert lines[0] == "Veo estos pedidos en tu cuenta:"
    assert lines[1].startswith("1. 48213 — Desk lamp y 2 artículos más, 40,00")
    assert lines[1].endswith(", entregado, realizado el 2 de octubre de 2026")
    assert "1.234,50" in lines[2]
    assert lines[-1] == "¿Cuál quieres que te reembolsemos?"


def test_thanks_are_answered_in_spanish() -> None:
    with speaking("es"):
        reply = Chat().say("thanks!")
    assert reply.content == "¡De nada! ¿Hay algo más en lo que pueda ayudarte?"


async def test_the_model_run_by_the_graph_answers_in_the_language_of_the_turn() -> None:
    model = OfflineChatModel().bind_tools(TOOLS)
    with speaking("fr"):
        reply = await model.ainvoke([HumanMessage("this is ridiculous, nothing works!!")])
    assert reply.content.startswith("Je suis désolé que cela ait été si frustrant")
    assert "une personne de notre équipe" in reply.content


def test_english_stays_the_default() -> None:
    reply = Chat().say("thanks!")
    assert reply.content == "You're welcome! Is there anything else I can help with?"
