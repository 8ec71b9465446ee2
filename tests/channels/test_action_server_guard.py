"""The action server's health check: a recent yes stands before a turn, never after a silent one."""
from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from channels import action_server_guard
from channels.action_server_guard import action_server_is_up
from tests.support.assistant import _free_port as free_port


async def _health_server(port: int, asked: list[int], answer_after_s: float = 0.0) -> web.AppRunner:
    async def health(request: web.Request) -> web.Response:
        asked.append(1)
        await asyncio.sleep(answer_after_s)
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/health", health)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def test_a_recent_yes_stands_before_a_turn_and_a_recheck_always_asks() -> None:
    async def scenario() -> None:
        port, asked = free_port(), []
        url = f"http://127.0.0.1:{port}/webhook"
        action_server_guard._last_healthy.clear()
        assert await action_server_is_up(url, recheck=False) is False  # nothing listens yet
        runner = await _health_server(port, asked)
        try:
            assert await action_server_is_up(url, recheck=False) is True
            assert await action_server_is_up(url, recheck=False) is True
            assert len(asked) == 1  # the second came from the recent yes
            assert await action_server_is_up(url, recheck=True) is True
            assert len(asked) == 2
        finally:
            await runner.cleanup()
        assert await action_server_is_up(url, recheck=True) is False  # it died: asked, and told
        assert await action_server_is_up(url, recheck=False) is False  # a no is never remembered as yes

    asyncio.run(scenario())


def test_a_check_without_an_answer_in_time_lets_the_turn_go_on(monkeypatch) -> None:
    """Under load the check timed out and the message was lost: a slow check is no dead server."""
    monkeypatch.setattr(action_server_guard, "_HEALTH_TIMEOUT", aiohttp.ClientTimeout(total=0.05))

    async def scenario() -> None:
        port, asked = free_port(), []
        url = f"http://127.0.0.1:{port}/webhook"
        action_server_guard._last_healthy.clear()
        runner = await _health_server(port, asked, answer_after_s=1.0)
        try:
            assert await action_server_is_up(url, recheck=True) is True
            assert asked == [1]
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_turns_arriving_together_share_one_check() -> None:
    async def scenario() -> None:
        port, asked = free_port(), []
        url = f"http://127.0.0.1:{port}/webhook"
        action_server_guard._last_healthy.clear()
        runner = await _health_server(port, asked, answer_after_s=0.2)
        try:
            answers = await asyncio.gather(*(action_server_is_up(url, recheck=True) for _ in range(20)))
            assert answers == [True] * 20
            assert len(asked) == 1
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
