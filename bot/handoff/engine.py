"""The handoff engine: the state machine of DESIGN §4 over the application database.

```
 bot ──(asks for a person)──> waiting ──(agent accepts)──> active ──(release)──> bot
 waiting ──(no agent in time | out of hours | customer prefers a call)──> callback ──> bot
 active ──(close)──> closed (resolved)        active ──(customer silent)──> bot, told
```

Every method takes the current instant (`now`) instead of reading a clock, so
tests drive time, and keeps nothing in memory: timers are instants in the
rows, and what must still be said to the customer is the row's
`pending_action`, run and retried by the desk (desk/runner.py). The action
server (admission) and the desk (agents, broker events, timers) share one
engine over one database; transitions are conditional updates, so two desk
processes never both accept, release or time out the same conversation.
"""

from __future__ import annotations

import logging
import math
import statistics
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Agent, Handoff, HandoffEvent, HandoffMessage
from bot.db.session import in_thread_session
from bot.handoff.hours import BusinessHours
from bot.handoff.records import (
    Admission,
    AgentView,
    Author,
    ContextPackage,
    HandoffRef,
    HandoffView,
    Outcome,
    PendingAction,
    PendingWork,
    Presence,
    Status,
    TranscriptLine,
    agent_of,
)
from bot.handoff.waiting import WaitingChoice, waiting_choice
from bot.ports.tickets import AnswerAuthor, TicketDesk
from bot.settings import HandoffSettings

T = TypeVar("T")
logger = logging.getLogger(__name__)

OPEN_STATUSES = (Status.WAITING.value, Status.ACTIVE.value)
# Bot messages that follow a handoff's end (the resumption) still belong to its transcript.
_AFTER_END = timedelta(seconds=60)
_CLAIM_FOR = timedelta(seconds=30)  # a desk that died mid-push leaves the work to another after this
_RETRY_AFTER = timedelta(seconds=5)
_WAIT_HISTORY = 30  # accepted conversations the estimated wait is taken from
_QUIET_AFTER_NEWS = timedelta(seconds=10)  # a waiting customer's message gets news, not more often


class HandoffError(Exception):
    """A request the engine refuses; the message says why, for the API's answer."""


class HandoffNotFound(HandoffError):
    pass


class HandoffConflict(HandoffError):
    """The conversation or agent is not in a state that allows this (already accepted, closed…)."""


@dataclass(frozen=True)
class AdmissionResult:
    """What asking for a person led to, with what the customer must be told."""

    kind: Admission
    handoff: HandoffView
    position: int | None = None
    estimated_wait_min: int | None = None
    opens_at: datetime | None = None  # out of hours: when people are back


