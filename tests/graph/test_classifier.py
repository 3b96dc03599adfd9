"""The n-gram classifiers: what a message asks and which language it is in."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graph.classifier import intent_classifier, language_classifier, normalize, read_corpus
from graph.languages import detect_language
from graph.mood import read_conversations

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize("held_out_set", ["heldout", "heldout_b", "heldout_c", "heldout_d",
                                          "heldout_e", "heldout_f"])
def test_no_sentence_is_both_in_the_training_corpus_and_in_a_held_out_set(
        held_out_set: str) -> None:
    folder = BENCHMARKS / held_out_set
    held_out = {normalize(json.loads(line)["text"])
                for line in (folder / "messages.jsonl").read_text().splitlines() if line}
    for line in (folder / "conversations.jsonl").read_text().splitlines():
        if line:
            held_out |= {normalize(turn) for turn in json.loads(line)["turns"]}
    shared = [text for _, _, text in read_corpus() if normalize(text) in held_out]
    assert shared == []
    turns = [turn for _, _, conversation in read_conversations() for turn in conversation]
    assert [turn for turn in turns if normalize(turn) in held_out] == []


def test_the_corpus_has_every_intent_in_every_language() -> None:
    seen: dict[str, set[str]] = {}
    for language, intent, _ in read_corpus():
        seen.setdefault(language, set()).add(intent)
    assert set(seen) == {"en", "es", "de", "fr", "pt"}
    assert all(intents == seen["en"] for intents in seen.values())


def test_the_fast_scoring_gives_the_numbers_scikit_learn_gives() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    examples = [(intent, text) for _, intent, text in read_corpus()]
    union = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  preprocessor=normalize, min_df=2)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  preprocessor=normalize, token_pattern=r"(?u)\b\w+\b")),
    ])
    model = LinearSVC(C=1.0, class_weight="balanced", random_state=0)
    model.fit(union.fit_transform([t for _, t in examples]), [i for i, _ in examples])
    texts = ("Wo bleibt mein Paket??", "refund the lamp pls", "x" * 3000, "",
             "the lamp, the lamp and the lamp again", "refund the lamp, please")
    for text in texts * 2:  # the second time with each word's n-grams remembered
        expected = model.decision_function(union.transform([text]))[0]
        assert np.allclose(intent_classifier().decision(text), expected)


@pytest.mark.parametrize(("text", "intent"), [
    ("Quisiera anular la compra que hice ayer, ya no la necesito", "cancel"),
    ("Können Sie mir bitte das Geld für die Vase zurücküberweisen?", "refund"),
    ("Le colis est arrivé complètement écrasé", "complaint"),
    ("Vocês entregam no sábado?", "knowledge"),
    ("If I send the chair back, when do I see the money?", "knowledge"),
    ("the kettle I got last week leaks from the bottom", "complaint"),
])
def test_requests_written_in_any_served_language_are_read(text: str, intent: str) -> None:
    assert intent_classifier().probabilities(text)[0][0] == intent


@pytest.mark.parametrize(("text", "previous", "language"), [
    ("Hola, quiero saber dónde está mi pedido", "en", "es"),
    ("Wann kommt meine Lieferung an?", "en", "de"),
    ("Bonjour, je n'ai toujours pas reçu mon colis", "en", "fr"),
    ("Olá, meu pedido ainda não chegou", "en", "pt"),
    ("where has my parcel got to", "de", "en"),
    ("ok", "de", "de"),
    ("G7731", "fr", "fr"),
    ("Buongiorno, vorrei sapere dove si trova il mio pacco", "en", "it"),
])
def test_the_language_of_a_message(text: str, previous: str, language: str) -> None:
    assert detect_language(text, previous) == language


def test_the_language_classifier_knows_only_the_served_languages() -> None:
    assert sorted(language_classifier().labels) == ["de", "en", "es", "fr", "pt"]


def test_a_classifier_kept_on_disk_reads_back_the_same(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.classifier import NgramClassifier
    from graph.classifier_cache import cache_path, keep, kept

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    examples = [(intent, text) for _, intent, text in read_corpus()][::3]
    path = cache_path(examples, words=True)
    assert kept(path) is None
    trained = NgramClassifier.train(examples)
    keep(path, trained.as_arrays())
    arrays = kept(path)
    assert arrays is not None and list((tmp_path / "caseloop").iterdir())
    again = NgramClassifier.from_arrays(arrays, words=True)
    for text in ("Wo bleibt mein Paket??", "refund the lamp pls", ""):
        assert np.allclose(again.decision(text), trained.decision(text))
    assert cache_path(examples[1:], words=True) != path  # another corpus is another model
    path.write_bytes(b"PK\x03\x04 cut short")
    assert kept(path) is None  # a damaged file is trained again
    keep(path, trained.as_arrays())
    damaged = bytearray(path.read_bytes())
    damaged[100:150] = bytes(50)  # inside the first array's header
    path.write_bytes(bytes(damaged))
    assert kept(path) is None


def test_the_language_identifier_kept_on_disk_tells_languages_as_the_shipped_model_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import py3langid.langid as langid

    from graph import languages

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    sentences = ("ciao, vorrei sapere dove si trova il mio pacco",
                 "hej, jag vill avbeställa min beställning tack",
                 "where is the parcel I ordered last week")
    languages._identifier.cache_clear()
    try:
        shipped = [languages._identifier().classify(text) for text in sentences]
        assert [name.name.split("-")[0] for name in (tmp_path / "caseloop").iterdir()] == ["langid"]
        languages._identifier.cache_clear()
        monkeypatch.setattr(langid.LanguageIdentifier, "from_modelpath",
                            classmethod(lambda *_, **__: pytest.fail("decompressed again")))
        again = [languages._identifier().classify(text) for text in sentences]
    finally:
        languages._identifier.cache_clear()
    assert [language for language, _ in shipped] == ["it", "sv", "en"]
    assert again == shipped
