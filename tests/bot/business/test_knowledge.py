"""Help articles: the passage that answers, in the customer's language when there is one."""

from __future__ import annotations

from pathlib import Path

from bot.business.knowledge import KnowledgeBase

CARE = """# Caring for linen

Wash linen at 40 degrees with a mild detergent. Linen softens with every wash. Dry it flat or
on a line, never in a tumble dryer. Iron it while still damp. Bleach yellows linen and voids the
guarantee.
"""
CUIDADO = """# Cuidado del lino

Lave el lino a 40 grados con un detergente suave. El lino se suaviza con cada lavado. Séquelo
en plano o tendido, nunca en secadora. La lejía amarillea el lino y anula la garantía.
"""


def _shelves(folder: Path) -> KnowledgeBase:
    (folder / "care.md").write_text(CARE)
    (folder / "es").mkdir()
    (folder / "es" / "care.md").write_text(CUIDADO)
    return KnowledgeBase(folder)


def test_the_passage_is_the_one_a_rare_word_of_the_question_points_at(tmp_path: Path) -> None:
    [article] = _shelves(tmp_path).search("can I use bleach on my linen?", limit=1)
    assert article.title == "Caring for linen"
    assert "Bleach yellows linen" in article.snippet


def test_articles_in_the_customers_language_come_first_else_the_default_ones(
        tmp_path: Path) -> None:
    knowledge = _shelves(tmp_path)
    [spanish] = knowledge.search("¿puedo usar lejía con el lino?", limit=1, language="es")
    assert spanish.title == "Cuidado del lino" and "lejía" in spanish.snippet
    [default] = knowledge.search("tumble dryer for linen?", limit=1, language="de")
    assert default.title == "Caring for linen"
    [fallback] = knowledge.search("tumble dryer for linen?", limit=1, language="es")
    assert fallback.title == "Caring for linen"  # nothing Spanish matches English words


def test_sending_something_back_finds_what_the_articles_call_a_return(tmp_path: Path) -> None:
    (tmp_path / "returns.md").write_text("# Returns\n\nYou can return an item within 30 days.\n")
    (tmp_path / "refunds.md").write_text("# Refunds\n\nRefunds go back to your card.\n")
    [article] = KnowledgeBase(tmp_path).search("how long do I have to send a thing back?",
                                               limit=1)
    assert article.title == "Returns"
