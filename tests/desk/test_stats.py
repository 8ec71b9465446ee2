"""The supervisor's figures over a real database (SQLite and PostgreSQL).

Handoffs are seeded directly as rows with the instants the engine would have
set, so each figure can be checked against numbers worked out by hand: the
queues now, daily reports in the company's time zone (a day ends at local
midnight, not UTC's), the containment rate, first response times, and the CSV.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Agent, ConversationDay, Handoff, HandoffEvent, HandoffMessage
from bot.db.session import make_session_factory, session_scope
from desk.stats import DeskStats, Report, _insert_day, report_csv
from tests.support.desk_history import seed_history
from tests.support.sync import run

T = TypeVar("T")
TZ = ZoneInfo("America/Asuncion")  # the default COMPANY_TIMEZONE: UTC-3 in December
DAY = date(2026, 12, 3)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant given in the company's time zone, as the UTC the database keeps."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(timezone.utc)


T0 = local(DAY, 15)


@pytest.fixture
def factory(empty_session_factory: sessionmaker) -> sessionmaker:
    return empty_session_factory


@pytest.fixture
def stats(factory: sessionmaker) -> DeskStats:
    return DeskStats(factory)


def add_agent(
    factory: sessionmaker, username: str, queues: list[str], presence: str = "online", **extra: Any
) -> int:
    with session_scope(factory) as session:
        agent = Agent(
            username=username,
            display_name=extra.pop("display_name", username.capitalize() + " Pérez"),
            queues=queues,
            presence=presence,
            **extra,
        )
        session.add(agent)
        session.flush()
        return int(agent.id)


def add_handoff(factory: sessionmaker, sender: str, created: datetime, **fields: Any) -> int:
    """A handoff row; closed unless told otherwise, waiting since its admission."""
    values: dict[str, Any] = {
        "channel": "telegram",
        "queue": "technical",
        "status": "closed",
        "reason_category": "technical",
        "reason_intent": "report_no_connection",
        "waiting_since": created,
    }
    values.update(fields)
    events = values.pop("events", ())
    messages = values.pop("messages", ())
    with session_scope(factory) as session:
        row = Handoff(sender_id=sender, created_at=created, updated_at=created, **values)
        session.add(row)
        session.flush()
        for kind, at in events:
            session.add(HandoffEvent(handoff_id=row.id, kind=kind, at=at))
        for author, at in messages:
            session.add(
                HandoffMessage(handoff_id=row.id, author=author, text="hola", at=at, event_ts=at.timestamp())
            )
        return int(row.id)


def add_conversation(factory: sessionmaker, sender: str, first_at: datetime, messages: int = 3) -> None:
    with session_scope(factory) as session:
        session.add(
            ConversationDay(
                sender_id=sender,
                day=first_at.date(),
                channel="telegram",
                first_at=first_at,
                messages=messages,
            )
        )


def conversation_rows(factory: sessionmaker) -> list[tuple[str, date, str, datetime, int]]:
    with session_scope(factory) as session:
        rows = session.execute(
            select(
                ConversationDay.sender_id,
                ConversationDay.day,
                ConversationDay.channel,
                ConversationDay.first_at,
                ConversationDay.messages,
            ).order_by(ConversationDay.sender_id, ConversationDay.day)
        ).all()
        return [tuple(row) for row in rows]


def report(stats: DeskStats, start: date, end: date | None = None) -> Report:
    return run(stats.report(start, end or start, TZ))


# --- counting conversations ---------------------------------------------------------------


def test_a_customers_messages_of_one_day_are_one_row_even_when_delivered_twice(
    stats: DeskStats, factory: sessionmaker
):
    run(stats.record_message("telegram:1", "telegram", T0))
    run(stats.record_message("telegram:1", "telegram", T0))  # the broker redelivered it
    run(stats.record_message("telegram:1", "whatsapp", T0 + timedelta(minutes=5)))
    # Delivered out of order: an earlier message of the same UTC day becomes its first.
    run(stats.record_message("telegram:1", "telegram", T0 - timedelta(hours=1)))
    run(stats.record_message("telegram:1", "telegram", T0 + timedelta(days=1)))
    run(stats.record_message("telegram:2", "webchat", T0))

    assert conversation_rows(factory) == [
        ("telegram:1", DAY, "telegram", T0 - timedelta(hours=1), 4),
        ("telegram:1", DAY + timedelta(days=1), "telegram", T0 + timedelta(days=1), 1),
        ("telegram:2", DAY, "webchat", T0, 1),
    ]


def test_the_day_is_the_utc_one_and_a_naive_instant_is_refused(stats: DeskStats, factory: sessionmaker):
    late_evening = local(DAY, 22)  # 01:00 UTC the next day
    run(stats.record_message("whatsapp:+595981000001", "whatsapp", late_evening))
    assert conversation_rows(factory)[0][1] == DAY + timedelta(days=1)
    with pytest.raises(ValueError):
        run(stats.record_message("whatsapp:+595981000001", "whatsapp", datetime(2026, 12, 3, 12, 0)))


def test_a_row_inserted_by_another_process_turns_the_insert_into_an_increment(
    database_url: str, factory: sessionmaker
):
    with session_scope(factory) as session:
        assert _insert_day(session, "telegram:9", "telegram", T0)
    with session_scope(factory) as session:  # the other process lost the race
        assert not _insert_day(session, "telegram:9", "telegram", T0)

    # Two desk processes (two engines) counting the same customer at once.
    other = make_session_factory(database_url)
    try:
        first, second = DeskStats(factory), DeskStats(other)

        async def both() -> None:
            await asyncio.gather(
                *(
                    (first if n % 2 else second).record_message("telegram:10", "telegram", T0)
                    for n in range(12)
                )
            )

        run(both())
    finally:
        other.kw["bind"].dispose()
    rows = {row[0]: row for row in conversation_rows(factory)}
    assert rows["telegram:9"][4] == 1
    assert rows["telegram:10"][4] == 12


# --- the queues now -----------------------------------------------------------------------


def test_now_counts_waiting_and_active_conversations_and_people_per_queue(
    stats: DeskStats, factory: sessionmaker
):
    add_agent(factory, "gabriela", ["technical", "general"], "online")
    add_agent(factory, "blanca", ["billing", "sales", "retention", "general"], "away")
    add_agent(factory, "carmen", ["*"], "online", role="supervisor")
    add_agent(factory, "diego", ["technical"], "offline")
    add_agent(factory, "ernesto", ["technical"], "online", active=False)  # account switched off
    add_handoff(factory, "t:1", T0 - timedelta(seconds=300), status="waiting")
    add_handoff(factory, "t:2", T0 - timedelta(seconds=60), status="waiting")
    add_handoff(factory, "t:3", T0 - timedelta(seconds=900), status="active")
    add_handoff(factory, "t:4", T0 - timedelta(seconds=3600), outcome="resolved")
    add_handoff(factory, "b:1", T0 - timedelta(seconds=30), status="waiting", queue="billing")

    technical = run(stats.now(T0, {"technical"}))
    assert [q.to_json() for q in technical.queues] == [
        {
            "queue": "technical",
            "label": "soporte técnico",
            "waiting": 2,
            "longest_wait_s": 300,
            "active": 1,
            "agents_online": 2,
            "agents_away": 0,
        }
    ]
    assert (technical.waiting, technical.active, technical.agents_online, technical.agents_away) == (
        2,
        1,
        2,
        0,
    )

    money = run(stats.now(T0, {"sales", "billing"}))
    assert [(q.queue, q.waiting, q.longest_wait_s, q.agents_online, q.agents_away) for q in money.queues] == [
        ("billing", 1, 30, 1, 1),
        ("sales", 0, None, 1, 1),
    ]
    everything = run(stats.now(T0, None))
    assert [q.queue for q in everything.queues] == ["technical", "billing", "sales", "retention", "general"]
    assert (everything.waiting, everything.active, everything.agents_online, everything.agents_away) == (
        3,
        1,
        2,
        1,
    )
    assert json.loads(json.dumps(everything.to_json()))["at"] == T0.isoformat()


# --- reports ------------------------------------------------------------------------------


def test_an_empty_range_has_every_day_with_zeros_and_no_rate(stats: DeskStats, factory: sessionmaker):
    add_agent(factory, "gabriela", ["technical"])
    add_agent(factory, "carmen", ["*"], role="supervisor")
    result = report(stats, DAY, DAY + timedelta(days=2))
    data = json.loads(json.dumps(result.to_json()))

    assert [d["day"] for d in data["days"]] == ["2026-12-03", "2026-12-04", "2026-12-05"]
    assert {d["conversations"] for d in data["days"]} == {0} and {d["handoffs"] for d in data["days"]} == {0}
    assert data["totals"]["containment"] is None
    assert data["totals"]["by_queue"] == {
        "technical": 0,
        "billing": 0,
        "sales": 0,
        "retention": 0,
        "general": 0,
    }
    assert data["totals"]["first_response"] == {"count": 0, "mean_s": None, "median_s": None}
    assert data["reasons"] == []
    # Working agents are listed with their zero; a supervisor who served nobody is not.
    assert [(a["agent"], a["handled"]) for a in data["agents"]] == [("gabriela", 0)]
    assert data["queues"][0] == {"key": "technical", "label": "soporte técnico"}

    with pytest.raises(ValueError):
        report(stats, DAY, DAY - timedelta(days=1))
    with pytest.raises(ValueError):
        report(stats, DAY, DAY + timedelta(days=366))


def test_a_day_ends_at_local_midnight_not_at_utc_midnight(stats: DeskStats, factory: sessionmaker):
    before = local(DAY, 23, 30)  # 02:30 UTC on the 4th, still the 3rd in Asunción
    after = local(DAY + timedelta(days=1), 0, 30)
    add_handoff(factory, "telegram:late", before)
    add_handoff(
        factory, "telegram:early", after, queue="billing", reason_category="billing", reason_intent=None
    )
    add_conversation(factory, "telegram:late", before - timedelta(minutes=5))
    add_conversation(factory, "telegram:early", after - timedelta(minutes=5))
    # One customer whose evening falls on two UTC days: one conversation on the local 3rd.
    add_conversation(factory, "telegram:evening", local(DAY, 17))
    add_conversation(factory, "telegram:evening", local(DAY, 22, 30))

    first = report(stats, DAY)
    assert (first.totals.handoffs, first.totals.conversations, first.totals.with_handoff) == (1, 2, 1)
    assert first.totals.by_queue["technical"] == 1 and first.totals.by_queue["billing"] == 0

    both = report(stats, DAY, DAY + timedelta(days=1))
    assert [(d.handoffs, d.conversations, d.with_handoff) for d in both.days] == [(1, 2, 1), (1, 1, 1)]
    assert [(label.key, label.label) for label in both.reasons] == [
        ("billing", "Facturación (otro motivo)"),  # no need intent: grouped by its category
        ("report_no_connection", "Cliente sin conexión a internet"),
    ]
    assert both.days[1].by_reason == {"billing": 1}


def test_containment_is_the_share_of_conversations_without_a_person(stats: DeskStats, factory: sessionmaker):
    for n in range(4):
        add_conversation(factory, f"telegram:{n}", local(DAY, 9 + n))
    add_handoff(factory, "telegram:0", local(DAY, 9, 10))
    add_handoff(factory, "telegram:0", local(DAY, 9, 40))  # a second handoff, the same conversation
    add_handoff(factory, "telegram:99", local(DAY, 10))  # not counted as a conversation (none on file)
    next_day = DAY + timedelta(days=1)
    add_conversation(factory, "telegram:5", local(next_day, 10))

    result = report(stats, DAY, DAY + timedelta(days=2))
    assert [(d.conversations, d.with_handoff, d.handoffs, d.containment) for d in result.days] == [
        (4, 1, 3, 0.75),
        (1, 0, 0, 1.0),
        (0, 0, 0, None),
    ]
    assert (result.totals.conversations, result.totals.with_handoff, result.totals.containment) == (5, 1, 0.8)


def test_first_response_per_agent_and_wait_to_accept_per_queue(stats: DeskStats, factory: sessionmaker):
    gabriela = add_agent(factory, "gabriela", ["technical", "general"], display_name="Gabriela Benítez")
    blanca = add_agent(factory, "blanca", ["billing"], display_name="Blanca Herrera")
    created = local(DAY, 10)
    for wait, reply in ((30, 30), (60, 90), (90, 60)):
        accepted = created + timedelta(seconds=wait)
        add_handoff(
            factory,
            f"t:{wait}",
            created,
            outcome="resolved",
            agent_id=gabriela,
            accepted_at=accepted,
            first_response_at=accepted + timedelta(seconds=reply),
        )
    add_handoff(  # accepted, never answered (released at once)
        factory,
        "b:1",
        created,
        queue="billing",
        outcome="released",
        agent_id=blanca,
        accepted_at=created + timedelta(seconds=20),
    )
    # Transferred to blanca: the first response on the row is gabriela's, before blanca accepted;
    # blanca's own is her first message after accepting, and her wait began at the transfer.
    transferred, accepted = created + timedelta(seconds=400), created + timedelta(seconds=460)
    add_handoff(
        factory,
        "b:2",
        created,
        queue="billing",
        outcome="resolved",
        agent_id=blanca,
        accepted_at=accepted,
        first_response_at=created + timedelta(seconds=200),
        events=[("accepted", created + timedelta(seconds=100)), ("transferred", transferred)],
        messages=[("agent", created + timedelta(seconds=200)), ("agent", accepted + timedelta(seconds=45))],
    )
    add_handoff(factory, "t:cb", created, outcome="callback")  # nobody took it

    result = report(stats, DAY)
    agents = {a.agent: a for a in result.agents}
    assert (agents["gabriela"].handled, agents["gabriela"].first_response.to_json()) == (
        3,
        {"count": 3, "mean_s": 60.0, "median_s": 60.0},
    )
    assert (agents["blanca"].handled, agents["blanca"].first_response.to_json()) == (
        2,
        {"count": 1, "mean_s": 45.0, "median_s": 45.0},
    )
    assert result.days[0].first_response.count == 4 and result.days[0].first_response.mean_s == 56.25
    times = {q.queue: (q.handoffs, q.wait_to_accept.to_json()) for q in result.queue_times}
    assert times["technical"] == (4, {"count": 3, "mean_s": 60.0, "median_s": 60.0})
    assert times["billing"] == (2, {"count": 2, "mean_s": 40.0, "median_s": 40.0})


def test_the_csv_has_one_row_per_day_then_one_per_agent(stats: DeskStats, factory: sessionmaker):
    gabriela = add_agent(factory, "gabriela", ["technical"], display_name="Gabriela Benítez")
    for n in range(4):
        add_conversation(factory, f"telegram:{n}", local(DAY, 9 + n))
    accepted = local(DAY, 9, 20)
    add_handoff(
        factory,
        "telegram:0",
        local(DAY, 9, 10),
        agent_id=gabriela,
        accepted_at=accepted,
        first_response_at=accepted + timedelta(seconds=61),
    )
    add_handoff(factory, "telegram:1", local(DAY, 10, 10), queue="sales", reason_category="sales")

    text = report_csv(report(stats, DAY, DAY + timedelta(days=1)))
    lines = text.splitlines()
    assert lines[0] == (
        "fecha,conversaciones,con_persona,contencion_pct,fila_technical,fila_billing,fila_sales,"
        "fila_retention,fila_general,primera_respuesta_media_s"
    )
    assert lines[1] == "2026-12-03,4,2,50.0,1,0,1,0,0,61.0"
    assert lines[2] == "2026-12-04,0,0,,0,0,0,0,0,"
    assert lines[3] == ""
    assert lines[4:] == [
        "agente,atendidas,primera_respuesta_media_s,primera_respuesta_mediana_s",
        "Gabriela Benítez,1,61.0,61.0",
    ]
    assert list(csv.reader(io.StringIO(text)))[5] == ["Gabriela Benítez", "1", "61.0", "61.0"]


# --- the history the browser tests chart --------------------------------------------------


def test_the_seeded_history_looks_like_a_real_fortnight(stats: DeskStats, factory: sessionmaker):
    seed_history(factory, 14, DAY, TZ)
    first = report(stats, DAY - timedelta(days=13), DAY)
    seed_history(factory, 14, DAY, TZ)  # a second call leaves the history alone
    assert report(stats, DAY - timedelta(days=13), DAY).to_json() == first.to_json()

    assert all(d.conversations > 0 and 0.70 <= (d.containment or 0) <= 0.85 for d in first.days)
    assert 0.70 <= (first.totals.containment or 0) <= 0.85
    assert sum(1 for n in first.totals.by_queue.values() if n) >= 4
    assert len(first.reasons) >= 6
    handled = {a.agent: a.handled for a in first.agents}
    assert handled["gabriela"] > 0 and handled["blanca"] > 0
    assert all(a.first_response.count for a in first.agents)
    assert first.totals.first_response.mean_s is not None
