"""The ticket desk numbers, fills and closes tickets the same way on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.tickets import LocalTicketDesk
from bot.db.migrate import upgrade
from bot.db.models import Customer, Ticket
from bot.db.session import make_session_factory, session_scope
from bot.ports.tickets import parse_ticket_number
from bot.settings import get_settings
from tests.bot.adapters.local.ticket_desks import customer_id
from tests.support.ports import Blocking

COMPANY_TZ = get_settings().company.tzinfo




MARIA, JUAN_CARLOS, ANA, ROBERTO = "4123567", "3987654", "4765120", "1987456"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("TK-10001", "TK-10001"),
        ("tk 10001", "TK-10001"),
        ("10001", "TK-10001"),
        (" Tk-10001 ", "TK-10001"),
        ("#10001", "TK-10001"),
        ("TK10001", "TK-10001"),
        ("TK-", None),
        ("ticket 10001", None),
        ("TK-10001-2", None),
        ("", None),
    ],
)
def test_parse_ticket_number(text: str, number: str | None) -> None:
    assert parse_ticket_number(text) == number


def test_first_ticket_on_a_new_database_is_tk_10001(database_url: str) -> None:
    upgrade(database_url)
    factory = make_session_factory(database_url)
    with session_scope(factory) as session:
        customer = Customer(
            first_name="Prueba", last_name="Cliente", document_id="7654321", phone="+595981000111"
        )
        session.add(customer)
        session.flush()
        new_customer = customer.id
    desk = Blocking(LocalTicketDesk(factory))

    first = desk.open_ticket(new_customer, None, "billing", "Consulta de factura", "Duda")
    second = desk.open_ticket(new_customer, None, "sales", "Cambio de plan", "Quiere Fibra 600")

    factory.kw["bind"].dispose()
    assert (first.number, second.number) == ("TK-10001", "TK-10002")


def test_open_ticket_records_everything_and_continues_after_the_demo_tickets(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    maria = customer_id(seeded_session_factory, MARIA)
    before = datetime.now(timezone.utc)

    ticket = desk.open_ticket(
        maria,
        1001,
        "technical",
        "Internet lento",
        "Lentitud por las noches",
        channel="whatsapp",
        customer_words="de noche no me jala nada",
    )

    assert ticket.number == "TK-10003"
    assert (ticket.customer_id, ticket.service_number) == (maria, 1001)
    assert (ticket.category, ticket.status, ticket.priority) == ("technical", "new", "normal")
    assert (ticket.subject, ticket.description) == ("Internet lento", "Lentitud por las noches")
    assert (ticket.channel, ticket.customer_words) == ("whatsapp", "de noche no me jala nada")
    assert ticket.diagnostics == {}
    assert (ticket.visit_start, ticket.visit_end, ticket.closed_at) == (None, None, None)
    assert ticket.extra_cost_may_apply is False
    assert ticket.answers == ()
    assert ticket.created_at.tzinfo == timezone.utc
    assert before <= ticket.created_at <= datetime.now(timezone.utc)
    assert desk.get("TK-10003") == ticket


def test_open_ticket_refuses_what_does_not_fit(
    shared_desk: Blocking, shared_seeded_session_factory: sessionmaker
) -> None:
    maria = customer_id(shared_seeded_session_factory, MARIA)

    with pytest.raises(ValueError, match="1005"):  # Ana's service, not María's
        shared_desk.open_ticket(maria, 1005, "technical", "Sin internet", "Sin servicio")
    with pytest.raises(ValueError, match="category"):
        shared_desk.open_ticket(maria, None, "complaint", "Queja", "Queja")
    with pytest.raises(ValueError, match="priority"):
        shared_desk.open_ticket(maria, None, "billing", "Factura", "Duda", priority="asap")
    with pytest.raises(LookupError):
        shared_desk.open_ticket(999_999, None, "billing", "Factura", "Duda")
    assert shared_desk.get("TK-10003") is None


def test_get_accepts_how_customers_write_the_number(shared_desk: Blocking) -> None:
    ticket = shared_desk.get("tk 10001")

    assert ticket is not None
    assert ticket.number == "TK-10001"
    assert shared_desk.get("10001") == shared_desk.get("TK-10001") == ticket
    assert shared_desk.get("TK-99999") is None
    assert shared_desk.get("mi reclamo") is None


def test_demo_ticket_keeps_its_visit_window_and_diagnostics(shared_desk: Blocking) -> None:
    ticket = shared_desk.get("TK-10001")

    assert ticket.service_number == 1002
    assert ticket.diagnostics == {"onu_status": "LOS", "ping": "0 de 4"}
    assert ticket.visit_start.tzinfo == timezone.utc
    local_start = ticket.visit_start.astimezone(COMPANY_TZ)
    local_end = ticket.visit_end.astimezone(COMPANY_TZ)
    assert (local_start.time(), local_end.time()) == (time(8), time(12))
    assert local_start.date() == local_end.date()
    assert [answer.author for answer in ticket.answers] == ["bot"]


def test_open_tickets_for_lists_open_tickets_newest_first(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    juan_carlos = customer_id(seeded_session_factory, JUAN_CARLOS)
    roberto = customer_id(seeded_session_factory, ROBERTO)
    assert [t.number for t in desk.open_tickets_for(juan_carlos)] == ["TK-10001"]
    assert desk.open_tickets_for(roberto) == []  # TK-10002 is closed

    newer = desk.open_ticket(juan_carlos, 1002, "follow_up", "Seguimiento", "Pregunta por la visita")

    assert [t.number for t in desk.open_tickets_for(juan_carlos)] == [newer.number, "TK-10001"]
    desk.update(newer.number, status="closed")
    assert [t.number for t in desk.open_tickets_for(juan_carlos)] == ["TK-10001"]


def test_add_answer_appends_in_order(desk: Blocking) -> None:
    before = desk.get("TK-10001")

    desk.add_answer("TK-10001", "customer", "¿A qué hora viene el técnico?")
    ticket = desk.add_answer("tk 10001", "agent", "Entre las 8 y las 12.")

    assert [(a.author, a.body) for a in ticket.answers] == [
        ("bot", before.answers[0].body),
        ("customer", "¿A qué hora viene el técnico?"),
        ("agent", "Entre las 8 y las 12."),
    ]
    assert ticket.updated_at > before.updated_at
    assert desk.get("TK-10001") == ticket


def test_each_listed_ticket_carries_its_own_answers_as_the_database_holds_them(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    """Answers are read as rows, all tickets' at once (the module docstring): none crosses over."""
    juan_carlos = customer_id(seeded_session_factory, JUAN_CARLOS)
    newer = desk.open_ticket(juan_carlos, 1002, "follow_up", "Seguimiento", "Pregunta por la visita")
    for number, body in [(newer.number, "uno"), ("TK-10001", "dos"), (newer.number, "tres")]:
        desk.add_answer(number, "agent", body)

    listed = {ticket.number: ticket for ticket in desk.open_tickets_for(juan_carlos)}

    assert [a.body for a in listed[newer.number].answers] == ["uno", "tres"]
    assert [a.body for a in listed["TK-10001"].answers][1:] == ["dos"]
    assert listed == {number: desk.get(number) for number in listed}
    assert desk.find_open_ticket(juan_carlos, 1002, "follow_up") == listed[newer.number]
    with session_scope(seeded_session_factory) as session:  # what the ORM's relationship holds
        for number, ticket in listed.items():
            orm = session.scalar(select(Ticket).where(Ticket.number == number))
            assert [(a.author, a.body, a.created_at) for a in orm.answers] == [
                (a.author.value, a.body, a.created_at) for a in ticket.answers
            ]


