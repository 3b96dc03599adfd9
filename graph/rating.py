"""The customer's 1-5 answer to the satisfaction question asked after a case closed.

The question is remembered in the customer's thread as a bot message marked `MARK` (the case
id): a bare digit is taken as the answer only while that question is the last thing the bot said
and no action waits for a yes, so a "2" that answers an offer of options, or anything said
later, is never read as a score.
"""

from __future__ import annotations

import re

from langchain_core.messages import AIMessage

from graph.catalogs import N_
from graph.state import CaseState

MARK = "caseloop_satisfaction"
"""`additional_kwargs` key on the question: the id of the case it is about."""
THANKS = {1: N_("Thank you for telling me. I'm sorry it wasn't better; I've passed it on."),
          2: N_("Thank you for telling me. I'm sorry it wasn't better; I've passed it on."),
          3: N_("Thank you for your rating."),
          4: N_("Thank you for your rating, glad I could help!"),
          5: N_("Thank you for your rating, glad I could help!")}
"""What a score is answered with (English; translated where it is said)."""
ONE_TO_FIVE = N_("Please answer with a number from 1 (poor) to 5 (excellent).")
_LONGEST_ANSWER = 20
_BARE_DIGIT = re.compile(r"(\d)(?:\s*/\s*5|\s*out of 5)?[.!]*")
"""Matched against the stripped text: each run of spaces sits between fixed tokens."""


def read_score(text: str) -> int | None:
    """The digit a message consists of ("4", "4/5", "4 out of 5!"), else None."""
    text = text.strip()
    found = _BARE_DIGIT.fullmatch(text) if len(text) <= _LONGEST_ANSWER else None
    return int(found.group(1)) if found else None


def asked_case(state: CaseState) -> int | None:
    """The case whose question is the bot's last word in the thread, if nothing else waits."""
    if state.get("pending_action"):
        return None
    for message in reversed(state.get("messages", [])):
        if isinstance(message, AIMessage):
            case_id = message.additional_kwargs.get(MARK)
            return int(case_id) if case_id is not None else None
    return None
