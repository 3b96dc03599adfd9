"""Web chat routes: create a session, then talk over a WebSocket."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect

from bot.assembly import Caseloop
from channels.webchat import FrameError, error_frame, to_inbound

log = logging.getLogger("caseloop.webchat")
router = APIRouter()

TEXT_FRAMES_ONLY = 'Please send text frames with JSON like {"text": "hello"}.'


@router.post("/webchat/sessions", status_code=201)
async def create_session(request: Request) -> dict[str, str]:
    """Start a web chat conversation; the token is the browser's key to it."""
    caseloop: Caseloop = request.app.state.caseloop
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
                message = to_inbound(session_id, frame, caseloop.settings.max_message_chars)
            except FrameError as problem:
                await websocket.send_text(json.dumps(error_frame(str(problem))))
                continue
            await caseloop.receive(message)
    except WebSocketDisconnect:
        pass
    finally:
        caseloop.webchat.detach(session_id, websocket)
