"""A local stand-in for OpenAI's chat completions API: queued answers, recorded requests."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.ports import free_port


def tool_call(name: str, **args: Any) -> dict[str, Any]:
    """An assistant answer that calls one tool."""
    return {"tool_calls": [(name, args)]}


def text(content: str) -> dict[str, Any]:
    """An assistant answer in words."""
    return {"content": content}


class FakeOpenAI:
    """Serves `POST /v1/chat/completions` in OpenAI's wire format on a free port.

    Answers are taken from a queue in order; an empty queue answers "How can I help?", or
    what `answer_with` makes of the request's body. `delay` seconds pass before each answer (to
    hold a turn in flight). A request with `"stream": true` is answered with server-sent
    `chat.completion.chunk` events, a word each, `word_delay` seconds apart; `streamed` keeps
    when each streamed answer began and finished (`time.monotonic()`).
    """

    def __init__(self, delay: float = 0.0,
                 answer_with: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                 word_delay: float = 0.0) -> None:
        self.port = free_port()
        self.delay = delay
        self.word_delay = word_delay
        self.streamed: list[tuple[float, float]] = []
        self.answer_with = answer_with
        self.answers: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        app = Starlette(routes=[Route("/v1/chat/completions", self._complete, methods=["POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    async def _complete(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append({"body": body, "authorization": request.headers.get("authorization")})
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answers:
            answer = self.answers.pop(0)
        else:
            answer = self.answer_with(body) if self.answer_with else text("How can I help?")
        message: dict[str, Any] = {"role": "assistant", "content": answer.get("content")}
        if "tool_calls" in answer:
            message["tool_calls"] = [
                {"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
                 "function": {"name": name, "arguments": json.dumps(args)}}
                for name, args in answer["tool_calls"]
            ]
        finish = "tool_calls" if "tool_calls" in answer else "stop"
        if body.get("stream"):
            return StreamingResponse(self._chunks(body, message, finish),
                                     media_type="text/event-stream")
        return JSONResponse({
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        })

    async def _chunks(self, body: dict[str, Any], message: dict[str, Any],
                      finish: str) -> AsyncIterator[str]:
        """The answer as OpenAI streams it: the role, the words one by one (then the tool
        calls), the finish reason, `[DONE]`."""
        began = time.monotonic()
        chunk_id, model = f"chatcmpl-{uuid.uuid4().hex[:12]}", body.get("model", "fake")

        def event(delta: dict[str, Any], reason: str | None = None) -> str:
            return "data: " + json.dumps({
                "id": chunk_id, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}) + "\n\n"

        yield event({"role": "assistant", "content": ""})
        for word in re.findall(r"\S+\s*", message.get("content") or ""):
            await asyncio.sleep(self.word_delay)
            yield event({"content": word})
        for index, call in enumerate(message.get("tool_calls") or []):
            yield event({"tool_calls": [{"index": index, **call}]})
        yield event({}, finish)
        self.streamed.append((began, time.monotonic()))
        yield "data: [DONE]\n\n"
