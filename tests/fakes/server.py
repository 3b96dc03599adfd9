"""The real Caseloop server in its own process, as a PaaS would run it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import websockets

from tests.fakes.ports import free_port


class CaseloopServer:
    """Runs `caseloop serve` with given environment variables on a free port."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, until: str = "/readyz") -> None:
        """Spawn the server and return once `until` answers 200 (`/healthz`: listening, still
        loading; `/readyz`: every channel loaded)."""
        env = {**os.environ, **self.env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], env=env, cwd=self.workdir,
            stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}{until}", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1 if until == "/readyz" else 0.01)
        raise RuntimeError(f"server not healthy within {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """A hard kill: no shutdown, no cleanup, like a crashed machine."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def new_session(self) -> str:
        response = httpx.post(f"{self.url}/webchat/sessions", timeout=5)
        response.raise_for_status()
        return response.json()["session"]

    async def connect(self, token: str, tab: WebchatClient | None = None) -> WebchatClient:
        """Open the chat; with `tab`, the same browser tab reconnecting (it knows what it saw)."""
        socket = await websockets.connect(f"{self.ws_url}/webchat/ws?session={token}")
        client = WebchatClient(socket)
        if tab is not None:
            client.seen = tab.seen
        return client


class WebchatClient:
    """A browser tab talking to the web chat over a real WebSocket."""

    def __init__(self, socket: websockets.ClientConnection) -> None:
        self.socket = socket
        self.seen: set[str] = set()

    async def send(self, text: str, message_id: str | None = None) -> None:
        frame = {"text": text} if message_id is None else {"text": text, "id": message_id}
        await self.socket.send(json.dumps(frame))

    async def receive(self, timeout: float = 15.0) -> dict:
        """The next frame, skipping redeliveries of a message already seen (as the page does)."""
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if frame.get("id") not in self.seen:
                if frame.get("id"):
                    self.seen.add(frame["id"])
                return frame

    async def ask(self, text: str, replies: int = 1, timeout: float = 15.0) -> list[str]:
        """Send a message and collect the texts of the next `replies` frames."""
        await self.send(text)
        return [(await self.receive(timeout))["text"] for _ in range(replies)]

    async def close(self) -> None:
        await self.socket.close()
