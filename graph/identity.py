"""The identity step: a visitor proves who they are with a code e-mailed to the account."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command
from rapidfuzz import fuzz

from graph.catalogs import N_, _, ngettext
from graph.context import CaseContext
from graph.limits import MAX_PARSED_CHARS
from graph.slots import extract_code, extract_email
from graph.state import CaseState, latest_customer_text

CODE_SENT = N_(
    "Thanks. If that address is on file, a 6-digit code is on its way to it now. "
    "Please type the code here (it's valid for 10 minutes)."
)
VERIFIED = N_("Thank you, {name}, you're verified.")
VERIFIED_NAMELESS = N_("Thank you, you're verified.")
CODE_RESENT = N_(
    "I've sent a new code to the e-mail address you gave, if it's on file. It can take a minute; "
    "please check your spam folder too. If the address had a typo, just send me the right one."
)
EXPIRED = N_(
    "That code has expired. Send me your e-mail address again and I'll send a new one.")
LOCKED = N_(
    "For your security, verification for this e-mail address is paused after too many wrong "
    "codes. You can try again, and ask for a new code, after {until} UTC."
)
LIMITED = N_(
    "I've already sent as many codes for this e-mail address as I can in an hour, so I can't "
    "send another one just yet. You can ask for a new code after {until} UTC. If the last code "
    "reaches you in the meantime, just type it here."
)
_GREETING = re.compile(r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b[\s,.!]*",
                       re.IGNORECASE)
_RESEND_CUES = ("resend", "re-send", "send again", "send it again", "new code", "another code",
                "no code")
_MISSING_CUES = ("didn't get", "did not get", "didnt get", "haven't got", "havent got",
                 "didn't receive", "did not receive", "didnt receive", "haven't received",
                 "not received", "never got", "never received", "never came", "never arrived",
                 "didn't come", "didnt come", "not arrived", "hasn't arrived", "hasnt arrived",
                 "nothing", "expired", "where is")
_FILLER = re.compile(
    r"\b(hi|hello|hey|my|e-?mail|address|is|it's|its|here|thanks|thank you|the|on|file|account|"
    r"and|i'm|im|i am|please|pls|code|this|that|use|it|"
    r"hola|mi|correo|electr[óo]nico|direcci[óo]n|es|mis|gracias|por favor|aqu[íi]|"
    r"hallo|meine?|adresse|lautet|ist|danke|bitte|hier|"
    r"bonjour|mon|ma|courriel|adresse|est|c'est|voici|merci|"
    r"ol[áa]|oi|meu|minha|endere[çc]o|[ée]|aqui|obrigad[oa])\b|[^\w\s]",
    re.IGNORECASE,
)
"""Words around an e-mail address that carry no request, in the five languages."""


def onward(state: CaseState) -> Literal["identify", "agent", "confirm"]:
    """Where a turn goes once triage is done: a verified customer straight on (to confirm what
    waits for a yes, else to the agent), anyone else through `identify`."""
    if not state.get("verified"):
        return "identify"
    return "confirm" if state.get("pending_action") else "agent"


async def identify(
    state: CaseState, config: RunnableConfig, runtime: Runtime[CaseContext]
) -> Command[Literal["agent", "confirm", "__end__"]]:
    """Route a verified customer on; walk a visitor through e-mail and code when they offer them."""
    if (step := onward(state)) != "identify":
        return Command(goto=step)
    text = latest_customer_text(state)
    thread_id = config["configurable"]["thread_id"]
    verification = runtime.context.verification
    code = extract_code(text)
    if code:
        checked = await _check_code(thread_id, code, runtime.context)
        if checked is not None:
            return checked
    email = extract_email(text)
    if not email and asks_for_new_code(text):
        issued = await verification.resend(thread_id)
        if issued.outcome != "not_started":
            return _say(_(CODE_RESENT) if issued.outcome == "issued" else _refusal(issued))
    if email:
        issued = await verification.start(thread_id, email)
        if issued.outcome != "issued":
            return _say(_refusal(issued))
        rest = _FILLER.sub(" ", text.replace(email, " ")).split()
        request = _GREETING.sub("", text.replace(email, " ")).strip(" ,.;:-")
        carry = [" ".join(request.split())] if len(rest) >= 2 else []
        return _say(_(CODE_SENT), carry_over=carry)
    return Command(goto="agent")


async def _check_code(
    thread_id: str, code: str, ctx: CaseContext
) -> Command[Literal["agent", "confirm", "__end__"]] | None:
    check = await ctx.verification.check(thread_id, code)
    if check.outcome == "not_started":
        return None
    if check.outcome == "verified":
        customer = await ctx.backend.get_customer(check.customer_id)
        first_name = customer.name.split()[0] if customer else ""
        greeting = (_(VERIFIED).format(name=first_name) if first_name
                    else _(VERIFIED_NAMELESS))
        return _say(greeting, customer_id=check.customer_id, verified=True,
                    handover=check.customer_id)
    if check.outcome == "wrong":
        left = check.attempts_left
        return _say(ngettext("That code doesn't match. You have {left} more try.",
                             "That code doesn't match. You have {left} more tries.",
                             left).format(left=left))
    if check.outcome == "locked":
        return _say(_(LOCKED).format(until=_clock_time(check.locked_until)))
    return _say(_(EXPIRED))


def _refusal(issue: Any) -> str:
    """Why no code was sent (see `bot.identity.verification.CodeIssue`), and when to ask again."""
    refusal = LOCKED if issue.outcome == "locked" else LIMITED
    return _(refusal).format(until=_clock_time(issue.until))


def _clock_time(moment: datetime) -> str:
    """`moment` as HH:MM, rounded up so that asking again at that minute works."""
    later = moment + timedelta(seconds=59, microseconds=999_999)
    return later.strftime("%H:%M")


def _say(text: str, **update: object) -> Command[Literal["agent", "confirm", "__end__"]]:
    return Command(goto=END, update={"messages": [AIMessage(content=text)], **update})


def asks_for_new_code(text: str) -> bool:
    """True when the customer asks for another code, or says the code (or e-mail) never came."""
    lowered = " ".join(text[:MAX_PARSED_CHARS].lower().replace("’", "'").split())
    words = lowered.split()
    if any(cue in lowered for cue in _RESEND_CUES) or any(
            fuzz.ratio(word, "resend") >= 80 for word in words):
        return True
    about_code = any(w.strip("?.!,") in ("code", "email", "e-mail", "mail") for w in words)
    return about_code and any(cue in lowered for cue in _MISSING_CUES)
