"""The mood model: how a customer seems at the latest turn of a conversation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph.mood import LABELS, MoodModel, mood_model, read_conversations


def test_the_conversation_corpus_has_every_label_in_every_language() -> None:
    seen: dict[str, set[str]] = {}
    for language, label, turns in read_conversations():
        seen.setdefault(language, set()).add(label)
        assert 1 <= len(turns) <= 4
    assert seen == {code: set(LABELS) for code in ("en", "es", "de", "fr", "pt")}


def test_a_model_kept_on_disk_reads_back_the_same(tmp_path: Path) -> None:
    model = mood_model()
    kept = tmp_path / "mood.npz"
    np.savez(kept, **model.as_arrays())
    with np.load(kept, allow_pickle=False) as stored:
        again = MoodModel.from_arrays({name: stored[name] for name in stored.files})
    earlier = ["the kettle leaks", "I sent a photo of it yesterday"]
    assert again.shares("and still no reply", earlier) == pytest.approx(
        model.shares("and still no reply", earlier))


def test_a_long_conversation_is_read_in_bounded_time() -> None:
    long = "ab! " * 1000
    assert mood_model().shares(long, [long, "a" * 4000, "?" * 4000])["calm"] >= 0.0
