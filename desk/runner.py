"""The desk's two loops: timers that become pending actions, and broker events into the engine.

Both only read and write the database (bot/handoff/engine.py); what must be
said to the customer is run through Rasa (desk/rasa_control.py) and retried
until Rasa takes it, so a restart of the desk or of Rasa loses no news and no
resumption. `wake()` runs the loop at once after an API call or an event
instead of at the next tick, so an agent's release is felt immediately.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timezone
from typing import Awaitable, Callable

from bot.handoff.engine import HandoffEngine
from desk.events import RasaEvent
from desk.live import REFRESH, Change, LiveHub
from desk.rasa_control import RasaControl, RasaUnavailable

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# Told of every customer message (sender, channel, when): the supervisor's traffic figures.
MessageCounter = Callable[[str, str, datetime], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Runner:
    def __init__(
        self,
        engine: HandoffEngine,
        control: RasaControl,
        clock: Clock = utc_now,
        tick_s: float = 1.0,
        live: LiveHub | None = None,
        count_message: MessageCounter | None = None,
    ) -> None:
        self.engine = engine
        self.control = control
        self.clock = clock
        self.tick_s = tick_s
        self.live = live or LiveHub()
        self.count_message = count_message
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Due timers, then every pending action; the number of actions Rasa ran."""
        now = self.clock()
        if await self.engine.tick(now):
            await self.live.publish(REFRESH)  # timers moved conversations: every inbox looks again
        ran = 0
        for work in await self.engine.claim_pending(now):
            try:
                await self.control.execute(work.sender_id, work.action.value)
            except RasaUnavailable as error:
                logger.warning("handoff %s: %s; retrying shortly", work.handoff_id, error)
                await self.engine.pending_failed(work, now)
                continue
            await self.engine.pending_done(work)
            ran += 1
        return ran

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # the database went away a moment: the next tick tries again
                logger.exception("handoff timers failed; trying again")
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.tick_s)

    async def on_event(self, event: RasaEvent) -> None:
        """A conversation event from Rasa's broker: the transcript, and a waiting customer's choice."""
        now = self.clock()
        touched = await self.engine.record(event.sender_id, event.data, now)
        if touched is not None:
            await self.live.publish(Change(touched.id, touched.queue, touched.status.value))
        if event.data.get("event") == "user":
            self.wake()
            if self.count_message is not None:
                channel = str(event.data.get("input_channel") or "desconocido")[:40]
                stamp = event.data.get("timestamp")
                at = datetime.fromtimestamp(stamp, timezone.utc) if isinstance(stamp, (int, float)) else now
                await self.count_message(event.sender_id, channel, at)