class HandoffEngine:
    def __init__(
        self,
        session_factory: sessionmaker,
        settings: HandoffSettings,
        hours: BusinessHours,
        tickets: TicketDesk | None = None,
    ) -> None:
        self._sessions = session_factory
        self.settings = settings
        self.hours = hours
        self._tickets = tickets

    # --- asking for a person (the action server) ----------------------------------------

    async def admit(self, package: ContextPackage, now: datetime) -> AdmissionResult:
        """Queue the conversation for a person, or promise a callback when nobody can take it."""
        return await self._run(self._admit, package, now)

    def _admit(self, session: Session, package: ContextPackage, now: datetime) -> AdmissionResult:
        existing = self._open_row(session, package.sender_id)
        if existing is not None:
            return AdmissionResult(
                Admission.ALREADY_WAITING,
                self._view(session, existing),
                self._position(session, existing),
                self._estimate(session, existing, now),
            )
        is_open = self.hours.is_open(package.queue, now)
        online = [
            a for a in self._agents(session) if a.presence is Presence.ONLINE and a.serves(package.queue)
        ]
        row = Handoff(
            sender_id=package.sender_id,
            channel=package.channel,
            queue=package.queue,
            reason_category=package.reason_category,
            reason_intent=package.reason_intent,
            reason_text=package.reason_text[:4000],
            customer_id=package.customer_id,
            customer_name=package.customer_name,
            verified=package.verified,
            service_number=package.service_number,
            plan_name=package.plan_name,
            recap=package.recap,
            context=package.context,
            ticket_number=package.ticket_number,
            waiting_since=now,
            created_at=now,
            updated_at=now,
        )
        if is_open and online:
            row.status = Status.WAITING.value
            row.next_news_at = now + timedelta(seconds=self.settings.news_interval_s)
            row.wait_deadline_at = now + timedelta(seconds=self.settings.max_wait_s)
            session.add(row)
            session.flush()
            self._assign(session, row)
            self._event(session, row, "queued", now, queue=row.queue)
            self._store_transcript(session, row, package.transcript)
            session.flush()
            return AdmissionResult(
                Admission.WAITING,
                self._view(session, row),
                self._position(session, row),
                self._estimate(session, row, now),
            )
        opens_at = None if is_open else self.hours.next_opening(package.queue, now)
        row.status, row.outcome = Status.CLOSED.value, Outcome.CALLBACK.value
        row.ended_at, row.callback_after = now, opens_at or now
        row.context = {**package.context, "end_reason": "nobody" if is_open else "closed"}
        session.add(row)
        session.flush()
        self._event(session, row, Outcome.CALLBACK.value, now, note=row.context["end_reason"])
        self._store_transcript(session, row, package.transcript)
        session.flush()
        return AdmissionResult(Admission.CALLBACK, self._view(session, row), opens_at=opens_at)

    # --- reading ------------------------------------------------------------------------

    async def get(self, handoff_id: int) -> HandoffView:
        return await self._run(lambda s: self._view(s, self._row(s, handoff_id)))

    async def latest_for(self, sender_id: str) -> HandoffView | None:
        """The sender's most recent handoff, open or not (the actions the desk runs read it)."""

        def latest(session: Session) -> HandoffView | None:
            row = session.execute(
                select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc()).limit(1)
            ).scalar_one_or_none()
            return self._view(session, row) if row else None

        return await self._run(latest)

    async def conversations(
        self,
        status: Status | None = None,
        queue: str | None = None,
        outcome: Outcome | None = None,
        *,
        queues: Collection[str] | None = None,
        limit: int = 500,
    ) -> list[HandoffView]:
        """Handoffs by status, queue (or any of `queues`), outcome; oldest first if waiting, else newest."""

        def listing(session: Session) -> list[HandoffView]:
            query = select(Handoff)
            if status is not None:
                query = query.where(Handoff.status == status.value)
            if queue is not None:
                query = query.where(Handoff.queue == queue)
            if queues is not None:
                query = query.where(Handoff.queue.in_(list(queues)))
            if outcome is not None:  # the callbacks promised, say
                query = query.where(Handoff.outcome == outcome.value)
            order = Handoff.waiting_since if status is Status.WAITING else Handoff.id.desc()
            rows = session.execute(query.order_by(order).limit(limit)).scalars().all()
            return [self._view(session, row) for row in rows]

        return await self._run(listing)

    async def transcript(self, handoff_id: int) -> list[TranscriptLine]:
        def lines(session: Session) -> list[TranscriptLine]:
            self._row(session, handoff_id)
            rows = session.execute(
                select(HandoffMessage)
                .where(HandoffMessage.handoff_id == handoff_id)
                .order_by(HandoffMessage.event_ts, HandoffMessage.id)
            ).scalars()
            return [TranscriptLine(Author(m.author), m.text, m.at, m.event_ts, m.agent_name) for m in rows]

        return await self._run(lines)

    async def agents(self) -> list[AgentView]:
        return await self._run(self._agents)

    async def agent(self, username: str) -> AgentView:
        def one(session: Session) -> AgentView:
            for agent in self._agents(session):
                if agent.username == username:
                    return agent
            raise HandoffNotFound(f"no hay un agente '{username}'")

        return await self._run(one)

    # --- agents -------------------------------------------------------------------------

    async def set_presence(self, username: str, presence: Presence, now: datetime) -> AgentView:
        def change(session: Session) -> AgentView:
            agent = self._agent_row(session, username)
            agent.presence = presence.value
            agent.updated_at = now
            session.flush()
            if presence is Presence.OFFLINE:
                # Nobody is left talking to a void: the agent's conversations go back in line.
                for row in session.execute(
                    select(Handoff).where(Handoff.status == Status.ACTIVE.value, Handoff.agent_id == agent.id)
                ).scalars():
                    self._back_in_line(session, row, now)
                    self._event(session, row, "requeued", now, agent=username, queue=row.queue)
            for row in self._waiting_rows(session):
                self._assign(session, row)
            return next(a for a in self._agents(session) if a.username == username)

        return await self._run(change)

    async def upsert_agent(
        self, username: str, display_name: str, queues: Iterable[str], max_chats: int | None = None
    ) -> AgentView:
        """Create or update an agent (the seed and the accounts command use it)."""

        def upsert(session: Session) -> AgentView:
            row = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
            if row is None:
                row = Agent(username=username, presence=Presence.OFFLINE.value)
                session.add(row)
            row.display_name, row.queues = display_name, sorted(set(queues))
            row.max_chats = max_chats or self.settings.agent_max_chats
            session.flush()
            return next(a for a in self._agents(session) if a.username == username)

        return await self._run(upsert)

    async def accept(self, handoff_id: int, username: str, now: datetime) -> HandoffView:
        def accept(session: Session) -> HandoffView:
            agent = self._agent_row(session, username)
            row = self._row(session, handoff_id)
            if row.status == Status.ACTIVE.value:
                raise HandoffConflict("otra persona ya tomó esta conversación")
            if row.status != Status.WAITING.value:
                raise HandoffConflict("esta conversación ya terminó")
            if not _serves(agent, row.queue):
                raise HandoffConflict(f"{username} no atiende la fila {row.queue}")
            if agent.presence == Presence.OFFLINE.value:
                # The customer would hear that someone took the case who is not there.
                raise HandoffConflict("póngase en línea para aceptar conversaciones")
            taken = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == Status.WAITING.value)
                .values(
                    status=Status.ACTIVE.value,
                    agent_id=agent.id,
                    assigned_agent_id=agent.id,
                    accepted_at=now,
                    next_news_at=None,
                    wait_deadline_at=None,
                    updated_at=now,
                    pending_action=PendingAction.ACCEPTED.value,  # the customer hears who took it
                    pending_claimed_until=None,
                )
            ).rowcount
            if not taken:
                raise HandoffConflict("otra persona ya tomó esta conversación")
            session.expire(row)
            self._event(session, row, "accepted", now, agent=username)
            return self._view(session, row)

        return await self._run(accept)

    async def transfer(
        self,
        handoff_id: int,
        now: datetime,
        *,
        queue: str | None = None,
        agent: str | None = None,
        note: str = "",
    ) -> HandoffView:
        """Back to waiting, in another queue or for one agent, with a note for whoever takes it."""

        def transfer(session: Session) -> HandoffView:
            row = self._row(session, handoff_id)
            if row.status not in OPEN_STATUSES:
                raise HandoffConflict(f"la conversación {handoff_id} ya terminó")
            target_queue = queue or row.queue
            target = self._agent_row(session, agent) if agent else None
            if target is not None:
                if target.presence != Presence.ONLINE.value:
                    raise HandoffConflict(f"{agent} no está en línea")
                if target.id == row.agent_id and row.status == Status.ACTIVE.value:
                    raise HandoffConflict(f"{agent} ya atiende esta conversación")
            elif not self.hours.is_open(target_queue, now):
                raise HandoffConflict(f"la fila {target_queue} está fuera de horario")
            elif not any(
                a.presence is Presence.ONLINE and a.serves(target_queue) for a in self._agents(session)
            ):
                raise HandoffConflict(f"no hay nadie en línea en la fila {target_queue}")
            row.queue = target_queue
            row.status = Status.WAITING.value
            row.agent_id = None
            row.assigned_agent_id = target.id if target else None
            row.accepted_at = None
            row.note = note or None
            row.next_news_at = now + timedelta(seconds=self.settings.news_interval_s)
            row.wait_deadline_at = now + timedelta(seconds=self.settings.max_wait_s)
            row.pending_action, row.pending_claimed_until = PendingAction.TRANSFERRED.value, None
            row.updated_at = now
            session.flush()
            if target is None:
                self._assign(session, row)
            self._event(session, row, "transferred", now, agent=agent, queue=target_queue, note=note or None)
            return self._view(session, row)

        return await self._run(transfer)

    async def release(self, handoff_id: int, now: datetime) -> HandoffView:
        """The agent gives the conversation back to the bot, which greets the customer back."""
        return await self._end(handoff_id, now, Outcome.RELEASED, {Status.ACTIVE.value})

    async def close(self, handoff_id: int, note: str, now: datetime) -> HandoffView:
        """The agent closes with a resolution note; it goes on the ticket too."""
        view = await self._end(handoff_id, now, Outcome.RESOLVED, {Status.ACTIVE.value}, note=note)
        if self._tickets is not None and view.ticket_number and note:
            try:
                await self._tickets.add_answer(view.ticket_number, AnswerAuthor.AGENT, note)
            except Exception:  # the ticket system is down: the note stays on the handoff
                logger.exception("could not add the resolution note to ticket %s", view.ticket_number)
        return view

    async def complete_callback(
        self, handoff_id: int, username: str, note: str, now: datetime
    ) -> HandoffView:
        """A promised callback done: who called, when, and what came of it (kept in the row's context)."""

        def complete(session: Session) -> HandoffView:
            row = self._row(session, handoff_id)
            if row.outcome != Outcome.CALLBACK.value:
                raise HandoffConflict("esta conversación no tiene una llamada pendiente")
            if (row.context or {}).get("callback_done"):
                raise HandoffConflict("esta llamada ya se registró como hecha")
            done = {"by": username, "at": now.isoformat()}
            row.context = {**(row.context or {}), "callback_done": done}
            row.resolution_note, row.updated_at = note, now
            self._event(session, row, "callback_done", now, agent=username, note=note)
            return self._view(session, row)

        return await self._run(complete)

    async def agent_replied(self, handoff_id: int, now: datetime) -> None:
        """An agent's message reached the customer: first response time and the silence clock."""

        def replied(session: Session) -> None:
            row = self._row(session, handoff_id)
            row.first_response_at = row.first_response_at or now
            row.last_agent_at = now
            row.updated_at = now

        await self._run(replied)

    async def _end(
        self,
        handoff_id: int,
        now: datetime,
        outcome: Outcome,
        allowed: set[str],
        note: str | None = None,
    ) -> HandoffView:
        def end(session: Session) -> HandoffView:
            row = self._row(session, handoff_id)
            if row.status not in allowed:
                raise HandoffConflict(
                    "esta conversación ya terminó"
                    if row.status == Status.CLOSED.value
                    else "esta conversación todavía espera a una persona: acéptela o transfiérala"
                )
            self._finish(session, row, outcome, now, PendingAction.RESUME, note=note)
            return self._view(session, row)

        return await self._run(end)

    # --- what Rasa's event broker reports (the desk's consumer) ---------------------------

    async def record(self, sender_id: str, event: dict[str, Any], now: datetime) -> HandoffRef | None:
        """A conversation event: the transcript of an open handoff grows; a waiting customer may choose.

        Returns the handoff the event belongs to (None: a conversation with the bot alone).
        """
        kind = event.get("event")
        if kind not in {"user", "bot", "restart"}:
            return None
        return await self._run(self._record, sender_id, event, now)

    def _record(
        self, session: Session, sender_id: str, event: dict[str, Any], now: datetime
    ) -> HandoffRef | None:
        row = self._record_in(session, sender_id, event, now)
        if row is None:
            return None
        return HandoffRef(row.id, row.queue, Status(row.status))

    def _record_in(
        self, session: Session, sender_id: str, event: dict[str, Any], now: datetime
    ) -> Handoff | None:
        kind = event["event"]
        row = self._open_row(session, sender_id)
        if kind == "restart":
            if row is not None:
                self._finish(session, row, Outcome.ABANDONED, now, None, note="restart")
            return row
        at = _event_time(event, now)
        if row is None:
            # The bot's return belongs to the transcript, and so does a message the customer
            # sent just before the agent closed (its event arrives after the close).
            ended = self._recently_ended(session, sender_id, now)
            if ended is not None and (kind == "bot" or at <= ended.ended_at):
                row = ended
        if row is None:
            return None
        metadata = event.get("metadata") or {}
        author = Author.CUSTOMER if kind == "user" else Author.BOT
        agent_name = agent_of(metadata) if kind == "bot" else None
        if agent_name is not None:
            author = Author.AGENT
        text = event.get("text")
        if not text and kind == "user":
            text = _attachment_note(metadata)
        if not text:
            return row
        stamp = float(event.get("timestamp") or 0)
        if not self._add_message(session, row, author, str(text), at, stamp, agent_name):
            return row  # a redelivery
        if author is Author.CUSTOMER and row.status in OPEN_STATUSES:
            row.last_customer_at = now  # the engine's clock, as every timer (not the event's)
            row.updated_at = now
            if row.status == Status.WAITING.value:
                self._customer_choice(session, row, str(text), now)
        return row

    def _customer_choice(self, session: Session, row: Handoff, text: str, now: datetime) -> None:
        """A waiting customer's message: a callback, leaving the line, or news now.

        Anything else ("¿cuánto falta?", "hola?? sigue alguien ahí") also gets news at
        once, unless news just went out: a question is never left unanswered for a minute.
        """
        choice = waiting_choice(text)
        if choice is WaitingChoice.CALLBACK:
            self._finish(session, row, Outcome.CALLBACK, now, PendingAction.CALLBACK, note="chosen")
            row.callback_after = now
            return
        if choice is WaitingChoice.LEAVE:
            self._finish(session, row, Outcome.ABANDONED, now, PendingAction.RESUME, note="left")
            return
        interval = timedelta(seconds=self.settings.news_interval_s)
        last_news = (row.next_news_at or now) - interval
        if choice is WaitingChoice.KEEP_WAITING or last_news <= now - _QUIET_AFTER_NEWS:
            if row.pending_action is None:
                row.pending_action, row.pending_claimed_until = PendingAction.NEWS.value, None
            row.next_news_at = now + interval

    # --- timers -------------------------------------------------------------------------

    async def tick(self, now: datetime) -> int:
        """Due timers become pending actions; the number of conversations that changed."""
        return await self._run(self._tick, now)

    def _tick(self, session: Session, now: datetime) -> int:
        changed = 0
        for row in self._waiting_rows(session):
            if not self.hours.is_open(row.queue, now):
                self._finish(session, row, Outcome.CALLBACK, now, PendingAction.CALLBACK, note="closed")
                row.callback_after = self.hours.next_opening(row.queue, now) or now
            elif row.wait_deadline_at is not None and row.wait_deadline_at <= now:
                self._finish(session, row, Outcome.CALLBACK, now, PendingAction.CALLBACK, note="timeout")
                row.callback_after = now
            elif row.next_news_at is not None and row.next_news_at <= now:
                if row.pending_action is None:
                    row.pending_action = PendingAction.NEWS.value
                row.next_news_at = now + timedelta(seconds=self.settings.news_interval_s)
            else:
                if row.assigned_agent_id is None or not self._is_online(session, row.assigned_agent_id):
                    self._assign(session, row)
                continue
            changed += 1
        silence = timedelta(seconds=self.settings.silence_timeout_s)
        active = session.execute(select(Handoff).where(Handoff.status == Status.ACTIVE.value)).scalars()
        for row in active:
            spoke_last = row.last_agent_at is not None and (
                row.last_customer_at is None or row.last_customer_at <= row.last_agent_at
            )
            if spoke_last and row.last_agent_at + silence <= now:
                self._finish(session, row, Outcome.SILENT, now, PendingAction.RESUME, note="silence")
                changed += 1
        return changed

    async def claim_pending(self, now: datetime, limit: int = 20) -> list[PendingWork]:
        """Pending actions to run now, claimed for a while so another desk process leaves them."""

        def claim(session: Session) -> list[PendingWork]:
            rows = session.execute(
                select(Handoff.id, Handoff.sender_id, Handoff.pending_action)
                .where(Handoff.pending_action.is_not(None))
                .where((Handoff.pending_claimed_until.is_(None)) | (Handoff.pending_claimed_until <= now))
                .order_by(Handoff.updated_at)
                .limit(limit)
            ).all()
            work = []
            for handoff_id, sender_id, action in rows:
                claimed = session.execute(
                    update(Handoff)
                    .where(Handoff.id == handoff_id, Handoff.pending_action == action)
                    .where((Handoff.pending_claimed_until.is_(None)) | (Handoff.pending_claimed_until <= now))
                    .values(pending_claimed_until=now + _CLAIM_FOR)
                ).rowcount
                if claimed:
                    work.append(PendingWork(handoff_id, sender_id, PendingAction(action)))
            return work

        return await self._run(claim)

    async def pending_done(self, work: PendingWork) -> None:
        def done(session: Session) -> None:
            session.execute(
                update(Handoff)
                .where(Handoff.id == work.handoff_id, Handoff.pending_action == work.action.value)
                .values(pending_action=None, pending_claimed_until=None)
            )

        await self._run(done)

    async def pending_failed(self, work: PendingWork, now: datetime) -> None:
        """Try again shortly (Rasa restarting, say); nothing said to the customer is dropped."""

        def failed(session: Session) -> None:
            session.execute(
                update(Handoff)
                .where(Handoff.id == work.handoff_id, Handoff.pending_action == work.action.value)
                .values(pending_claimed_until=now + _RETRY_AFTER)
            )

        await self._run(failed)

    # --- helpers ------------------------------------------------------------------------

    async def _run(self, work: Callable[..., T], *args: Any) -> T:
        return await in_thread_session(self._sessions, work, *args)

    def _back_in_line(self, session: Session, row: Handoff, now: datetime) -> None:
        """Waiting again (a transfer, the agent gone offline), with a fresh wait and the customer told."""
        row.status = Status.WAITING.value
        row.agent_id = row.assigned_agent_id = None
        row.accepted_at = None
        row.next_news_at = now + timedelta(seconds=self.settings.news_interval_s)
        row.wait_deadline_at = now + timedelta(seconds=self.settings.max_wait_s)
        row.pending_action, row.pending_claimed_until = PendingAction.TRANSFERRED.value, None
        row.context = {**(row.context or {}), "reserved_for": None}
        row.updated_at = now

    def _finish(
        self,
        session: Session,
        row: Handoff,
        outcome: Outcome,
        now: datetime,
        pending: PendingAction | None,
        note: str | None = None,
    ) -> None:
        row.status, row.outcome, row.ended_at = Status.CLOSED.value, outcome.value, now
        row.next_news_at = row.wait_deadline_at = None
        row.pending_action = pending.value if pending else None
        row.pending_claimed_until = None
        row.updated_at = now
        if outcome is Outcome.RESOLVED:
            row.resolution_note = note
        elif note:  # why it ended, for what the customer is told (actions/handoff.py)
            row.context = {**(row.context or {}), "end_reason": note}
        agent = session.get(Agent, row.agent_id).username if row.agent_id else None
        self._event(session, row, outcome.value, now, agent=agent, note=note)

    @staticmethod
    def _event(
        session: Session,
        row: Handoff,
        kind: str,
        now: datetime,
        *,
        agent: str | None = None,
        queue: str | None = None,
        note: str | None = None,
    ) -> None:
        session.add(HandoffEvent(handoff_id=row.id, kind=kind, at=now, agent=agent, queue=queue, note=note))

    @staticmethod
    def _add_message(
        session: Session,
        row: Handoff,
        author: Author,
        text: str,
        at: datetime,
        event_ts: float,
        agent_name: str | None = None,
    ) -> bool:
        """Add a transcript line unless that event is already there (at-least-once delivery)."""
        exists = session.execute(
            select(HandoffMessage.id).where(
                HandoffMessage.handoff_id == row.id,
                HandoffMessage.author == author.value,
                HandoffMessage.event_ts == event_ts,
            )
        ).first()
        if exists:
            return False
        try:
            with session.begin_nested():
                session.add(
                    HandoffMessage(
                        handoff_id=row.id,
                        author=author.value,
                        text=text,
                        at=at,
                        event_ts=event_ts,
                        agent_name=agent_name,
                    )
                )
        except IntegrityError:
            return False
        return True

    def _store_transcript(self, session: Session, row: Handoff, lines: Iterable[TranscriptLine]) -> None:
        for line in lines:
            self._add_message(session, row, line.author, line.text, line.at, line.event_ts, line.agent_name)

    @staticmethod
    def _open_row(session: Session, sender_id: str) -> Handoff | None:
        return session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
            .order_by(Handoff.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    @staticmethod
    def _recently_ended(session: Session, sender_id: str, now: datetime) -> Handoff | None:
        return session.execute(
            select(Handoff)
            .where(Handoff.sender_id == sender_id, Handoff.ended_at.is_not(None))
            .where(Handoff.ended_at >= now - _AFTER_END)
            .order_by(Handoff.id.desc())
            .limit(1)
        ).scalar_one_or_none()

    @staticmethod
    def _row(session: Session, handoff_id: int) -> Handoff:
        row = session.get(Handoff, handoff_id)
        if row is None:
            raise HandoffNotFound(f"no hay una conversación {handoff_id}")
        return row

    @staticmethod
    def _agent_row(session: Session, username: str) -> Agent:
        row = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
        if row is None:
            raise HandoffNotFound(f"no hay un agente '{username}'")
        return row

    @staticmethod
    def _waiting_rows(session: Session) -> list[Handoff]:
        return list(
            session.execute(
                select(Handoff).where(Handoff.status == Status.WAITING.value).order_by(Handoff.waiting_since)
            ).scalars()
        )

    @staticmethod
    def _is_online(session: Session, agent_id: int) -> bool:
        agent = session.get(Agent, agent_id)
        return agent is not None and agent.presence == Presence.ONLINE.value

    @staticmethod
    def _agents(session: Session) -> list[AgentView]:
        active = dict(
            session.execute(
                select(Handoff.agent_id, func.count())
                .where(Handoff.status == Status.ACTIVE.value, Handoff.agent_id.is_not(None))
                .group_by(Handoff.agent_id)
            ).all()
        )
        return [
            AgentView(
                username=a.username,
                display_name=a.display_name,
                presence=Presence(a.presence),
                queues=tuple(a.queues or ()),
                max_chats=a.max_chats,
                active_chats=int(active.get(a.id, 0)),
            )
            for a in session.execute(select(Agent).order_by(Agent.username)).scalars()
        ]

    def _assign(self, session: Session, row: Handoff) -> None:
        """Propose the least busy online agent of the queue with room for one more (None if all are full).

        A transfer to a named agent keeps that agent. Any agent of the queue may
        still pick the conversation (accept); the proposal is who is expected to.
        """
        reserved = (row.context or {}).get("reserved_for")
        if reserved and row.assigned_agent_id is not None and self._is_online(session, row.assigned_agent_id):
            return
        candidates = [
            a
            for a in self._agents(session)
            if a.presence is Presence.ONLINE and a.serves(row.queue) and a.active_chats < a.max_chats
        ]
        if not candidates:
            row.assigned_agent_id = None
            return
        chosen = min(candidates, key=lambda a: (a.active_chats / a.max_chats, a.active_chats, a.username))
        row.assigned_agent_id = self._agent_row(session, chosen.username).id

    @staticmethod
    def _position(session: Session, row: Handoff) -> int | None:
        if row.status != Status.WAITING.value:
            return None

        ahead = session.execute(
            select(func.count())
            .select_from(Handoff)
            .where(
                Handoff.status == Status.WAITING.value,
                Handoff.queue == row.queue,
                (Handoff.waiting_since < row.waiting_since)
                | ((Handoff.waiting_since == row.waiting_since) & (Handoff.id < row.id)),
            )
        ).scalar_one()
        return int(ahead) + 1

    def _estimate(self, session: Session, row: Handoff, now: datetime) -> int | None:
        """Minutes until a person takes it: recent waits in the queue × place ÷ people online."""
        position = self._position(session, row)
        if position is None:
            return None
        recent = session.execute(
            select(Handoff.waiting_since, Handoff.accepted_at)
            .where(Handoff.queue == row.queue, Handoff.accepted_at.is_not(None))
            .where(Handoff.accepted_at >= now - timedelta(days=7))
            .order_by(Handoff.accepted_at.desc())
            .limit(_WAIT_HISTORY)
        ).all()
        if not recent:
            return None
        typical_s = statistics.median((accepted - since).total_seconds() for since, accepted in recent)
        online = len(
            [a for a in self._agents(session) if a.presence is Presence.ONLINE and a.serves(row.queue)]
        )
        return max(1, math.ceil(typical_s * position / max(online, 1) / 60))

    async def estimate(self, handoff_id: int, now: datetime) -> tuple[int | None, int | None]:
        """(place in the queue, estimated minutes) of a waiting conversation."""

        def estimate(session: Session) -> tuple[int | None, int | None]:
            row = self._row(session, handoff_id)
            return self._position(session, row), self._estimate(session, row, now)

        return await self._run(estimate)

    def _view(self, session: Session, row: Handoff) -> HandoffView:
        agent = session.get(Agent, row.agent_id) if row.agent_id else None
        assigned = session.get(Agent, row.assigned_agent_id) if row.assigned_agent_id else None
        return HandoffView(
            id=row.id,
            sender_id=row.sender_id,
            channel=row.channel,
            queue=row.queue,
            status=Status(row.status),
            outcome=Outcome(row.outcome) if row.outcome else None,
            reason_category=row.reason_category,
            reason_intent=row.reason_intent,
            reason_text=row.reason_text,
            customer_id=row.customer_id,
            customer_name=row.customer_name,
            verified=bool(row.verified),
            service_number=row.service_number,
            plan_name=row.plan_name,
            recap=row.recap,
            ticket_number=row.ticket_number,
            assigned_agent=assigned.username if assigned else None,
            agent=agent.username if agent else None,
            agent_name=agent.display_name if agent else None,
            note=row.note,
            resolution_note=row.resolution_note,
            created_at=row.created_at,
            waiting_since=row.waiting_since,
            accepted_at=row.accepted_at,
            ended_at=row.ended_at,
            callback_after=row.callback_after,
            position=self._position(session, row),
            notes=tuple(event.note for event in row.events if event.kind == "transferred" and event.note),
            context=dict(row.context or {}),
        )


def _serves(agent: Agent, queue: str) -> bool:
    queues = agent.queues or []
    return "*" in queues or queue in queues


def _event_time(event: dict[str, Any], now: datetime) -> datetime:
    stamp = event.get("timestamp")
    try:
        return datetime.fromtimestamp(float(stamp), tz=timezone.utc) if stamp else now
    except (TypeError, ValueError, OverflowError):
        return now


def _attachment_note(metadata: dict[str, Any]) -> str | None:
    """A message with no text but an attachment (a photo on WhatsApp) still reaches the person."""
    from bot.locale import texts

    attachments = metadata.get("attachments") or metadata.get("media")
    return texts()["handoff"]["attachment_only"] if attachments else None
