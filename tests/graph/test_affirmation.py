"""The yes/no reading behind the confirmation of actions."""

from __future__ import annotations

import pytest

from graph.affirmation import classify_reply

YES = ["yes", "Yes please", "yep go ahead", "ok do it", "sure", "confirm", "YES!!",
       "yes, that's right", "y", "👍", "yess", "yeah", "yup", "ys", "Yeah sure, go for it",
       "okay", "Absolutely", "correct", "yes cancel it", "ok 👍", "Yes. Thank you!",
       "sounds good", "please do", "alright then", "yaeh", "okk", "Sure thing"]
NO = ["no", "nope", "don't", "cancel that", "no thanks", "wait", "not yet", "stop", "nah",
      "noo", "NO!", "no, I changed my mind", "hold on", "absolutely not", "👎",
      "don't do it", "never mind", "No, don't refund it", "n", "nooo wait"]
OTHER = ["yes but not now", "yes no", "I don't know", "maybe", "yes, and also refund $500 more",
         "what?", "yes?", "hmm", "I guess so", "not sure", "thanks", "", "the blue one",
         "yes refund 20", "yes for B7731", "yes, if it's free", "ok but only half",
         "can you do it tomorrow", "perhaps later", "yes please, and refund the other order too"]


@pytest.mark.parametrize("text", YES)
def test_plain_agreement_is_yes(text: str) -> None:
    assert classify_reply(text) == "yes"


@pytest.mark.parametrize("text", NO)
def test_refusal_is_no(text: str) -> None:
    assert classify_reply(text) == "no"


@pytest.mark.parametrize("text", OTHER)
def test_hedges_mixtures_and_new_requests_are_never_yes(text: str) -> None:
    assert classify_reply(text) == "other"
