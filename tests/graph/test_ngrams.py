"""The classifiers' n-grams: what scikit-learn's analyzers give, without scikit-learn."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from graph.classifier import normalize, read_corpus
from graph.mood import read_conversations
from graph.ngrams import (
    CHAR_RANGE,
    TOKEN_PATTERN,
    WORD_RANGE,
    char_wb_ngrams,
    word_ngrams,
)

Analyzer = Callable[[str], list[str]]
ROOT = Path(__file__).resolve().parents[2]
ODD_TEXTS = ["", " ", "a", "ab", "abcd", "  two\tspaces\n\nand\u00a0breaks  ", "x" * 600,
             "l'avoir, c'est-à-dire: 00 €!", "日本語のテキスト", "a b c d e"]


def _scikit_learn_analyzers() -> tuple[Analyzer, Analyzer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_RANGE, lowercase=False)
    words = TfidfVectorizer(analyzer="word", ngram_range=WORD_RANGE, lowercase=False,
                            token_pattern=TOKEN_PATTERN)
    return chars.build_analyzer(), words.build_analyzer()


def test_every_corpus_sentence_gives_the_n_grams_scikit_learn_gives() -> None:
    chars, words = _scikit_learn_analyzers()
    texts = [normalize(text) for _, _, text in read_corpus()] + ODD_TEXTS
    texts += [normalize(turn) for _, _, turns in read_conversations() for turn in turns]
    assert len(texts) > 1000
    for text in texts:
        assert char_wb_ngrams(text) == chars(text), text
        assert word_ngrams(text) == words(text), text


def test_the_n_grams_of_a_short_message() -> None:
    assert word_ngrams("where is it") == ["where", "is", "it", "where is", "is it"]
    assert char_wb_ngrams("a bc") == [" a", "a ", " a ", " b", "bc", "c ", " bc", "bc ",
                                      " bc "]


def test_a_long_adversarial_text_gives_one_n_gram_per_position_and_length() -> None:
    text = "a" * 50_000 + " " + "!" * 50_000
    assert word_ngrams(text) == ["a" * 50_000]
    assert len(char_wb_ngrams(text)) == 2 * sum(50_002 - n + 1 for n in range(2, 6))


def test_reading_a_message_with_kept_classifiers_imports_neither_sklearn_nor_scipy(
        tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    train = "from graph.classifier import load; from graph.mood import mood_model\n" \
            "load(); mood_model()"
    subprocess.run([sys.executable, "-c", train], env=env, check=True, cwd=ROOT)
    read = ("import sys\n"
            "from graph.languages import detect_language\n"
            "from graph.offline.reading import read_message\n"
            "print(detect_language('Wo bleibt mein Paket??', 'en'))\n"
            "print(read_message('refund the lamp pls').intents[0][0])\n"
            "from graph.escalation_signals import escalation_signal\n"
            "escalation_signal('still nothing?', ['where is the lamp', 'any news?'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n")
    shown = subprocess.run([sys.executable, "-c", read], env=env, check=True, cwd=ROOT,
                           capture_output=True, text=True).stdout.splitlines()
    assert shown[:2] == ["de", "refund"]
    assert shown[-1] == "[]"
