"""Several Rasa processes: with python-socketio's Redis manager, an emit from one reaches the others' sockets.

Two web chat servers share Redis at 127.0.0.1:6379 (TEST_REDIS_URL points
elsewhere), as two Rasa processes behind a load balancer would: a browser is
connected to the first, a push (an agent's message) is sent by the second.
Without Redis the test is skipped, unless REQUIRE_SERVICES=1 (as in CI).
"""
from __future__ import annotations

import asyncio
import uuid
from typing import Any, List

import pytest
import redis

from channels.webchat import WebChatInput, build_server, client_manager, redis_url
from tests.support.webchat_client import ChatClient, serving

pytestmark = pytest.mark.db  # needs a service, as the database tests do

AGENT_MESSAGE = {"text": "Hola, soy Ana. Sigo con su caso.", "author": {"kind": "agent", "name": "Ana"}}


async def _no_events(_: str) -> List[Any]:
    return []


async def _never_called(_: Any) -> None:
    raise AssertionError("no customer message in this test")


def _process(url: str | None, channel: str) -> WebChatInput:
    """One Rasa process's web chat: its own socket.io server, sharing `channel` on Redis when `url` is set."""
    webchat = WebChatInput.from_credentials({"session_persistence": True})
    server = build_server(client_manager(url, channel), async_mode="aiohttp")
    webchat.attach(server, _never_called, _no_events)
    return webchat


async def _subscribers(url: str, channel: str) -> int:
    client = redis.asyncio.Redis.from_url(url)
    try:
        return dict(await client.pubsub_numsub(channel)).get(channel.encode(), 0)
    finally:
        await client.close()


async def _push_across(url: str | None, wait_s: float = 10) -> List[Any]:
    """A browser on process A, a push from process B: what the browser received."""
    channel = f"webchat-test-{uuid.uuid4().hex}"
    first, second = _process(url, channel), _process(url, channel)
    assert first.sio is not None and second.sio is not None
    async with serving(first.sio) as first_url, serving(second.sio) as second_url:
        tab = ChatClient()
        session = await tab.open(first_url)
        # A second browser on B makes B listen too (a manager starts listening on its first connection).
        other = ChatClient()
        await other.open(second_url)
        if url:
            for _ in range(100):  # both processes listening before anything is emitted
                if await _subscribers(url, channel) >= 2:
                    break
                await asyncio.sleep(0.05)
        output = second.get_output_channel()
        assert output is not None
        await output.send_response(session, dict(AGENT_MESSAGE))
        try:
            return [await tab.next("bot_uttered", timeout_s=wait_s)]
        except asyncio.TimeoutError:
            return []
        finally:
            await tab.close()
            await other.close()


def test_a_push_from_one_process_reaches_a_browser_on_another(redis_server):
    assert asyncio.run(_push_across(redis_server)) == [AGENT_MESSAGE]


def test_without_redis_it_would_not(redis_server):
    """The control: the same scenario with each process on its own never delivers."""
    assert asyncio.run(_push_across(None, wait_s=2)) == []


def test_redis_is_configured_by_webchat_redis_url_then_redis_url(monkeypatch):
    monkeypatch.delenv("WEBCHAT_REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert redis_url() is None and client_manager(redis_url()) is None
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    assert redis_url() == "redis://127.0.0.1:6379/1"
    monkeypatch.setenv("WEBCHAT_REDIS_URL", "redis://127.0.0.1:6379/2")
    assert redis_url() == "redis://127.0.0.1:6379/2"