def test_add_answer_refuses_unknown_authors_and_tickets(shared_desk: Blocking) -> None:
    with pytest.raises(ValueError, match="author"):
        shared_desk.add_answer("TK-10001", "robot", "Hola")
    with pytest.raises(LookupError):
        shared_desk.add_answer("TK-99999", "bot", "Hola")


def test_update_merges_diagnostics_and_sets_the_visit_window(desk: Blocking) -> None:
    start = datetime(2026, 12, 1, 14, 0, tzinfo=COMPANY_TZ)

    desk.update("TK-10001", diagnostics={"optical_power_dbm": -30.2})
    ticket = desk.update(
        "TK-10001",
        diagnostics={"ping": "4 de 4"},
        visit_start=start,
        visit_end=start + timedelta(hours=4),
        extra_cost_may_apply=True,
        priority="urgent",
    )

    assert ticket.diagnostics == {"onu_status": "LOS", "ping": "4 de 4", "optical_power_dbm": -30.2}
    assert ticket.visit_start == start
    assert ticket.visit_end == start + timedelta(hours=4)
    assert ticket.visit_end.tzinfo == timezone.utc
    assert (ticket.extra_cost_may_apply, ticket.priority) == (True, "urgent")
    assert desk.get("TK-10001") == ticket


def test_closing_sets_closed_at_and_reopening_clears_it(desk: Blocking) -> None:
    closed = desk.update("TK-10001", status="closed")
    closed_again = desk.update("TK-10001", status="closed")
    reopened = desk.update("TK-10001", status="in_progress")

    assert closed.closed_at is not None and closed.closed_at.tzinfo == timezone.utc
    assert closed_again.closed_at == closed.closed_at
    assert (reopened.status, reopened.closed_at, reopened.is_open) == ("in_progress", None, True)
    assert not closed.is_open


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": "TK-1"}, "cannot update number"),
        ({"status": "solved"}, "status"),
        ({"priority": "asap"}, "priority"),
        ({"visit_start": datetime(2026, 12, 1, 8, 0)}, "timezone-aware"),
        ({"diagnostics": ["LOS"]}, "diagnostics"),
        ({"amount": 150000.0}, "Decimal"),
        ({"amount": Decimal("10.005")}, "two decimals"),
        ({"amount": Decimal("-1")}, "amount"),
        (
            {
                "visit_start": datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc),
                "visit_end": datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc),
            },
            "visit window",
        ),
    ],
)
def test_update_refuses_bad_fields_and_changes_nothing(
    shared_desk: Blocking, fields: dict, message: str
) -> None:
    before = shared_desk.get("TK-10001")

    with pytest.raises(ValueError, match=message):
        shared_desk.update("TK-10001", **fields)

    assert shared_desk.get("TK-10001") == before


