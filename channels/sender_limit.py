"""A customer who floods the chat waits politely instead of queueing turns that time out.

Rasa runs one turn at a time per conversation (its lock): each message of a
sender who writes faster than the assistant answers waits for the turns before
it, and past a few they time out unanswered, holding a connection each. Here at
most `SENDER_MAX_WAITING` messages of one sender are in a turn or waiting for
one; any more is answered at once with the domain's `utter_one_moment` ("un
momento, por favor") and stored in the tracker in the background, in arrival
order, without a turn of its own: nothing the customer wrote is lost, and the
turns already waiting are answered.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Set

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
ONE_MOMENT_RESPONSE = "utter_one_moment"
DEFAULT_MAX_WAITING = 3


def max_waiting_from_env(environ: Dict[str, str] | None = None) -> int:
    raw = (environ if environ is not None else os.environ).get("SENDER_MAX_WAITING", "").strip()
    if not raw:
        return DEFAULT_MAX_WAITING
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"SENDER_MAX_WAITING must be a whole number of at least 1, got {raw!r}")
    return int(raw)


class SenderLimit:
    """Counts each sender's messages in a turn or waiting for one."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._waiting: Dict[str, int] = {}
        self._storing: Set[asyncio.Task] = set()

    def wrap(self, on_new_message: MessageHandler) -> MessageHandler:
        async def handler(message: UserMessage) -> None:
            sender = message.sender_id
            if self._waiting.get(sender, 0) >= self.max_waiting:
                await self._one_moment(message)
                return
            self._waiting[sender] = self._waiting.get(sender, 0) + 1
            try:
                await on_new_message(message)
            finally:
                self._waiting[sender] -= 1
                if not self._waiting[sender]:
                    del self._waiting[sender]

        return handler

    async def _one_moment(self, message: UserMessage) -> None:
        agent = Sanic.get_app().ctx.agent
        # Phone numbers in sender ids are masked by the server's log filter (bot/privacy.py).
        logger.info("sender %s writes faster than answered: message stored, asked to wait", message.sender_id)
        # Stored behind the turns already waiting (Rasa's lock serves them in order); the
        # customer is not kept waiting for it.
        task = asyncio.get_running_loop().create_task(self._store(agent, message))
        self._storing.add(task)
        task.add_done_callback(self._storing.discard)
        variations = agent.domain.responses.get(ONE_MOMENT_RESPONSE) or []
        if variations and variations[0].get("text"):
            await message.output_channel.send_text_message(message.sender_id, variations[0]["text"])

    @staticmethod
    async def _store(agent: Any, message: UserMessage) -> None:
        try:
            async with agent.lock_store.lock(message.sender_id):
                await agent.processor.log_message(message)
        except Exception:
            logger.exception("a message of %s could not be stored", message.sender_id)

    async def drain(self) -> None:
        """Wait until every message set aside is stored (tests, shutdown)."""
        while self._storing:
            await asyncio.gather(*list(self._storing), return_exceptions=True)
