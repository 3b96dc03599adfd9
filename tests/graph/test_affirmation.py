"""The yes/no reading behind the confirmation of actions."""

from __future__ import annotations

import pytest

from graph.affirmation import classify_reply

YES = ["yes", "Yes please", "yep go ahead", "ok do it", "sure", "confirm", "YES!!",
       "yes, that's right", "y", "👍", "yess", "yeah", "yup", "ys", "Yeah sure, go for it",
       "okay", "Absolutely", "correct", "yes cancel it", "ok 👍", "Yes. Thank you!",
       "sounds good", "please do", "alright then", "yaeh", "okk", "Sure thing", "yes go on",
       "go on then"]
NO = ["no", "nope", "don't", "cancel that", "no thanks", "wait", "not yet", "stop", "nah",
      "noo", "NO!", "no, I changed my mind", "hold on", "absolutely not", "👎",
      "don't do it", "never mind", "No, don't refund it", "n", "nooo wait"]
OTHER = ["yes but not now", "yes no", "I don't know", "maybe", "yes, and also refund $500 more",
         "what?", "yes?", "hmm", "I guess so", "not sure", "thanks", "", "the blue one",
         "yes refund 20", "yes for B7731", "yes, if it's free", "ok but only half",
         "can you do it tomorrow", "perhaps later", "yes please, and refund the other order too"]


YES_ELSEWHERE = [
    "sí", "si claro", "vale", "dale", "Sí, por favor", "claro que sí", "de acuerdo",
    "vale, gracias",
    "ja", "ja bitte", "genau", "Ja, gerne", "Ja, mach das", "einverstanden", "warum nicht",
    "oui", "d'accord", "d’accord", "ouais", "Oui, merci", "Oui, allez-y", "bien sûr",
    "pourquoi pas", "sim", "claro", "pode sim", "Sim, obrigado", "tá bom", "com certeza", "siii",
    "sí, anúlalo", "ja, bitte stornieren", "oui, remboursez-le", "sim, cancela-o",
]
NO_ELSEWHERE = [
    "no", "No, gracias", "mejor no", "claro que no", "ahora no", "para nada",
    "nein", "nein danke", "lieber nicht", "noch nicht", "nee", "nö", "auf keinen Fall",
    "non", "non merci", "pas maintenant", "pas encore",
    "não", "nao", "não, obrigado", "ainda não", "de jeito nenhum",
]
OTHER_ELSEWHERE = [
    "quizás", "no sé", "¿seguro", "sí pero solo la mitad", "no se preocupe", "vielleicht",
    "weiß nicht", "ja aber nur die Hälfte", "peut-être", "je ne sais pas", "oui mais demain",
    "talvez", "não sei", "pode ser", "sim, mas só metade", "1", "2", "sí 2", "la fecha", "date",
]


@pytest.mark.parametrize("text", YES_ELSEWHERE)
def test_agreement_in_spanish_german_french_and_portuguese(text: str) -> None:
    assert classify_reply(text) == "yes"


@pytest.mark.parametrize("text", NO_ELSEWHERE)
def test_refusal_in_spanish_german_french_and_portuguese(text: str) -> None:
    assert classify_reply(text) == "no"


@pytest.mark.parametrize("text", OTHER_ELSEWHERE)
def test_hedges_keypad_digits_and_lookalikes_stay_other(text: str) -> None:
    assert classify_reply(text) == "other"


@pytest.mark.parametrize("text", YES)
def test_plain_agreement_is_yes(text: str) -> None:
    assert classify_reply(text) == "yes"


@pytest.mark.parametrize("text", NO)
def test_refusal_is_no(text: str) -> None:
    assert classify_reply(text) == "no"


@pytest.mark.parametrize("text", OTHER)
def test_hedges_mixtures_and_new_requests_are_never_yes(text: str) -> None:
    assert classify_reply(text) == "other"


def test_saying_again_the_numbers_the_question_stated_is_still_a_yes() -> None:
    stated = ("B7731", "10.00", "10,00", "10")
    assert classify_reply("yes, 10 is fine", stated) == "yes"
    assert classify_reply("ok B7731 go ahead", stated) == "yes"
    assert classify_reply("yes, 12 is fine", stated) == "other"
    assert classify_reply("yes, 10 is fine") == "other"  # a number the question did not say


@pytest.mark.parametrize("text", ["wait just 10 dollars", "no, make it 15", "no, only 8 please",
                                  "nein, nur 5 Euro", "no, order 48390 instead"])
def test_a_no_that_says_what_to_do_instead_is_no_refusal(text: str) -> None:
    assert classify_reply(text, ("24.00", "770012")) == "other"


def test_a_no_that_repeats_the_questions_numbers_is_still_a_refusal() -> None:
    assert classify_reply("no, not 770012", ("24.00", "770012")) == "no"