def test_update_adds_its_notes_as_the_bots_answers_in_order(desk: Blocking) -> None:
    before = desk.get("TK-10001")

    ticket = desk.update("TK-10001", status="closed", notes=["Revisión registrada", "Cerrado: sin falla"])

    assert [(a.author, a.body) for a in ticket.answers] == [
        *[(a.author, a.body) for a in before.answers],
        ("bot", "Revisión registrada"),
        ("bot", "Cerrado: sin falla"),
    ]
    assert ticket.status == "closed" and ticket.updated_at > before.updated_at
    assert desk.get("TK-10001") == ticket


def test_notes_alone_are_added_and_mark_the_ticket_updated(desk: Blocking) -> None:
    before = desk.get("TK-10001")

    ticket = desk.update("TK-10001", notes=["Seguimos"])

    assert [a.body for a in ticket.answers] == [*[a.body for a in before.answers], "Seguimos"]
    assert ticket.updated_at > before.updated_at
    assert (ticket.status, ticket.diagnostics) == (before.status, before.diagnostics)


def test_an_update_that_changes_nothing_leaves_the_ticket_as_it_was(desk: Blocking) -> None:
    """As the ORM's flush did: only what differs is written, so nothing marks the ticket updated."""
    before = desk.get("TK-10001")

    same = desk.update("TK-10001", status=before.status, diagnostics={}, priority=before.priority)

    assert same == before
    changed = desk.update("TK-10001", diagnostics={"checked": True})
    assert changed.updated_at > before.updated_at
    assert changed.diagnostics == {**before.diagnostics, "checked": True}


