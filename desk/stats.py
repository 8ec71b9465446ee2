"""The supervisor's figures: the queues right now, and daily reports of a date range.

Read-only over the handoff tables, plus `conversation_days`, which the desk fills
as the assistant's conversations come in (`record_message`): one row per
customer per UTC day, so the bot's containment rate (conversations that never
needed a person) has a denominator.

Every query is plain portable SQL (SQLite and PostgreSQL); the bucketing into
local days of the company's time zone is done in Python, which is cheap for
the at-most-a-year ranges a report covers and avoids each backend's own date
functions. Durations are derived from the handoff's instants as the engine
sets them (bot/handoff/engine.py): `created_at` is the admission,
`accepted_at` the latest acceptance, `first_response_at` the first agent message.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Agent, ConversationDay, Handoff, HandoffEvent, HandoffMessage, UtcDateTime
from bot.db.session import in_thread_session
from bot.handoff.context import queue_label, reason_subject
from bot.locale import texts
from bot.needs import Queue

T = TypeVar("T")

MAX_REPORT_DAYS = 366
QUEUES: tuple[str, ...] = tuple(queue.value for queue in Queue)  # the report's column order
# Back in line after these: the wait that ended in the latest acceptance started there.
_REQUEUE_EVENTS = ("transferred", "requeued")


# --- what the page consumes -------------------------------------------------------------


@dataclass(frozen=True)
class QueueNow:
    """One queue at this instant."""

    queue: str
    label: str
    waiting: int
    longest_wait_s: int | None  # None when nobody waits
    active: int
    agents_online: int
    agents_away: int

    def to_json(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "label": self.label,
            "waiting": self.waiting,
            "longest_wait_s": self.longest_wait_s,
            "active": self.active,
            "agents_online": self.agents_online,
            "agents_away": self.agents_away,
        }


@dataclass(frozen=True)
class NowSnapshot:
    """The queues now; the totals count each agent once, however many queues they serve."""

    at: datetime
    queues: tuple[QueueNow, ...]
    waiting: int
    active: int
    agents_online: int
    agents_away: int

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "queues": [queue.to_json() for queue in self.queues],
            "waiting": self.waiting,
            "active": self.active,
            "agents_online": self.agents_online,
            "agents_away": self.agents_away,
        }


@dataclass(frozen=True)
class Timing:
    """A set of durations in seconds; mean and median are None when there are none."""

    count: int
    mean_s: float | None
    median_s: float | None

    @classmethod
    def of(cls, seconds: Iterable[float]) -> Timing:
        values = list(seconds)
        if not values:
            return cls(0, None, None)
        return cls(len(values), statistics.fmean(values), float(statistics.median(values)))

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "mean_s": _round(self.mean_s, 1), "median_s": _round(self.median_s, 1)}


@dataclass(frozen=True)
class Label:
    key: str
    label: str

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label}


@dataclass(frozen=True)
class Figures:
    """One day's figures, or the whole range's (`day` None)."""

    day: date | None
    conversations: int  # customers who wrote to the assistant
    with_handoff: int  # of those, how many were handed to people (callbacks included)
    handoffs: int
    by_queue: dict[str, int]  # every queue of the report, zeros included
    by_reason: dict[str, int]  # only reasons that occurred
    first_response: Timing

    @property
    def containment(self) -> float | None:
        """Share of conversations the assistant handled without a person (0-1)."""
        if not self.conversations:
            return None
        return (self.conversations - self.with_handoff) / self.conversations

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"day": self.day.isoformat()} if self.day else {}
        data.update(
            conversations=self.conversations,
            with_handoff=self.with_handoff,
            containment=_round(self.containment, 4),
            handoffs=self.handoffs,
            by_queue=dict(self.by_queue),
            by_reason=dict(self.by_reason),
            first_response=self.first_response.to_json(),
        )
        return data


@dataclass(frozen=True)
class AgentFigures:
    agent: str  # username
    name: str  # display name
    handled: int  # handoffs of the range this agent accepted (the latest holder after transfers)
    first_response: Timing  # accepted_at -> first agent message

    def to_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "name": self.name,
            "handled": self.handled,
            "first_response": self.first_response.to_json(),
        }


@dataclass(frozen=True)
class QueueFigures:
    queue: str
    label: str
    handoffs: int
    wait_to_accept: Timing  # start of the last wait -> acceptance, accepted handoffs only

    def to_json(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "label": self.label,
            "handoffs": self.handoffs,
            "wait_to_accept": self.wait_to_accept.to_json(),
        }


@dataclass(frozen=True)
class Report:
    """Figures for the local days `start`..`end` (inclusive) in the time zone `timezone`."""

    start: date
    end: date
    timezone: str
    queues: tuple[Label, ...]  # column order, with Spanish labels
    reasons: tuple[Label, ...]  # reasons that occurred, most frequent first
    days: tuple[Figures, ...]  # every day of the range, empty ones included
    totals: Figures
    agents: tuple[AgentFigures, ...]
    queue_times: tuple[QueueFigures, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "timezone": self.timezone,
            "queues": [label.to_json() for label in self.queues],
            "reasons": [label.to_json() for label in self.reasons],
            "days": [day.to_json() for day in self.days],
            "totals": self.totals.to_json(),
            "agents": [agent.to_json() for agent in self.agents],
            "queue_times": [queue.to_json() for queue in self.queue_times],
        }


# --- the queries ------------------------------------------------------------------------


class DeskStats:
    def __init__(self, session_factory: sessionmaker) -> None:
        self._sessions = session_factory

    async def record_message(self, sender_id: str, channel: str, at: datetime) -> None:
        """Count a customer's message on its UTC day (a redelivery may count twice; the row stays one)."""
        if at.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        await self._run(_record_message, sender_id, channel, at.astimezone(timezone.utc))

    async def now(self, now: datetime, queues: set[str] | None = None) -> NowSnapshot:
        """Waiting and active conversations and agents per queue (`queues` None: every queue)."""
        return await self._run(_now, now, queues)

    async def report(self, start: date, end: date, tz: ZoneInfo) -> Report:
        """Daily figures of the local dates `start`..`end`, inclusive (at most a year)."""
        if end < start:
            raise ValueError(f"the range ends ({end}) before it starts ({start})")
        if (end - start).days + 1 > MAX_REPORT_DAYS:
            raise ValueError(f"a report covers at most {MAX_REPORT_DAYS} days")
        return await self._run(_report, start, end, tz)

    async def _run(self, work: Callable[..., T], *args: Any) -> T:
        return await in_thread_session(self._sessions, work, *args)


