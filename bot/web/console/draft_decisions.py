"""Send, Edit and Reject on a shadow draft, from the console.

The desk checks each click (`bot/desk/shadow.py`): a draft that carries an action goes out only
by an approver's hand, once; a plain reply by anyone on the desk. The audit trail names the
person as `console:<account name>`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.desk.drafts import LABELS
from bot.desk.shadow import MAX_TEXT, DraftResult
from bot.web.console.draft_cards import NOTE_MAX_CHARS
from bot.web.console.problems import Problem
from bot.web.console.routing import Id, Posting, answer, case_json, case_target
from bot.web.console.web import ConsoleRoute

NO_TEXT = "Write the text the customer should get instead of the draft."
NO_LABEL = "Pick why the draft is wrong: " + ", ".join(LABELS) + "."
STATUSES = {"unknown": 404, "not_allowed": 403, "invalid": 400, "already_decided": 409}

router = APIRouter(prefix="/drafts", route_class=ConsoleRoute)


@router.post("/{draft_id}/send")
async def send(request: Request, draft_id: Id, post: Posting) -> Response:
    """Release the draft as it is: its reply goes out and its action (if any) is carried out."""
    result = await request.app.state.caseloop.desk.shadow.send(draft_id, post.operator.actor)
    return _answer(request, post, draft_id, result)


@router.post("/{draft_id}/edit")
async def edit(request: Request, draft_id: Id, post: Posting) -> Response:
    """Release the draft with the person's own text, which goes out instead (and is kept)."""
    text = post.fields.get("text", "").strip()
    if not text:
        raise Problem(400, "Nothing to send", NO_TEXT)
    if len(text) > MAX_TEXT:
        raise Problem(400, "Too long", f"A reply is at most {MAX_TEXT} characters.")
    result = await request.app.state.caseloop.desk.shadow.send(draft_id, post.operator.actor,
                                                               text)
    return _answer(request, post, draft_id, result)


@router.post("/{draft_id}/reject")
async def reject(request: Request, draft_id: Id, post: Posting) -> Response:
    """Turn the draft down with a label and a note; the person then answers the customer."""
    label = post.fields.get("label", "").strip()
    if label not in LABELS:
        raise Problem(400, "Which label?", NO_LABEL)
    note = post.fields.get("note", "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise Problem(400, "Too long", f"A note is at most {NOTE_MAX_CHARS} characters.")
    result = await request.app.state.caseloop.desk.shadow.reject(
        draft_id, post.operator.actor, label, note)
    return _answer(request, post, draft_id, result)


def _answer(request: Request, post: Posting, draft_id: int, result: DraftResult) -> Response:
    if result.status == "unknown":
        raise Problem(404, "No such draft", f"There is no draft #{draft_id}.")
    if result.status == "not_allowed":
        raise Problem(403, "Approvers only", result.message)
    case_id = result.case.id if result.case is not None else None
    body = {"status": result.status, "changed": result.changed, "case": case_json(result.case)}
    status = 200 if result.changed else STATUSES.get(result.status, 409)
    return answer(request, post, case_target(case_id), result.message, status, body)
