"""Web chat routes: create a session, then talk over a WebSocket."""

from __future__ import annotations

import json
import logging
import math
from typing import TYPE_CHECKING

from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse

from channels.webchat import FrameError, error_frame, to_inbound

if TYPE_CHECKING:
    from bot.assembly import Caseloop

log = logging.getLogger("caseloop.webchat")
router = APIRouter()

TEXT_FRAMES_ONLY = 'Please send text frames with JSON like {"text": "hello"}.'
TOO_MANY_SESSIONS = "Too many new chats from this address. Please try again in a minute."
TOO_FAST = ("You are sending messages faster than I can read them. Please wait a moment and "
            "send that again.")


@router.post("/webchat/sessions", status_code=201, response_model=None)
async def create_session(request: Request) -> dict[str, str] | JSONResponse:
    """Start a web chat conversation; the token is the browser's key to it.

    A client address starting sessions faster than `CASELOOP_SESSIONS_PER_MINUTE` gets a 429
    with `Retry-After`.
    """
    caseloop: Caseloop = request.app.state.caseloop
    address = request.client.host if request.client else "unknown"
    wait = caseloop.limits.sessions.wait_for(address)
    if wait:
        log.warning("Refused a web chat session: too many from one address")
        return JSONResponse({"error": TOO_MANY_SESSIONS}, status_code=429,
                            headers={"Retry-After": str(math.ceil(wait))})
    _, token = await caseloop.webchat_sessions.create()
    return {"session": token}


@router.websocket("/webchat/ws")
async def chat(websocket: WebSocket, session: str = Query(default="")) -> None:
    """Take `{"text": ...}` frames from the customer and push one frame per bot message."""
    caseloop: Caseloop = websocket.app.state.caseloop
    session_id = await caseloop.webchat_sessions.resolve(session)
    if session_id is None:
        await websocket.close(code=1008, reason="unknown session")
        return
    await websocket.accept()
    caseloop.webchat.attach(session_id, websocket)
    try:
        await caseloop.courier.flush("webchat", session_id)
        while True:
            event = await websocket.receive()
            if event["type"] == "websocket.disconnect":
                break
            frame = event.get("text")
            if frame is None:
                await websocket.send_text(json.dumps(error_frame(TEXT_FRAMES_ONLY)))
                continue
            try:
                message = to_inbound(session_id, frame)
            except FrameError as problem:
                await websocket.send_text(json.dumps(error_frame(str(problem))))
                continue
            if not caseloop.limits.messages.allow(f"webchat:{session_id}"):
                await websocket.send_text(json.dumps(error_frame(TOO_FAST)))
                continue
            await caseloop.receive(message)
    except WebSocketDisconnect:
        pass
    finally:
        caseloop.webchat.detach(session_id, websocket)
