"""One turn, one graph run: the runner enters the conversation graph once per turn (twice when
verification hands a visitor over to their own thread), and never reads or writes its state
around the run."""

from __future__ import annotations

from collections import Counter
from contextvars import ContextVar
from typing import Any

import pytest

from bot.assembly import Caseloop
from tests.conftest import verify
from tests.fakes.capture import CaptureChannel
from tests.fakes.smtp import SmtpSink

ENTRIES = ("ainvoke", "astream", "aget_state", "aupdate_state")
_inside = ContextVar("inside", default=False)
"""True within a counted call: `ainvoke` runs on `astream`, which is then not a second entry."""


@pytest.fixture
def entries(caseloop: tuple[Caseloop, CaptureChannel],
            monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every way into the conversation graph, counted."""
    graph, counted = caseloop[0].graph, Counter[str]()
    for name in ENTRIES:
        original = getattr(graph, name)

        def counting(*args: Any, _name: str = name, _original: Any = original,
                     **kwargs: Any) -> Any:
            if _inside.get():
                return _original(*args, **kwargs)
            counted[_name] += 1
            if _name == "astream":
                return _original(*args, **kwargs)
            return _within(_original(*args, **kwargs))

        monkeypatch.setattr(graph, name, counting)
    return counted


async def _within(call: Any) -> Any:
    token = _inside.set(True)
    try:
        return await call
    finally:
        _inside.reset(token)


async def test_a_verified_customers_turn_runs_the_graph_exactly_once(
    customer_at, smtp: SmtpSink, entries: Counter[str]  # type: ignore[no-untyped-def]
) -> None:
    noor = customer_at("+447700900100")
    await verify(noor, smtp, "noor.haddad@example.org")
    entries.clear()
    replies = await noor.say("where is my order Q5521?")
    assert any("Q5521" in reply for reply in replies)
    assert entries == Counter(ainvoke=1)
    entries.clear()
    assert "Shall I go ahead?" in " ".join(await noor.say("I'd like a refund for Q5521 please"))
    assert (await noor.say("yes"))[0].startswith("Done: I've refunded")
    assert entries == Counter(ainvoke=2)


async def test_a_verification_turn_runs_the_graph_at_most_twice(
    customer_at, smtp: SmtpSink, entries: Counter[str]  # type: ignore[no-untyped-def]
) -> None:
    noor = customer_at("+447700900101")
    await noor.say("hi, I need to cancel order Q5530, my email is noor.haddad@example.org")
    entries.clear()
    code = await smtp.code_for("noor.haddad@example.org")
    replies = await noor.say(code)
    assert replies[0].startswith("Thank you, Noor, you're verified.")
    assert "cancel order Q5530" in " ".join(replies[1:])
    assert entries["ainvoke"] == 2 and entries["astream"] == 0
    assert entries["aupdate_state"] == 0 and entries["aget_state"] == 0
