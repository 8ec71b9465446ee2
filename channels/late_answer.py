"""Every message reaches the tracker, even when its answer comes late.

Under load a turn can outlast the caller's patience: an HTTP client gives up,
Sanic's `connection_lost` then cancels the request's handler, and with it the
turn. Rasa's processor saves the tracker only at the end of a turn (the user
message included), and the REST channel swallows the `CancelledError`: a turn
cancelled while it waited for the conversation's lock or ran its actions left
the message neither answered nor stored.

`LateAnswer(after_s).wrap(on_new_message)` runs each turn as a task of its own,
which the caller's cancellation does not reach (kept referenced until done, as
the loop holds tasks only weakly). A turn not done within `after_s`
(`LATE_ANSWER_AFTER_S`) gets the domain's `utter_busy` ("estamos con mucha
demanda; ya le respondo") through the message's output channel, and then:

* by default (the REST channel) the handler returns: the request answers with
  the notice, and the turn goes on; its replies are in the tracker;
* with `keep_waiting=True` (channels that push: the web chat, Telegram, Twilio)
  the handler waits for the turn, whose replies reach the customer when ready.

Either way a caller that goes away does not stop the turn: the message is
stored and answered in the tracker. A turn that fails with nobody waiting for it
is logged once, with its sender (masked by bot/privacy.py's filter).
"""
from __future__ import annotations

import asyncio
import logging
import math
import os
import traceback
from typing import Any, Awaitable, Callable, Dict, Set

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Sanic

from channels.messaging.turn import TurnMessages

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
BUSY_RESPONSE = "utter_busy"
DEFAULT_AFTER_S = 20.0


def after_s_from_env(environ: Dict[str, str] | None = None) -> float:
    """`LATE_ANSWER_AFTER_S`: seconds a turn may take before the customer is told it comes later."""
    raw = (environ if environ is not None else os.environ).get("LATE_ANSWER_AFTER_S", "").strip()
    if not raw:
        return DEFAULT_AFTER_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"LATE_ANSWER_AFTER_S must be a number of seconds above 0, got {raw!r}")
    return value


def _busy_text_of_running_agent() -> str | None:
    variations = Sanic.get_app().ctx.agent.domain.responses.get(BUSY_RESPONSE) or []
    return variations[0].get("text") if variations else None


def _immediate(output: OutputChannel) -> OutputChannel:
    # A messaging channel's turn collector sends only when the turn ends (channels/messaging/
    # turn.py): the notice goes straight to the channel behind it, or it would come with the answer.
    return output.output if isinstance(output, TurnMessages) else output


def _described(error: BaseException | None) -> str:
    # The traceback goes in the log message itself, where the privacy filter masks it too: an
    # error's text may name the conversation (Rasa's LockError) or a phone (a platform's refusal).
    if error is None:
        return ""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__)).rstrip()


class LateAnswer:
    """Runs turns out of their caller's reach and tells the customer when one is late."""

    def __init__(
        self, after_s: float, busy_text: Callable[[], str | None] = _busy_text_of_running_agent
    ) -> None:
        self.after_s = after_s
        self._busy_text = busy_text
        self._turns: Set[asyncio.Task] = set()
        # Turns nobody waits for any more, with their sender: their failure is logged here.
        self._unattended: Dict[asyncio.Task, str] = {}

    def wrap(self, on_new_message: MessageHandler, *, keep_waiting: bool = False) -> MessageHandler:
        async def handler(message: UserMessage) -> Any:
            # Taken now: inner wrappers may replace the message's output channel.
            output, sender = message.output_channel, message.sender_id
            turn = self._start(on_new_message(message))
            try:
                done, _ = await asyncio.wait({turn}, timeout=self.after_s)
                if not done:
                    await self._notice(output, sender)
                    if not keep_waiting:
                        self._leave(turn, sender)
                        return None
                return await asyncio.shield(turn)
            except asyncio.CancelledError:
                # The caller is gone (client disconnected, response timeout): the turn is not.
                self._leave(turn, sender)
                raise

        return handler

    def _start(self, turn: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(turn)
        self._turns.add(task)
        task.add_done_callback(self._finished)
        return task

    def _leave(self, turn: asyncio.Task, sender: str) -> None:
        if turn.done():
            self._log_failure(turn, sender)
        else:
            self._unattended[turn] = sender

    def _finished(self, turn: asyncio.Task) -> None:
        self._turns.discard(turn)
        sender = self._unattended.pop(turn, None)
        if sender is not None:
            self._log_failure(turn, sender)

    @staticmethod
    def _log_failure(turn: asyncio.Task, sender: str) -> None:
        if turn.cancelled() or turn.exception() is None:
            return
        logger.error("the turn of %s, answered later, failed:\n%s", sender, _described(turn.exception()))

    async def _notice(self, output: OutputChannel, sender: str) -> None:
        logger.info("the turn of %s takes over %s s: the customer is told the answer follows", sender,
                    self.after_s)
        try:
            text = self._busy_text()
            if text:
                await _immediate(output).send_text_message(sender, text)
        except Exception as error:
            # A courtesy: the turn and its answer matter more.
            logger.warning("the late-answer notice for %s could not be sent:\n%s", sender, _described(error))

    async def drain(self) -> None:
        """Wait until every turn started so far is done (tests, shutdown)."""
        while self._turns:
            await asyncio.gather(*list(self._turns), return_exceptions=True)
