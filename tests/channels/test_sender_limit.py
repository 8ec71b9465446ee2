"""At most SENDER_MAX_WAITING messages of one sender in a turn or waiting; the rest are set aside."""
from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.sender_limit import DEFAULT_MAX_WAITING, SenderLimit, max_waiting_from_env


def test_the_limit_comes_from_the_environment() -> None:
    assert max_waiting_from_env({}) == DEFAULT_MAX_WAITING
    assert max_waiting_from_env({"SENDER_MAX_WAITING": "5"}) == 5
    for bad in ("0", "-1", "tres", "2.5"):
        with pytest.raises(ValueError, match="SENDER_MAX_WAITING"):
            max_waiting_from_env({"SENDER_MAX_WAITING": bad})


def test_messages_beyond_the_limit_are_set_aside_per_sender() -> None:
    async def scenario() -> tuple[List[str], List[str]]:
        limit = SenderLimit(max_waiting=2)
        release, turns, aside = asyncio.Event(), [], []

        async def turn(message: UserMessage) -> None:
            turns.append(message.text)
            await release.wait()

        async def set_aside(message: UserMessage) -> None:
            aside.append(message.text)

        limit._one_moment = set_aside  # type: ignore[method-assign]  # no Rasa server here
        handler = limit.wrap(turn)

        def message(text: str, sender: str) -> UserMessage:
            return UserMessage(text, CollectingOutputChannel(), sender)

        running = [asyncio.create_task(handler(message(f"a{n}", "ana"))) for n in range(4)]
        running.append(asyncio.create_task(handler(message("b0", "beto"))))  # another sender is served
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*running)
        await handler(message("a4", "ana"))  # the turns done, ana is served again
        return turns, aside

    turns, aside = asyncio.run(scenario())
    assert turns == ["a0", "a1", "b0", "a4"] and aside == ["a2", "a3"]
