"""Running an aiohttp application in a thread of its own, for local fakes of external platforms.

The fakes (Telegram Bot API, Twilio Messages API) serve the real SDKs inside
the Rasa server, a separate process; tests and benchmarks are synchronous. A
thread with its own event loop lets a plain test start one, post to the
assistant and read what the fake recorded.
"""
from __future__ import annotations

import asyncio
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from aiohttp import web

T = TypeVar("T")


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """Serve `app` on a free port of 127.0.0.1; yields its base URL ("http://127.0.0.1:PORT")."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    thread = threading.Thread(target=loop.run_forever, name="fake-server", daemon=True)
    thread.start()

    async def start() -> str:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    try:
        yield asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def wait_for(probe: Callable[[], T], timeout_s: float = 60.0, what: str = "the expected calls") -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout_s` (a deadline, no speed test)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.05)
