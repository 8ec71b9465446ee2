"""The handoff engine over a real database, with the clock in the test's hands.

Every timer is driven by passing `now`: news at most a minute apart, no agent in
time, out of hours on a public holiday, the customer's own choice, a silent
customer, and a restart mid-wait (a second engine on the same database goes on
where the first one was).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.tickets import LocalTicketDesk
from bot.handoff.engine import HandoffConflict, HandoffEngine, HandoffNotFound
from bot.handoff.hours import BusinessHours, Closure, parse_agent_hours
from bot.handoff.records import (
    Admission,
    Author,
    ContextPackage,
    Outcome,
    PendingAction,
    Presence,
    Status,
    TranscriptLine,
)
from bot.ports.tickets import AnswerAuthor, TicketCategory
from bot.settings import HandoffSettings
from tests.support.sync import run

T = TypeVar("T")
TZ = ZoneInfo("America/Asuncion")
# A Thursday afternoon in Asunción; 2026-12-08 (a Tuesday) is Virgen de Caacupé, a public holiday.
T0 = datetime(2026, 12, 3, 15, 0, tzinfo=TZ).astimezone(timezone.utc)
SETTINGS = HandoffSettings(news_interval_s=60, max_wait_s=600, silence_timeout_s=900, agent_max_chats=2)


def engine_on(factory: sessionmaker, hours: str = "", closures: tuple[Closure, ...] = ()) -> HandoffEngine:
    calendar = BusinessHours(parse_agent_hours(hours), "PY", TZ, closures)
    return HandoffEngine(factory, SETTINGS, calendar, LocalTicketDesk(factory))


@pytest.fixture
def engine(seeded_session_factory: sessionmaker) -> HandoffEngine:
    engine = engine_on(seeded_session_factory)
    run(engine.upsert_agent("gabriela", "Gabriela Benítez", ["technical", "general"]))
    run(engine.upsert_agent("blanca", "Blanca Herrera", ["billing", "sales", "retention"]))
    run(engine.upsert_agent("carmen", "Carmen Ruiz", ["*"]))
    return engine


def package(sender: str = "telegram:1", queue: str = "technical", **extra: Any) -> ContextPackage:
    values: dict[str, Any] = {
        "sender_id": sender,
        "channel": "telegram",
        "queue": queue,
        "reason_category": "technical",
        "reason_intent": "report_no_connection",
        "reason_text": "no tengo internet desde ayer",
        "recap": "Motivo: Cliente sin conexión a internet.",
        "customer_id": None,
        "customer_name": "María Benítez",
        "verified": True,
        "service_number": 1001,
        "plan_name": "Fibra 100",
        "transcript": (
            TranscriptLine(Author.CUSTOMER, "hola, no tengo internet", T0 - timedelta(seconds=30), 100.0),
            TranscriptLine(Author.BOT, "Lamento el inconveniente", T0 - timedelta(seconds=29), 101.0),
        ),
    }
    values.update(extra)
    return ContextPackage(**values)


def online(engine: HandoffEngine, *usernames: str) -> None:
    for username in usernames:
        run(engine.set_presence(username, Presence.ONLINE, T0))


def pending(engine: HandoffEngine, now: datetime) -> list[tuple[str, PendingAction]]:
    work = run(engine.claim_pending(now))
    for item in work:
        run(engine.pending_done(item))
    return [(item.sender_id, item.action) for item in work]


def user(text: str, stamp: float, **metadata: Any) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": stamp, "metadata": metadata}


# --- admission ---------------------------------------------------------------------------


def test_with_someone_online_the_customer_waits_in_line_with_the_context_stored(engine: HandoffEngine):
    online(engine, "gabriela")
    first = run(engine.admit(package("telegram:1"), T0))
    second = run(engine.admit(package("telegram:2"), T0 + timedelta(seconds=5)))

    assert first.kind is Admission.WAITING and first.position == 1
    assert second.kind is Admission.WAITING and second.position == 2
    assert first.handoff.assigned_agent == "gabriela" and first.estimated_wait_min is None
    view = run(engine.get(first.handoff.id))
    assert (view.status, view.customer_name, view.verified, view.service_number) == (
        Status.WAITING,
        "María Benítez",
        True,
        1001,
    )
    assert [(line.author, line.text) for line in run(engine.transcript(view.id))] == [
        (Author.CUSTOMER, "hola, no tengo internet"),
        (Author.BOT, "Lamento el inconveniente"),
    ]
    assert [v.id for v in run(engine.conversations(Status.WAITING))] == [first.handoff.id, second.handoff.id]


def test_asking_again_while_waiting_keeps_the_place(engine: HandoffEngine):
    online(engine, "gabriela")
    first = run(engine.admit(package(), T0))
    again = run(engine.admit(package(), T0 + timedelta(seconds=20)))
    assert again.kind is Admission.ALREADY_WAITING and again.handoff.id == first.handoff.id
    assert again.position == 1


def test_with_nobody_online_a_callback_is_promised_at_once(engine: HandoffEngine):
    result = run(engine.admit(package(), T0))
    assert result.kind is Admission.CALLBACK and result.opens_at is None
    view = result.handoff
    assert (view.status, view.outcome, view.callback_after) == (Status.CLOSED, Outcome.CALLBACK, T0)
    assert view.context["end_reason"] == "nobody"


def test_on_a_public_holiday_the_callback_is_for_the_next_opening(seeded_session_factory: sessionmaker):
    engine = engine_on(seeded_session_factory)
    run(engine.upsert_agent("gabriela", "Gabriela Benítez", ["technical"]))
    holiday = datetime(2026, 12, 8, 10, 0, tzinfo=TZ).astimezone(timezone.utc)
    run(engine.set_presence("gabriela", Presence.ONLINE, holiday))  # online, but the day is a holiday

    result = run(engine.admit(package(), holiday))

    assert result.kind is Admission.CALLBACK
    assert result.opens_at == datetime(2026, 12, 9, 0, 0, tzinfo=TZ).astimezone(timezone.utc)
    assert result.handoff.context["end_reason"] == "closed"


def test_business_hours_per_queue_decide_admission(seeded_session_factory: sessionmaker):
    engine = engine_on(seeded_session_factory, hours="billing=mon-fri 08:00-12:00 14:00-18:00")
    run(engine.upsert_agent("blanca", "Blanca Herrera", ["billing", "technical"]))
    noon = datetime(2026, 12, 3, 13, 0, tzinfo=TZ).astimezone(timezone.utc)  # between the two shifts
    run(engine.set_presence("blanca", Presence.ONLINE, noon))

    billing = run(engine.admit(package("web:1", queue="billing"), noon))
    technical = run(engine.admit(package("web:2", queue="technical"), noon))

    assert billing.kind is Admission.CALLBACK
    assert billing.opens_at == datetime(2026, 12, 3, 14, 0, tzinfo=TZ).astimezone(timezone.utc)
    assert technical.kind is Admission.WAITING  # the technical queue keeps the default: all day


# --- waiting -----------------------------------------------------------------------------


def test_news_come_at_most_a_minute_apart(engine: HandoffEngine):
    online(engine, "gabriela")
    run(engine.admit(package(), T0))

    run(engine.tick(T0 + timedelta(seconds=59)))
    assert pending(engine, T0 + timedelta(seconds=59)) == []
    run(engine.tick(T0 + timedelta(seconds=60)))
    assert pending(engine, T0 + timedelta(seconds=60)) == [("telegram:1", PendingAction.NEWS)]
    run(engine.tick(T0 + timedelta(seconds=119)))
    assert pending(engine, T0 + timedelta(seconds=119)) == []
    run(engine.tick(T0 + timedelta(seconds=120)))
    assert pending(engine, T0 + timedelta(seconds=120)) == [("telegram:1", PendingAction.NEWS)]


def test_news_not_taken_by_rasa_are_tried_again(engine: HandoffEngine):
    online(engine, "gabriela")
    run(engine.admit(package(), T0))
    run(engine.tick(T0 + timedelta(seconds=60)))
    [work] = run(engine.claim_pending(T0 + timedelta(seconds=60)))
    assert run(engine.claim_pending(T0 + timedelta(seconds=61))) == []  # claimed by this desk
    run(engine.pending_failed(work, T0 + timedelta(seconds=61)))
    assert run(engine.claim_pending(T0 + timedelta(seconds=62))) == []
    assert [w.action for w in run(engine.claim_pending(T0 + timedelta(seconds=67)))] == [PendingAction.NEWS]


def test_no_agent_in_time_leaves_a_callback(engine: HandoffEngine):
    online(engine, "gabriela")
    result = run(engine.admit(package(), T0))
    run(engine.tick(T0 + timedelta(seconds=599)))
    assert run(engine.get(result.handoff.id)).status is Status.WAITING
    run(engine.tick(T0 + timedelta(seconds=600)))

    view = run(engine.get(result.handoff.id))
    assert (view.status, view.outcome, view.context["end_reason"]) == (
        Status.CLOSED,
        Outcome.CALLBACK,
        "timeout",
    )
    assert pending(engine, T0 + timedelta(seconds=600)) == [("telegram:1", PendingAction.CALLBACK)]


def test_a_queue_closing_mid_wait_leaves_a_callback_for_its_next_opening(
    seeded_session_factory: sessionmaker,
):
    closing = Closure(day=date(2026, 12, 3), start=datetime(2026, 12, 3, 15, 5).time(), end=None)
    engine = engine_on(seeded_session_factory, closures=(closing,))
    run(engine.upsert_agent("gabriela", "Gabriela Benítez", ["technical"]))
    online(engine, "gabriela")
    result = run(engine.admit(package(), T0))

    run(engine.tick(T0 + timedelta(minutes=5)))

    view = run(engine.get(result.handoff.id))
    assert (view.outcome, view.context["end_reason"]) == (Outcome.CALLBACK, "closed")
    assert view.callback_after == datetime(2026, 12, 4, 0, 0, tzinfo=TZ).astimezone(timezone.utc)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("prefiero que me llamen", PendingAction.CALLBACK),
        ("No puedo esperar más, déjenlo en un ticket", PendingAction.CALLBACK),
        ("Sigo esperando", PendingAction.NEWS),
        ("dale, espero", PendingAction.NEWS),
        ("es que ya reinicié el módem y nada", PendingAction.NEWS),  # for the person, and news at once
        ("cuánto falta??", PendingAction.NEWS),
        ("ya no hace falta, chau", PendingAction.RESUME),  # leaves the line: the bot is back
    ],
)
def test_what_a_waiting_customer_writes_decides_or_just_reaches_the_person(
    engine: HandoffEngine, reply: str, expected: PendingAction | None
):
    online(engine, "gabriela")
    result = run(engine.admit(package(), T0))
    run(engine.record("telegram:1", user(reply, 200.0), T0 + timedelta(seconds=10)))

    assert pending(engine, T0 + timedelta(seconds=10)) == ([("telegram:1", expected)] if expected else [])
    view = run(engine.get(result.handoff.id))
    assert view.status is (Status.WAITING if expected is PendingAction.NEWS else Status.CLOSED)
    assert run(engine.transcript(view.id))[-1].text == reply


def test_a_question_right_after_news_waits_for_the_next_news(engine: HandoffEngine):
    online(engine, "gabriela")
    run(engine.admit(package(), T0))
    run(engine.tick(T0 + timedelta(seconds=60)))
    assert pending(engine, T0 + timedelta(seconds=60)) == [("telegram:1", PendingAction.NEWS)]

    run(engine.record("telegram:1", user("y cuánto falta?", 600.0), T0 + timedelta(seconds=65)))
    assert pending(engine, T0 + timedelta(seconds=65)) == []  # news went out 5 s ago
    run(engine.record("telegram:1", user("hola??", 601.0), T0 + timedelta(seconds=75)))
    assert pending(engine, T0 + timedelta(seconds=75)) == [("telegram:1", PendingAction.NEWS)]


def test_the_customer_hears_who_accepted_and_an_agent_going_offline_puts_them_back_in_line(
    engine: HandoffEngine,
):
    online(engine, "gabriela", "carmen")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))
    assert pending(engine, T0) == [("telegram:1", PendingAction.ACCEPTED)]

    run(engine.set_presence("gabriela", Presence.OFFLINE, T0 + timedelta(minutes=2)))

    back = run(engine.get(view.id))
    assert (back.status, back.agent, back.assigned_agent) == (Status.WAITING, None, "carmen")
    assert pending(engine, T0 + timedelta(minutes=2)) == [("telegram:1", PendingAction.TRANSFERRED)]


def test_a_message_sent_just_before_the_close_is_in_the_transcript(engine: HandoffEngine):
    online(engine, "gabriela")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))
    sent = T0 + timedelta(minutes=1)
    run(engine.close(view.id, "Resuelto.", sent + timedelta(seconds=1)))
    # The broker delivers the message after the close; it was written before it.
    run(
        engine.record(
            "telegram:1", user("no nada más, gracias", sent.timestamp()), sent + timedelta(seconds=2)
        )
    )
    run(engine.record("telegram:1", user("otra cosa", (sent + timedelta(seconds=30)).timestamp()), sent))
    texts = [line.text for line in run(engine.transcript(view.id))]
    assert "no nada más, gracias" in texts and "otra cosa" not in texts


def test_a_restart_mid_wait_goes_on_where_it_was(seeded_session_factory: sessionmaker):
    first = engine_on(seeded_session_factory)
    run(first.upsert_agent("gabriela", "Gabriela Benítez", ["technical"]))
    online(first, "gabriela")
    result = run(first.admit(package(), T0))
    run(first.tick(T0 + timedelta(seconds=30)))
    del first  # the desk process dies: nothing of the wait lived in it

    second = engine_on(seeded_session_factory)
    run(second.tick(T0 + timedelta(seconds=60)))
    assert pending(second, T0 + timedelta(seconds=60)) == [("telegram:1", PendingAction.NEWS)]
    run(second.tick(T0 + timedelta(seconds=600)))
    assert run(second.get(result.handoff.id)).outcome is Outcome.CALLBACK


# --- with a person -----------------------------------------------------------------------


def test_the_least_busy_online_agent_is_proposed_and_any_agent_of_the_queue_may_pick(engine: HandoffEngine):
    online(engine, "gabriela", "carmen")
    first = run(engine.admit(package("telegram:1"), T0)).handoff
    run(engine.accept(first.id, first.assigned_agent or "", T0))
    second = run(engine.admit(package("telegram:2"), T0)).handoff
    assert {first.assigned_agent, second.assigned_agent} == {"gabriela", "carmen"}

    with pytest.raises(HandoffConflict):
        run(engine.accept(second.id, "blanca", T0))  # blanca does not serve the technical queue
    taken = run(engine.accept(second.id, first.assigned_agent or "", T0))
    assert taken.status is Status.ACTIVE
    with pytest.raises(HandoffConflict):
        run(engine.accept(second.id, "carmen", T0))  # already taken
    with pytest.raises(HandoffNotFound):
        run(engine.accept(9999, "carmen", T0))
    with pytest.raises(HandoffNotFound):
        run(engine.accept(first.id, "nadie", T0))


def test_a_transfer_to_another_queue_waits_there_and_the_customer_is_told(engine: HandoffEngine):
    online(engine, "gabriela", "blanca")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))

    moved = run(
        engine.transfer(view.id, T0 + timedelta(minutes=1), queue="billing", note="Es por la factura")
    )

    assert (moved.status, moved.queue, moved.agent, moved.assigned_agent) == (
        Status.WAITING,
        "billing",
        None,
        "blanca",
    )
    assert moved.note == "Es por la factura"
    assert pending(engine, T0 + timedelta(minutes=1)) == [("telegram:1", PendingAction.TRANSFERRED)]
    run(engine.set_presence("gabriela", Presence.OFFLINE, T0))
    with pytest.raises(HandoffConflict):
        run(engine.transfer(view.id, T0, agent="gabriela"))  # offline


def test_release_gives_the_conversation_back_to_the_bot(engine: HandoffEngine):
    online(engine, "gabriela")
    view = run(engine.admit(package(), T0)).handoff
    with pytest.raises(HandoffConflict):
        run(engine.release(view.id, T0))  # nobody has it yet
    run(engine.accept(view.id, "gabriela", T0))
    released = run(engine.release(view.id, T0 + timedelta(minutes=3)))
    assert (released.status, released.outcome) == (Status.CLOSED, Outcome.RELEASED)
    assert pending(engine, T0 + timedelta(minutes=3)) == [("telegram:1", PendingAction.RESUME)]


def test_close_records_the_resolution_on_the_ticket(
    engine: HandoffEngine, seeded_session_factory: sessionmaker
):
    desk = LocalTicketDesk(seeded_session_factory)
    ticket = run(
        desk.open_ticket(
            customer_id=1,
            service_number=1001,
            category=TicketCategory.TECHNICAL,
            subject="Sin conexión",
            description="x",
            channel="telegram",
            customer_words="no tengo internet",
        )
    )
    online(engine, "gabriela")
    view = run(engine.admit(package(ticket_number=ticket.number, customer_id=1), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))

    closed = run(engine.close(view.id, "Se reconfiguró la ONU remotamente; anda bien.", T0))

    assert (closed.outcome, closed.resolution_note) == (
        Outcome.RESOLVED,
        "Se reconfiguró la ONU remotamente; anda bien.",
    )
    answers = run(desk.get(ticket.number)).answers  # type: ignore[union-attr]
    assert (answers[-1].author, answers[-1].body) == (AnswerAuthor.AGENT, closed.resolution_note)


def test_a_customer_silent_after_the_agent_spoke_gets_the_bot_back(engine: HandoffEngine):
    online(engine, "gabriela")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))
    run(engine.tick(T0 + timedelta(hours=1)))  # the agent has not written: nobody waits on the customer
    assert run(engine.get(view.id)).status is Status.ACTIVE

    spoke = T0 + timedelta(hours=1)
    run(engine.agent_replied(view.id, spoke))
    run(engine.record("telegram:1", user("ya le paso la foto", 300.0), spoke + timedelta(minutes=1)))
    run(engine.tick(spoke + timedelta(minutes=20)))  # the customer spoke last: the agent owes the answer
    assert run(engine.get(view.id)).status is Status.ACTIVE

    again = spoke + timedelta(minutes=21)
    run(engine.agent_replied(view.id, again))
    run(engine.tick(again + timedelta(seconds=899)))
    assert run(engine.get(view.id)).status is Status.ACTIVE
    run(engine.tick(again + timedelta(seconds=900)))
    assert run(engine.get(view.id)).outcome is Outcome.SILENT
    assert pending(engine, again + timedelta(seconds=900)) == [("telegram:1", PendingAction.RESUME)]


# --- the transcript from Rasa's events ----------------------------------------------------


def test_every_customer_message_is_in_the_transcript_once_and_agents_are_told_apart(engine: HandoffEngine):
    online(engine, "gabriela")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))
    agent = {
        "event": "bot",
        "text": "Hola María, soy Gabriela",
        "timestamp": 400.0,
        "metadata": {"author": {"kind": "agent", "name": "Gabriela Benítez"}},
    }
    events = [
        user("hola, no tengo internet", 100.0),  # already in the package: not twice
        agent,
        user("hola Gabriela", 401.0),
        user("hola Gabriela", 401.0),  # the broker delivered it twice
        user("", 402.0, attachments=[{"type": "image"}]),
        {"event": "action", "name": "action_listen", "timestamp": 403.0},
    ]
    for event in events:
        run(engine.record("telegram:1", event, T0))
    run(engine.record("telegram:99", user("otra conversación", 404.0), T0))

    lines = run(engine.transcript(view.id))
    assert [(line.author, line.text) for line in lines] == [
        (Author.CUSTOMER, "hola, no tengo internet"),
        (Author.BOT, "Lamento el inconveniente"),
        (Author.AGENT, "Hola María, soy Gabriela"),
        (Author.CUSTOMER, "hola Gabriela"),
        (Author.CUSTOMER, "(envió un adjunto sin texto)"),
    ]
    assert lines[2].agent_name == "Gabriela Benítez"


def test_a_restart_while_waiting_abandons_the_handoff(engine: HandoffEngine):
    online(engine, "gabriela")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.record("telegram:1", {"event": "restart", "timestamp": 500.0}, T0))
    assert run(engine.get(view.id)).outcome is Outcome.ABANDONED
    assert pending(engine, T0) == []


def test_a_transfer_to_a_named_agent_stays_proposed_to_that_agent(engine: HandoffEngine):
    online(engine, "gabriela", "carmen")
    view = run(engine.admit(package(), T0)).handoff
    run(engine.accept(view.id, "gabriela", T0))

    moved = run(engine.transfer(view.id, T0, agent="carmen", note="Pide hablar con supervisión"))
    run(engine.tick(T0 + timedelta(seconds=5)))  # gabriela is now less busy: the proposal stays

    assert run(engine.get(moved.id)).assigned_agent == "carmen"
    assert (moved.status, moved.note) == (Status.WAITING, "Pide hablar con supervisión")
    assert run(engine.accept(view.id, "carmen", T0 + timedelta(seconds=6))).agent == "carmen"
