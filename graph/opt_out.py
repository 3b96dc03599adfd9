"""STOP and START: the whole message as a keyword about being messaged first, and the answers.

A keyword counts only as the whole message ("STOP", "stop!", "Unsubscribe"), on any channel.
Answers to the customer's own messages are never held back: consent is about Caseloop writing
first.
"""

from __future__ import annotations

import re
from typing import Literal

from graph.catalogs import N_

Keyword = Literal["opt_out", "opt_in"]

OPT_OUT_WORDS = frozenset({"stop", "stopall", "unsubscribe", "optout", "opt out", "quit", "end"})
OPT_IN_WORDS = frozenset({"start", "unstop", "subscribe", "optin", "opt in"})
OPTED_OUT = N_(
    "Understood: we won't message you first any more. You can still write to us here any time, "
    "and reply START if you change your mind."
)
OPTED_IN = N_(
    "Welcome back: we'll let you know when something needs your attention, like a delayed "
    "order. Reply STOP to opt out."
)
_LONGEST_KEYWORD = 40
_NOISE = re.compile(r"[^\w\s]")


def consent_keyword(text: str) -> Keyword | None:
    """`opt_out` or `opt_in` when the whole message is such a keyword, else None."""
    if len(text) > _LONGEST_KEYWORD:
        return None
    words = " ".join(_NOISE.sub(" ", text.lower()).split())
    if words in OPT_OUT_WORDS:
        return "opt_out"
    if words in OPT_IN_WORDS:
        return "opt_in"
    return None