def test_a_refused_update_adds_none_of_its_notes(shared_desk: Blocking) -> None:
    """The change and its notes are one transaction: a change refused in it leaves no note."""
    before = shared_desk.get("TK-10001")
    start = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)

    with pytest.raises(ValueError, match="visit window"):
        shared_desk.update("TK-10001", visit_start=start, visit_end=start, notes=["Visita agendada"])
    for notes in ("una nota", [1]):
        with pytest.raises(ValueError, match="notes"):
            shared_desk.update("TK-10001", status="closed", notes=notes)

    assert shared_desk.get("TK-10001") == before


def test_update_of_an_unknown_ticket(shared_desk: Blocking) -> None:
    with pytest.raises(LookupError):
        shared_desk.update("TK-99999", status="closed")


def test_concurrent_tickets_get_distinct_consecutive_numbers(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    ana = customer_id(seeded_session_factory, ANA)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def open_tickets() -> None:
        try:
            for _ in range(3):
                ticket = desk.open_ticket(ana, 1006, "technical", "Corte", "Sin servicio")
                numbers.append(ticket.number)
        except BaseException as error:  # reported below, with the numbers
            errors.append(error)

    threads = [threading.Thread(target=open_tickets) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [f"TK-{n}" for n in range(10003, 10003 + 18)]


# --- finding the open case of a kind (de-duplication) ----------------------------------


def test_find_open_ticket_finds_the_open_case_of_that_category_and_service(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    juan_carlos = customer_id(seeded_session_factory, JUAN_CARLOS)

    found = desk.find_open_ticket(juan_carlos, 1002, "technical")

    assert found is not None and found.number == "TK-10001"
    assert desk.find_open_ticket(juan_carlos, 1002, "billing") is None
    assert desk.find_open_ticket(juan_carlos, None, "technical") is None  # that one is about 1002


def test_find_open_ticket_tells_services_apart_and_takes_the_newest(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    ana = customer_id(seeded_session_factory, ANA)
    home = desk.open_ticket(ana, 1005, "technical", "Lento", "Lento de noche")
    newer_home = desk.open_ticket(ana, 1005, "technical", "Lento", "Sigue lento")

    assert desk.find_open_ticket(ana, 1005, "technical").number == newer_home.number
    assert desk.find_open_ticket(ana, 1006, "technical") is None  # the weekend house has none
    weekend = desk.open_ticket(ana, 1006, "technical", "Sin internet", "No anda")
    assert desk.find_open_ticket(ana, 1006, "technical").number == weekend.number
    assert desk.find_open_ticket(ana, 1005, "technical").number != home.number


def test_find_open_ticket_ignores_closed_tickets_and_matches_no_service_with_no_service(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    roberto = customer_id(seeded_session_factory, ROBERTO)
    assert desk.find_open_ticket(roberto, 1010, "technical") is None  # TK-10002 is closed

    general = desk.open_ticket(roberto, None, "human", "Pide una persona", "Quiero hablar con alguien")
    assert desk.find_open_ticket(roberto, None, "human").number == general.number
    assert desk.find_open_ticket(roberto, 1010, "human") is None
    desk.update(general.number, status="closed")
    assert desk.find_open_ticket(roberto, None, "human") is None


def test_find_open_ticket_refuses_an_unknown_category(shared_desk: Blocking) -> None:
    with pytest.raises(ValueError, match="category"):
        shared_desk.find_open_ticket(1, 1001, "complaint")
