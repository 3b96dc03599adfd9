"""The mood model: how a customer seems at the latest turn of a conversation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graph.awaiting import SESSION_TURNS
from graph.escalation_signals import SURE_SHARE, escalation_signal
from graph.mood import CONVERSATIONS_DIR, LABELS, MoodModel, mood_model, read_conversations

UNHEARD = ["the parcel never came", "it was meant to be here on friday",
           "I've waited all week and nobody tells me anything, I'm really let down"]
"""Upset without a word the rules know: only the model of the conversation sees it."""


def test_the_conversation_corpus_has_every_label_in_every_language() -> None:
    seen: dict[str, set[str]] = {}
    for language, label, turns in read_conversations():
        seen.setdefault(language, set()).add(label)
        assert 1 <= len(turns) <= SESSION_TURNS + 1  # as much of a session as is read
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


def test_an_upset_customer_is_noticed_without_a_listed_word() -> None:
    signal = escalation_signal(UNHEARD[-1], UNHEARD[:-1])
    assert signal is not None and signal.reason == "frustration"
    assert signal.evidence == "the conversation reads as upset"


def test_the_rules_alone_judge_a_first_message() -> None:
    assert escalation_signal(UNHEARD[-1], []) is None


def test_the_rules_alone_judge_an_answer_to_what_the_bot_asked() -> None:
    assert escalation_signal(UNHEARD[-1], UNHEARD[:-1], answering="question") is None


@pytest.mark.parametrize("turns", [
    # Short answers to the bot's own questions (issue 12): an amount, an order, a yes, a code,
    # an e-mail address after codes, an address, no thanks.
    ["I want a refund for the toaster", "all of it"],
    ["refund the vase please", "£7.50"],
    ["where is my parcel", "the second one"],
    ["can you cancel the grill", "yes go ahead"],
    ["I'd like to cancel", "371904", "652018", "dana.lee@example.com"],
    ["change my delivery address", "27 Quarry Lane, Sheffield S11 8PL"],
    ["where is my order", "ok lovely", "no thanks"],
    ["quiero un reembolso de la lámpara", "todo"],
    ["ich möchte die Bestellung stornieren", "ja, gerne"],
    ["je veux changer l'adresse", "c'est 8 rue Victor Hugo, 75011 Paris"],
    ["onde está a minha encomenda", "a 55213"],
    ["the lampshade was a total disaster, bent in half", "could you send another one?",
     "lovely, thank you"],
    ["where is my garden hose", "sorry, did you say monday?"],
])
def test_a_calm_customer_stays_with_the_bot(turns: list[str]) -> None:
    assert escalation_signal(turns[-1], turns[:-1]) is None


def test_a_long_conversation_is_read_in_bounded_time() -> None:
    long = "ab! " * 1000
    assert mood_model().shares(long, [long, "a" * 4000, "?" * 4000])["calm"] >= 0.0


PARCEL = ["I never got my parcel", "Q5521", "yes that one"]
ORDER = ["Where is my order?", "Q5521", "ok thanks"]


@pytest.mark.parametrize("turns", [
    # Calm short follow-ups the model alone once read as frustration (review of the mood model).
    [*PARCEL, "no hurry at all"],
    [*PARCEL, "sorry to bother you again"],
    [*PARCEL, "and what about my other order"],
    [*PARCEL, "I don't know the number"],
    [*ORDER, "no worries if not"],
    [*ORDER, "no hurry at all"],
    [*ORDER, "sorry to bother you again"],
    [*ORDER, "and what about my other order"],
    [*ORDER, "I don't know the number"],
])
def test_a_calm_follow_up_is_not_read_as_frustration(turns: list[str]) -> None:
    assert escalation_signal(turns[-1], turns[:-1]) is None


def _follow_ups() -> list[list[str]]:
    """The corpus's calm short follow-ups, in the five languages."""
    found = []
    for path in sorted(CONVERSATIONS_DIR.glob("*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        # the last section of calm lines whose header names its kinds in brackets
        start = max(n for n, line in enumerate(lines) if line.startswith("# calm: ") and
                    "(" in line)
        end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("#")),
                   len(lines))
        found += [line.split("\t")[1:] for line in lines[start + 1:end] if line.strip()]
    return found


@pytest.mark.parametrize("turns", _follow_ups())
def test_calm_follow_ups_stay_with_the_bot_in_every_language(turns: list[str]) -> None:
    assert escalation_signal(turns[-1], turns[:-1]) is None


def test_the_model_alone_escalates_only_when_it_is_very_sure() -> None:
    turns = [*PARCEL, "and what about my other order"]
    assert mood_model().shares(turns[-1], turns[:-1])["calm"] >= SURE_SHARE


def test_a_kept_model_whose_features_changed_is_not_read_back() -> None:
    arrays = mood_model().as_arrays()
    arrays["coef"] = arrays["coef"][:, :-1]  # one measure fewer than this version reads
    with pytest.raises(ValueError):
        MoodModel.from_arrays(arrays)