def _record_message(session: Session, sender_id: str, channel: str, at: datetime) -> None:
    # Nearly every message finds its row: try the increment first, insert only when it missed.
    if _increment_day(session, sender_id, at) or _insert_day(session, sender_id, channel, at):
        return
    # Another process inserted the row between our update and our insert: it exists now.
    _increment_day(session, sender_id, at)


def _increment_day(session: Session, sender_id: str, at: datetime) -> bool:
    earlier = sa.literal(at, UtcDateTime())
    changed = session.execute(
        update(ConversationDay)
        .where(ConversationDay.sender_id == sender_id, ConversationDay.day == at.date())
        .values(
            messages=ConversationDay.messages + 1,
            # A message delivered out of order may still be the day's first.
            first_at=sa.case((ConversationDay.first_at > earlier, earlier), else_=ConversationDay.first_at),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


def _insert_day(session: Session, sender_id: str, channel: str, at: datetime) -> bool:
    """Insert the day's row; False when it is already there (the unique constraint said so)."""
    try:
        with session.begin_nested():
            session.add(
                ConversationDay(sender_id=sender_id, day=at.date(), channel=channel, first_at=at, messages=1)
            )
    except IntegrityError:
        return False
    return True


def _now(session: Session, now: datetime, only: set[str] | None) -> NowSnapshot:
    open_rows = session.execute(
        select(Handoff.queue, Handoff.status, Handoff.waiting_since).where(
            Handoff.status.in_(("waiting", "active"))
        )
    ).all()
    agents = session.execute(
        select(Agent.id, Agent.presence, Agent.queues).where(
            Agent.active.is_(True), Agent.presence.in_(("online", "away"))
        )
    ).all()
    names = _queue_order(row.queue for row in open_rows) if only is None else _only(only)
    waits: dict[str, list[datetime]] = defaultdict(list)
    active: Counter[str] = Counter()
    for row in open_rows:
        if row.status == "waiting":
            waits[row.queue].append(row.waiting_since)
        else:
            active[row.queue] += 1
    shown = []
    online_ids: set[int] = set()
    away_ids: set[int] = set()
    for queue in names:
        serving = [a for a in agents if _serves(a.queues, queue)]
        online = {a.id for a in serving if a.presence == "online"}
        away = {a.id for a in serving if a.presence == "away"}
        online_ids |= online
        away_ids |= away
        oldest = min(waits[queue], default=None)
        shown.append(
            QueueNow(
                queue=queue,
                label=queue_label(queue),
                waiting=len(waits[queue]),
                longest_wait_s=None if oldest is None else max(0, int((now - oldest).total_seconds())),
                active=active[queue],
                agents_online=len(online),
                agents_away=len(away),
            )
        )
    return NowSnapshot(
        at=now,
        queues=tuple(shown),
        waiting=sum(q.waiting for q in shown),
        active=sum(q.active for q in shown),
        agents_online=len(online_ids),
        agents_away=len(away_ids),
    )


@dataclass(frozen=True)
class _Rows:
    """What a report is computed from, as read from the database."""

    handoffs: list[Any]  # rows of _HANDOFF_COLUMNS created in the range
    requeued_at: dict[int, datetime]  # latest transfer/requeue before the acceptance, by handoff
    later_reply: dict[int, datetime]  # first agent message after the acceptance, when needed
    conversations: list[Any]  # (sender_id, first_at) of conversation_days around the range
    agents: list[Any]


_HANDOFF_COLUMNS = (
    Handoff.id,
    Handoff.sender_id,
    Handoff.queue,
    Handoff.reason_category,
    Handoff.reason_intent,
    Handoff.created_at,
    Handoff.waiting_since,
    Handoff.accepted_at,
    Handoff.first_response_at,
    Handoff.agent_id,
)


def _report(session: Session, start: date, end: date, tz: ZoneInfo) -> Report:
    return _build(_load(session, start, end, tz), start, end, tz)


def _load(session: Session, start: date, end: date, tz: ZoneInfo) -> _Rows:
    since, until = _local_midnight(start, tz), _local_midnight(end + timedelta(days=1), tz)
    in_range = (Handoff.created_at >= since) & (Handoff.created_at < until)
    accepted = Handoff.accepted_at.is_not(None)
    # A transfer (or the agent going offline) puts a conversation back in line: its last wait
    # started at the latest such event before the acceptance, whatever waiting_since says.
    requeued_at = session.execute(
        select(HandoffEvent.handoff_id, func.max(HandoffEvent.at))
        .join(Handoff, Handoff.id == HandoffEvent.handoff_id)
        .where(in_range, accepted, HandoffEvent.kind.in_(_REQUEUE_EVENTS))
        .where(HandoffEvent.at <= Handoff.accepted_at)
        .group_by(HandoffEvent.handoff_id)
    ).all()
    # first_response_at is set once, so after a transfer it may be the previous agent's: the
    # latest holder's first response is then their first message after accepting.
    later_reply = session.execute(
        select(HandoffMessage.handoff_id, func.min(HandoffMessage.at))
        .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
        .where(in_range, accepted, HandoffMessage.author == "agent")
        .where(Handoff.first_response_at < Handoff.accepted_at, HandoffMessage.at >= Handoff.accepted_at)
        .group_by(HandoffMessage.handoff_id)
    ).all()
    # UTC days one either side: a local day straddles two UTC days.
    conversations = session.execute(
        select(ConversationDay.sender_id, ConversationDay.first_at).where(
            ConversationDay.day >= start - timedelta(days=1), ConversationDay.day <= end + timedelta(days=1)
        )
    ).all()
    agents = session.execute(
        select(Agent.id, Agent.username, Agent.display_name, Agent.role, Agent.active).order_by(
            Agent.username
        )
    ).all()
    return _Rows(
        handoffs=list(session.execute(select(*_HANDOFF_COLUMNS).where(in_range)).all()),
        requeued_at=dict(requeued_at),
        later_reply=dict(later_reply),
        conversations=list(conversations),
        agents=list(agents),
    )


def _build(rows: _Rows, start: date, end: date, tz: ZoneInfo) -> Report:
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    # conversation_days is keyed by UTC day; a customer's local day is the one of their first
    # message of that UTC day, and two UTC rows falling on one local day count once.
    talked: dict[date, set[str]] = defaultdict(set)
    for sender_id, first_at in rows.conversations:
        day = first_at.astimezone(tz).date()
        if start <= day <= end:
            talked[day].add(sender_id)

    queues = _queue_order(row.queue for row in rows.handoffs)
    reason_labels: dict[str, str] = {}
    reason_of: dict[int, str] = {}
    response_s: dict[int, float] = {}
    per_day: dict[date, list[Any]] = defaultdict(list)
    for row in rows.handoffs:
        per_day[row.created_at.astimezone(tz).date()].append(row)
        key, reason_labels[key] = _reason(row.reason_intent, row.reason_category)
        reason_of[row.id] = key
        seconds = _first_response_s(row.accepted_at, row.first_response_at, rows.later_reply.get(row.id))
        if seconds is not None:
            response_s[row.id] = seconds

    def figures(day: date | None, handoffs: list[Any], conversations: int, with_handoff: int) -> Figures:
        by_queue = dict.fromkeys(queues, 0)
        by_queue.update(Counter(row.queue for row in handoffs))
        return Figures(
            day=day,
            conversations=conversations,
            with_handoff=with_handoff,
            handoffs=len(handoffs),
            by_queue=by_queue,
            by_reason=dict(Counter(reason_of[row.id] for row in handoffs)),
            first_response=Timing.of(response_s[row.id] for row in handoffs if row.id in response_s),
        )

    daily = tuple(
        # Only conversations on file count as handed off, so the rate never goes below zero.
        figures(day, per_day[day], len(talked[day]), len(talked[day] & {r.sender_id for r in per_day[day]}))
        for day in days
    )
    totals = figures(
        None, rows.handoffs, sum(d.conversations for d in daily), sum(d.with_handoff for d in daily)
    )
    by_agent: dict[int, list[Any]] = defaultdict(list)
    for row in rows.handoffs:
        if row.agent_id is not None:
            by_agent[row.agent_id].append(row)
    agents = tuple(
        AgentFigures(
            agent=agent.username,
            name=agent.display_name,
            handled=len(by_agent[agent.id]),
            first_response=Timing.of(response_s[r.id] for r in by_agent[agent.id] if r.id in response_s),
        )
        for agent in rows.agents
        # Every working agent is listed (a zero says something too); others only if they served.
        if by_agent[agent.id] or (agent.active and agent.role == "agent")
    )
    waits: dict[str, list[float]] = defaultdict(list)
    for row in rows.handoffs:
        if row.accepted_at is not None:
            began = max(row.waiting_since, rows.requeued_at.get(row.id, row.waiting_since))
            waits[row.queue].append(max(0.0, (row.accepted_at - began).total_seconds()))
    reasons = sorted(totals.by_reason, key=lambda key: (-totals.by_reason[key], key))
    return Report(
        start=start,
        end=end,
        timezone=str(tz.key),
        queues=tuple(Label(queue, queue_label(queue)) for queue in queues),
        reasons=tuple(Label(key, reason_labels[key]) for key in reasons),
        days=daily,
        totals=totals,
        agents=agents,
        queue_times=tuple(
            QueueFigures(queue, queue_label(queue), totals.by_queue[queue], Timing.of(waits[queue]))
            for queue in queues
        ),
    )


# --- the CSV export ---------------------------------------------------------------------


def report_csv(report: Report) -> str:
    """The report for a spreadsheet: one row per day, a blank line, then one row per agent.

    Plain numbers with a dot (no thousands separator), empty cells where there is
    nothing to measure. The caller encodes it as UTF-8 (with a BOM if Excel must
    guess the encoding right).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["fecha", "conversaciones", "con_persona", "contencion_pct"]
        + [f"fila_{label.key}" for label in report.queues]
        + ["primera_respuesta_media_s"]
    )
    for day in report.days:
        assert day.day is not None
        pct = None if day.containment is None else 100 * day.containment
        writer.writerow(
            [day.day.isoformat(), day.conversations, day.with_handoff, _number(pct)]
            + [day.by_queue.get(label.key, 0) for label in report.queues]
            + [_number(day.first_response.mean_s)]
        )
    writer.writerow([])
    writer.writerow(["agente", "atendidas", "primera_respuesta_media_s", "primera_respuesta_mediana_s"])
    for agent in report.agents:
        timing = agent.first_response
        writer.writerow([agent.name, agent.handled, _number(timing.mean_s), _number(timing.median_s)])
    return out.getvalue()


# --- helpers ----------------------------------------------------------------------------


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    # A midnight skipped by a daylight-saving change resolves to the instant of the change.
    return datetime.combine(day, time(), tz).astimezone(timezone.utc)


def _serves(queues: list[str] | None, queue: str) -> bool:
    return "*" in (queues or ()) or queue in (queues or ())


def _queue_order(seen: Iterable[str]) -> tuple[str, ...]:
    """Every known queue in its usual order, then any other queue found, alphabetically."""
    return QUEUES + tuple(sorted(set(seen) - set(QUEUES)))


def _only(queues: set[str]) -> tuple[str, ...]:
    """The queues asked for, known ones in their usual order first."""
    return tuple(q for q in QUEUES if q in queues) + tuple(sorted(queues - set(QUEUES)))


def _reason(intent: str | None, category: str) -> tuple[str, str]:
    """The reason's key and Spanish label: the need intent when known, else its category.

    A person asked for with no other need is one reason, whichever way it was recorded.
    """
    if category == "human" and not (intent and intent in texts()["ticket_subjects"]):
        intent = "request_human"
    if intent and intent in texts()["ticket_subjects"]:
        return intent, reason_subject(intent)
    return category, texts()["desk"]["reason_categories"].get(category, category)


def _first_response_s(
    accepted: datetime | None, first_response: datetime | None, later_reply: datetime | None
) -> float | None:
    if accepted is None or first_response is None:
        return None
    if first_response < accepted:
        first_response = later_reply  # the previous holder's reply; theirs, if any, came later
        if first_response is None:
            return None
    return (first_response - accepted).total_seconds()


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _number(value: float | None) -> str:
    """A spreadsheet-friendly decimal: one digit after the dot, empty when unknown."""
    return "" if value is None else f"{value:.1f}"
