"""STOP and START as Twilio reads them on an SMS number: it answers them itself, and blocks.

Twilio takes a message that is only one of its keywords (any case, spaces around ignored) as
an opt-out or an opt-in for the number it was sent to: it replies with the confirmation carriers
require and, after an opt-out, refuses every message to the sender (error 21610) until they opt
in again. Such a message is a change of consent to record, never a question for the agent: a
reply would repeat Twilio's, or be refused. With Advanced Opt-Out on a Messaging Service, Twilio
says so in `OptOutType`, custom keywords included.

`YES` also opts a sender back in at Twilio, but in a conversation it answers Caseloop's own
questions ("Reply YES to confirm"): it stays a reply, and an opt-out recorded here stands until
START or UNSTOP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Keyword = Literal["opt_out", "opt_in"]

OPT_OUT_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke",
                           "optout"})
OPT_IN_WORDS = frozenset({"start", "unstop"})
"""Twilio's default keywords on long codes and toll-free numbers (HELP and INFO change nothing)."""
OPT_OUT_TYPES: Mapping[str, Keyword] = {"STOP": "opt_out", "START": "opt_in"}
"""`OptOutType` values (Advanced Opt-Out); `HELP` changes nothing."""
ANSWERS = frozenset({"yes"})
"""Keywords Twilio may act on that are kept as replies in the conversation."""
_LONGEST_KEYWORD = 40


def carrier_keyword(form: Mapping[str, str]) -> Keyword | None:
    """`opt_out` or `opt_in` when Twilio took this inbound SMS as one, else None."""
    body = (form.get("Body") or "").strip()
    if len(body) > _LONGEST_KEYWORD or body.lower() in ANSWERS:
        return None
    declared = OPT_OUT_TYPES.get((form.get("OptOutType") or "").strip().upper())
    if declared is not None:
        return declared
    word = body.lower()
    if word in OPT_OUT_WORDS:
        return "opt_out"
    if word in OPT_IN_WORDS:
        return "opt_in"
    return None
