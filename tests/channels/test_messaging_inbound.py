"""Turns run in the background in arrival order per sender, concurrently across senders."""
from __future__ import annotations

import asyncio

from channels.messaging.inbound import SenderTurns, public_url


def test_a_sender_s_turns_run_one_at_a_time_in_arrival_order():
    log = []

    async def scenario():
        turns = SenderTurns()
        for n, delay in enumerate([0.05, 0.0, 0.02]):
            async def turn(n=n, delay=delay):
                log.append(("start", n))
                await asyncio.sleep(delay)
                log.append(("end", n))
            turns.submit("whatsapp:+595981000001", turn)
        await turns.drain()

    asyncio.run(scenario())
    assert log == [("start", 0), ("end", 0), ("start", 1), ("end", 1), ("start", 2), ("end", 2)]


def test_different_senders_do_not_wait_for_each_other():
    async def scenario():
        turns = SenderTurns()
        slow_started, fast_done = asyncio.Event(), asyncio.Event()

        async def slow():
            slow_started.set()
            await asyncio.wait_for(fast_done.wait(), timeout=5)

        async def fast():
            await slow_started.wait()
            fast_done.set()

        turns.submit("a", slow)
        turns.submit("b", fast)
        await turns.drain()
        return fast_done.is_set()

    assert asyncio.run(scenario())


def test_a_failing_turn_does_not_stop_the_next():
    done = []

    async def scenario():
        turns = SenderTurns()

        async def broken():
            raise RuntimeError("boom")

        async def fine():
            done.append(True)

        turns.submit("a", broken)
        turns.submit("a", fine)
        await turns.drain()
        return turns

    turns = asyncio.run(scenario())
    assert done == [True] and not turns._locks  # nothing kept for senders without turns


def test_the_url_the_platform_called_is_the_public_one_behind_a_proxy():
    seen = "http://10.0.0.5:5005/webhooks/sms/webhook"
    assert public_url("/webhooks/sms/webhook", seen, {}) == seen
    assert public_url("/webhooks/sms/webhook", seen, {"PUBLIC_URL": "https://bot.example.com/"}) == (
        "https://bot.example.com/webhooks/sms/webhook"
    )
