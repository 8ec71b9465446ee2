"""Receiving a message from a messaging platform and handing it to Rasa.

* Every connector wraps Rasa's handler like the REST channel does: a customer's
  "/" text stays text (`channels.commands`) and a dead action server gets a
  polite answer (`channels.action_server_guard`). `guarded_handlers` builds
  both the customer's handler and the one for texts the connector itself
  writes ("/greet" for Telegram's /start), which must stay commands.
* Webhooks are answered at once and the turn runs in the background:
  Twilio gives up on a webhook after 15 s, Telegram delivers again when it
  waits, and a turn with line checks can take longer. `SenderTurns` runs each
  customer's turns one after the other, in the order they arrived, while
  different customers are served concurrently. A turn not done within
  `LATE_ANSWER_AFTER_S` gets "ya le respondo" at once; its replies follow
  (`channels.late_answer`).
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Set, Tuple

from rasa.core.channels.channel import UserMessage

from channels.action_server_guard import answer_when_actions_are_down
from channels.commands import accept_only_offered_commands
from channels.late_answer import LateAnswer, after_s_from_env

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]

# What a photo, voice note or file without words is handed to Rasa as: the replacement
# character, which the input guard (bot/language/input_guard.py) reads as content it
# cannot read, so the customer is asked politely to write their request. The file
# itself travels in the message's metadata ("attachments"), where the tracker keeps it
# for the team (a payment receipt).
UNREADABLE_CONTENT = "\ufffd"


def guarded_handlers(on_new_message: MessageHandler) -> Tuple[MessageHandler, MessageHandler]:
    """(handler for what the customer wrote, handler for the connector's own commands)."""
    trusted = answer_when_actions_are_down(on_new_message)
    # The turn already runs in the background: waiting for it keeps its replies joined and in order.
    late = LateAnswer(after_s_from_env())
    return (
        late.wrap(accept_only_offered_commands(trusted), keep_waiting=True),
        late.wrap(trusted, keep_waiting=True),
    )


def public_url(path: str, seen_url: str, environ: Dict[str, str] | None = None) -> str:
    """The URL a platform called: `PUBLIC_URL` + path behind a proxy, else the URL the server saw."""
    base = (environ if environ is not None else os.environ).get("PUBLIC_URL", "").strip().rstrip("/")
    return f"{base}{path}" if base else seen_url


class SenderTurns:
    """Background turns, one at a time per sender and in arrival order."""

    def __init__(self) -> None:
        self._locks: Dict[str, asyncio.Lock] = {}
        self._waiting: Dict[str, int] = {}
        self._tasks: Set[asyncio.Task] = set()

    def submit(self, sender_id: str, turn: Callable[[], Awaitable[None]]) -> asyncio.Task:
        # The lock is taken in the task's first step, and asyncio starts tasks in the order
        # they were created and hands a lock to waiters in the order they asked: FIFO.
        lock = self._locks.setdefault(sender_id, asyncio.Lock())
        self._waiting[sender_id] = self._waiting.get(sender_id, 0) + 1

        async def run() -> None:
            try:
                async with lock:
                    await turn()
            except Exception:
                logger.exception("A turn of a messaging channel failed")
            finally:
                self._waiting[sender_id] -= 1
                if not self._waiting[sender_id]:
                    del self._waiting[sender_id], self._locks[sender_id]

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)  # keep a reference: the loop holds tasks only weakly
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self) -> None:
        """Wait for every turn submitted so far (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
