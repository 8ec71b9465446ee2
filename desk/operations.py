"""What an agent can do to a handed-off conversation, shared by the handoff API and the web desk.

Each operation changes the engine's state, wakes the runner (so a release or
a close is felt at once, not at the next tick) and tells every open inbox
(desk/live.py). Refusals are the engine's exceptions: HandoffNotFound and
HandoffConflict, with a Spanish reason an agent can read.
"""

from __future__ import annotations

from datetime import datetime

from bot.handoff.engine import HandoffConflict, HandoffEngine
from bot.handoff.records import AgentView, HandoffView, Presence, Status
from desk.live import REFRESH, Change, LiveHub
from desk.rasa_control import RasaControl
from desk.runner import Runner


def change_of(view: HandoffView, previous_queue: str | None = None) -> Change:
    return Change(view.id, view.queue, view.status.value, previous_queue)


class DeskOperations:
    def __init__(self, engine: HandoffEngine, control: RasaControl, runner: Runner, live: LiveHub) -> None:
        self.engine = engine
        self.control = control
        self.runner = runner
        self.live = live

    def now(self) -> datetime:
        return self.runner.clock()

    async def _changed(self, view: HandoffView, previous_queue: str | None = None) -> HandoffView:
        self.runner.wake()
        await self.live.publish(change_of(view, previous_queue))
        return view

    async def accept(self, handoff_id: int, agent: str) -> HandoffView:
        return await self._changed(await self.engine.accept(handoff_id, agent, self.now()))

    async def send(self, handoff_id: int, text: str, agent: str | None = None) -> HandoffView:
        """Write to the customer as the agent who holds the conversation (`agent`: only if it is them)."""
        view = await self.engine.get(handoff_id)
        if view.status is Status.CLOSED:
            raise HandoffConflict("la conversación ya terminó")
        if view.status is not Status.ACTIVE or view.agent is None:
            raise HandoffConflict("acepte la conversación antes de escribir al cliente")
        if agent is not None and view.agent != agent:
            raise HandoffConflict("la conversación la atiende otra persona")
        await self.control.send_agent_message(view.sender_id, text, view.agent, view.agent_name or view.agent)
        await self.engine.agent_replied(handoff_id, self.now())
        return await self._changed(view)

    async def transfer(
        self, handoff_id: int, *, queue: str | None, agent: str | None, note: str
    ) -> HandoffView:
        before = await self.engine.get(handoff_id)
        view = await self.engine.transfer(handoff_id, self.now(), queue=queue, agent=agent, note=note)
        return await self._changed(view, before.queue)

    async def release(self, handoff_id: int) -> HandoffView:
        return await self._changed(await self.engine.release(handoff_id, self.now()))

    async def close(self, handoff_id: int, note: str) -> HandoffView:
        return await self._changed(await self.engine.close(handoff_id, note, self.now()))

    async def complete_callback(self, handoff_id: int, agent: str, note: str) -> HandoffView:
        return await self._changed(await self.engine.complete_callback(handoff_id, agent, note, self.now()))

    async def set_presence(self, username: str, presence: Presence) -> AgentView:
        agent = await self.engine.set_presence(username, presence, self.now())
        self.runner.wake()
        # Going offline puts the agent's conversations back in line: every inbox looks again.
        await self.live.publish(REFRESH)
        return agent
