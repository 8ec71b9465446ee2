"""A deterministic, realistic history of handoffs and conversations, for the supervisor's charts.

`seed_history` writes `days` local days ending on `today`: every day a few dozen
customers write to the assistant (fewer at weekends), about one in five is handed
to people (so the containment rate stays within 70-85 % every day), in the
queues their need belongs to, taken by the demo agents gabriela (technical,
general) and blanca (billing, sales, retention, general). Out of hours or with a
full line the customer gets a callback; otherwise the agent accepts, answers
and the conversation ends resolved, released, silent, or abandoned while
waiting. Only closed handoffs are written: the live queues stay empty.

The same arguments give the same rows; a database that already holds a history
is left alone. Every instant of `today` is written, even ones later than the clock.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Agent, ConversationDay, Handoff, HandoffEvent, HandoffMessage
from bot.db.session import session_scope
from bot.needs import need_spec
from demo.agents import load_agents

AGENTS = ("gabriela", "blanca")
MARK = ":hist-"  # in every sender id of the history (how a second call recognises it)
OPENS, CLOSES = time(8, 0), time(20, 0)  # outside these a handoff is a callback
_INTENTS = {  # weights: what customers who need a person came for
    "report_no_connection": 24,
    "report_slow_connection": 14,
    "report_intermittent": 9,
    "wifi_help": 5,
    "billing_charge_dispute": 10,
    "billing_balance": 6,
    "billing_payment": 5,
    "sales_inquiry": 9,
    "cancel_service": 6,
    "ticket_status": 4,
    "request_human": 5,
    "": 3,  # no need recognised: grouped by the category "human"
}
_CHANNELS = {"whatsapp": 5, "telegram": 3, "webchat": 2}
# Local hours customers write in; none after 21:59, so a handoff (minutes later) stays on the day.
_HOURS = {
    7: 2,
    8: 5,
    9: 8,
    10: 9,
    11: 8,
    12: 5,
    13: 5,
    14: 6,
    15: 6,
    16: 6,
    17: 7,
    18: 7,
    19: 6,
    20: 4,
    21: 3,
}
_NAMES = (
    "María Benítez",
    "Jorge Giménez",
    "Ana Martínez",
    "Luis Ortiz",
    "Rosa Villalba",
    "Pedro Duarte",
    None,
)


def seed_history(session_factory: sessionmaker, days: int, today: date, tz: tzinfo) -> None:
    """Write `days` days of history ending on `today` (local dates in `tz`), once per database."""
    rng = random.Random(f"desk-history:{today.isoformat()}:{days}")
    with session_scope(session_factory) as session:
        if session.execute(
            select(ConversationDay.id).where(ConversationDay.sender_id.contains(MARK))
        ).first():
            return
        agents = _agents(session)
        for offset in range(days - 1, -1, -1):
            _day(session, rng, today - timedelta(days=offset), tz, agents)


def _agents(session: Session) -> dict[str, Agent]:
    """gabriela and blanca as demo/agents.yml describes them, added when missing."""
    found = {
        a.username: a for a in session.execute(select(Agent).where(Agent.username.in_(AGENTS))).scalars()
    }
    for spec in load_agents():
        if spec["username"] in AGENTS and spec["username"] not in found:
            agent = Agent(
                username=spec["username"],
                display_name=spec["name"],
                queues=list(spec["queues"]),
                presence="offline",
                max_chats=3,
            )
            session.add(agent)
            found[agent.username] = agent
    session.flush()
    return found


def _day(session: Session, rng: random.Random, day: date, tz: tzinfo, agents: dict[str, Agent]) -> None:
    count = rng.randint(35, 55) if day.weekday() < 5 else rng.randint(18, 28)
    handed = set(rng.sample(range(count), round(count * rng.uniform(0.17, 0.26))))
    for n in range(count):
        channel = _pick(rng, _CHANNELS)
        sender = f"{channel}{MARK}{day:%Y%m%d}-{n:03d}"
        local = datetime.combine(day, time(_pick(rng, _HOURS), rng.randrange(60), rng.randrange(60)), tz)
        first_at = local.astimezone(timezone.utc)
        session.add(
            ConversationDay(
                sender_id=sender,
                day=first_at.date(),
                channel=channel,
                first_at=first_at,
                messages=rng.randint(3, 24),
            )
        )
        if n in handed:
            _handoff(session, rng, sender, channel, first_at, local.time(), agents)


def _handoff(
    session: Session,
    rng: random.Random,
    sender: str,
    channel: str,
    first_at: datetime,
    local_time: time,
    agents: dict[str, Agent],
) -> None:
    intent = _pick(rng, _INTENTS) or None
    spec = need_spec(intent)
    queue = spec.queue.value if spec else "general"
    created = first_at + timedelta(seconds=rng.randint(90, 720))
    row = Handoff(
        sender_id=sender,
        channel=channel,
        queue=queue,
        status="closed",
        reason_category=spec.need.value if spec else "human",
        reason_intent=intent,
        reason_text="",
        customer_name=rng.choice(_NAMES),
        verified=rng.random() < 0.6,
        recap="",
        context={},
        created_at=created,
        waiting_since=created,
    )
    session.add(row)
    session.flush()
    events: list[tuple[str, datetime, str | None, str | None]] = []
    messages: list[tuple[str, datetime, str | None, str]] = [
        ("customer", created - timedelta(seconds=20), None, "quiero hablar con una persona")
    ]
    roll = rng.random()
    if not OPENS <= local_time < CLOSES:
        _end(row, "callback", created, {"end_reason": "closed"})
        events.append(("callback", created, None, "closed"))
    elif roll < 0.07:  # nobody took it in time
        ended = created + timedelta(seconds=600)
        _end(row, "callback", ended, {"end_reason": "timeout"})
        events += [("queued", created, None, None), ("callback", ended, None, "timeout")]
    elif roll < 0.12:  # the customer gave up waiting
        ended = created + timedelta(seconds=rng.randint(60, 400))
        _end(row, "abandoned", ended, {"end_reason": "left"})
        events += [("queued", created, None, None), ("abandoned", ended, None, "left")]
        messages.append(("customer", ended - timedelta(seconds=2), None, "mejor no, gracias"))
    else:
        agent = agents[_agent_for(rng, queue)]
        accepted = created + timedelta(seconds=round(rng.lognormvariate(4.3, 0.7)))  # about 75 s, long tail
        replied = accepted + timedelta(seconds=rng.randint(12, 150))
        ended = replied + timedelta(seconds=rng.randint(180, 1500))
        outcome = _pick(rng, {"resolved": 70, "released": 20, "silent": 10})
        row.agent_id = row.assigned_agent_id = agent.id
        row.accepted_at, row.first_response_at = accepted, replied
        row.last_agent_at = replied
        _end(row, outcome, ended, {"end_reason": "silence"} if outcome == "silent" else {})
        if outcome == "resolved":
            row.resolution_note = "Caso atendido por la persona."
        events += [
            ("queued", created, None, None),
            ("accepted", accepted, agent.username, None),
            (outcome, ended, agent.username, None),
        ]
        first = agent.display_name.split()[0]
        messages += [
            ("agent", replied, agent.display_name, f"Hola, soy {first}. Ya leí su caso, le ayudo."),
            ("customer", replied + timedelta(seconds=40), None, "gracias"),
        ]
    for kind, at, username, note in events:
        session.add(HandoffEvent(handoff_id=row.id, kind=kind, at=at, agent=username, queue=queue, note=note))
    for author, at, agent_name, text in messages:
        session.add(
            HandoffMessage(
                handoff_id=row.id,
                author=author,
                agent_name=agent_name,
                text=text,
                at=at,
                event_ts=at.timestamp(),
            )
        )


def _end(row: Handoff, outcome: str, ended: datetime, context: dict[str, Any]) -> None:
    row.outcome, row.ended_at, row.updated_at = outcome, ended, ended
    row.context = context
    if outcome == "callback":
        row.callback_after = ended


def _agent_for(rng: random.Random, queue: str) -> str:
    if queue == "technical":
        return "gabriela"
    if queue == "general":
        return rng.choice(AGENTS)
    return "blanca"


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
