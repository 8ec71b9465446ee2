"""The browser's side of the web chat, played with python-socketio's client (tests and bench).

It speaks to the channel exactly as the widget does (session_request, then
user_uttered with an acknowledgement; bot_uttered, bot_typing and
session_confirm back), over HTTP long-polling: python-engineio's asyncio
client needs aiohttp 3.10 for WebSocket and Rasa 3.6 pins aiohttp below that.
The real browser (tests/e2e/test_webchat.py) uses WebSocket.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, List, Tuple

import socketio
from aiohttp import web

Received = Tuple[str, Any]


class ChatClient:
    """One browser tab: a socket.io connection that records every event it receives, in order."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue[Received] = asyncio.Queue()
        self.sio.on("*", self._record)

    async def _record(self, event: str, data: Any = None) -> None:
        await self.received.put((event, data))

    async def open(self, url: str, session_id: Any = None, socketio_path: str = "/socket.io") -> str:
        """Connect and ask for a session (to resume `session_id`); returns the session granted."""
        await self.sio.connect(url, socketio_path=socketio_path, transports=["polling"])
        await self.sio.emit("session_request", {"session_id": session_id})
        return str(await self.next("session_confirm"))

    async def next(self, event: str, timeout_s: float = 30) -> Any:
        """The data of the next `event` received (events before it are dropped)."""
        while True:
            name, data = await asyncio.wait_for(self.received.get(), timeout_s)
            if name == event:
                return data

    def drain(self) -> List[Received]:
        """Everything received and not read yet."""
        events = []
        while not self.received.empty():
            events.append(self.received.get_nowait())
        return events

    async def say(self, message: Any, timeout_s: float = 60) -> List[Received]:
        """Send a message as the widget does; returns what arrived until it was handled (acknowledged)."""
        acknowledged = await self.sio.call("user_uttered", {"message": message}, timeout=timeout_s)
        assert acknowledged is True
        return self.drain()

    async def close(self) -> None:
        # Without abort the client waits for its pending long-poll, up to the 25 s ping interval.
        await self.sio.eio.disconnect(abort=True)


def bot_messages(received: List[Received]) -> List[Dict[str, Any]]:
    return [data for name, data in received if name == "bot_uttered"]


def text_of(received: List[Received]) -> str:
    """The bot's messages joined into one text."""
    return "\n".join(str(message.get("text", "")) for message in bot_messages(received))


@asynccontextmanager
async def serving(sio: socketio.AsyncServer) -> AsyncIterator[str]:
    """Serve a python-socketio server (async_mode "aiohttp") on a free port; yields its URL."""
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
