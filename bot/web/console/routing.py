"""What the console's routes share: the ids they take, who is asking, the case a request is
about, the case types a guardrail stopped, and how a post is answered."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from bot.autonomy.levels import GUARDRAIL, CaseTypeLevel
from bot.desk.escalations import Escalation
from bot.web.console.auth import Operator
from bot.web.console.problems import Problem
from bot.web.console.web import Posted, flash_redirect, posted, signed_in

MAX_ID = 2**62

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Operating = Annotated[Operator, Depends(signed_in)]
Posting = Annotated[Posted, Depends(posted)]


def answer(request: Request, post: Posted, target: str, message: str, status: int,
           body: dict[str, Any]) -> Response:
    """A post's outcome: `message` on the page at `target` for people, JSON for scripts."""
    if post.wants_json:
        return JSONResponse({**body, "message": message}, status_code=status)
    return flash_redirect(request, target, message)


def case_target(case_id: int | None) -> str:
    """The page a post about a case goes back to."""
    return f"/console/cases/{case_id}" if case_id is not None else "/console"


async def find_case(request: Request, case_id: int) -> Escalation:
    """The case, or a 404 page."""
    found = await request.app.state.caseloop.desk.case(case_id)
    if found is None:
        raise Problem(404, "No such case", f"There is no case #{case_id}.")
    found_case: Escalation = found
    return found_case


def case_json(case: Escalation | None) -> dict[str, Any] | None:
    """A case as scripts get it."""
    return asdict(case) if case is not None else None


async def stopped_case_types(request: Request) -> list[CaseTypeLevel]:
    """The case types a guardrail put back in shadow mode (the console's pages say so)."""
    states = await request.app.state.caseloop.autonomy.states()
    return [state for state in states if state.set_by == GUARDRAIL and state.level == "shadow"]
