"""The customer's words on tickets carry no second factor in clear (SQLite and PostgreSQL).

A ticket is read by the whole team; the national ID or the phone a customer typed to
prove who they are would let its reader pass as them. The service number stays.
"""
from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from actions.routing import ActionRouteNeed
from bot.adapters.local.customers import LocalCustomerDirectory
from bot.adapters.local.tickets import LocalTicketDesk
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketKind
from bot.privacy import mask_second_factors
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

MARIA_OWN = ("4123567", "+595981234567", None)


def _someones_id(digits: str) -> bool:
    return digits in {"4123567", "5012346"}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("no tengo internet / 1001 / 4123567", "no tengo internet / 1001 / ****567"),  # her ID, bare
        ("serv 1001 ci 4.123.567", "serv 1001 ci ****567"),
        ("mi ruc es 4123567-8", "mi ruc es *****678"),
        ("mi cel 0981 234 567", "mi cel +595******567"),
        ("981 234 567", "+595******567"),  # her phone without its leading 0
        ("la cédula de mi vecina 5012346", "la cédula de mi vecina ****346"),  # someone else's
        ("ci: 7.654.321, no sé si está bien", "ci: ****321, no sé si está bien"),  # named, nobody's
        ("llamen al 0972 111222", "llamen al +595******222"),  # any phone
        # Her ID right after a service number (play-test): the service number is one token.
        ("cuanto debo. servicio 1001 4.123.567", "cuanto debo. servicio 1001 ****567"),
        ("servicio 1001 4123567", "servicio 1001 ****567"),
    ],
)
def test_ids_and_phones_are_masked(text, masked):
    assert mask_second_factors(text, "PY", MARIA_OWN, _someones_id) == masked


@pytest.mark.parametrize(
    "text",
    [
        "servicio 1001, no me anda desde ayer",
        "me cobraron 150.000 de más en la factura 001-001-0001234",
        "el 15/03/2024 pagué 220.000",
        "somos 4 y tenemos 12 equipos",
        "",
    ],
)
def test_service_numbers_amounts_dates_and_invoices_stay(text):
    assert mask_second_factors(text, "PY", MARIA_OWN, _someones_id) == text


def test_the_ticket_desk_masks_the_customer_words_and_only_them(seeded_session_factory: sessionmaker):
    desk = Blocking(LocalTicketDesk(seeded_session_factory))
    directory = LocalCustomerDirectory(seeded_session_factory, country="PY")
    [maria] = Blocking(directory).find_by_service_number(1001)
    said = "no tengo internet, servicio 1001 ci 4.123.567"
    ticket = desk.open_ticket(
        maria.id, 1001, TicketCategory.TECHNICAL, "Sin conexión", f"Palabras del cliente: «{said}»",
        customer_words=said,
    )
    assert ticket.customer_words == "no tengo internet, servicio 1001 ci ****567"
    assert ticket.description == "Palabras del cliente: «no tengo internet, servicio 1001 ci ****567»"

    desk.add_answer(ticket.number, AnswerAuthor.CUSTOMER, "sigue igual, mi número es 0981 234567")
    # The bot's own notes (a callback phone the team must call) are not the customer's words.
    desk.add_answer(ticket.number, AnswerAuthor.BOT, "Llamar al cliente al 0981 234567.")
    desk.update(ticket.number, customer_words="4123567 / no anda")
    ticket = desk.get(ticket.number)
    assert [answer.body for answer in ticket.answers] == [
        "sigue igual, mi número es +595******567", "Llamar al cliente al 0981 234567.",
    ]
    assert ticket.customer_words == "****567 / no anda"


def test_a_prospects_lead_keeps_its_contact(seeded_session_factory: sessionmaker):
    desk = Blocking(LocalTicketDesk(seeded_session_factory))
    ticket = desk.open_ticket(
        None, None, TicketCategory.SALES, "Interesado", "quiero fibra 300, mi ci 5012346",
        kind=TicketKind.SALES_LEAD, lead={"name": "Carla Ruiz", "phone": "+595985111222"},
    )
    assert ticket.description == "quiero fibra 300, mi ci ****346"
    assert ticket.lead == {"name": "Carla Ruiz", "phone": "+595985111222"}


def test_a_ticket_opened_from_a_conversation_masks_the_id_typed(demo_services: Services):  # noqa: F811
    text = "no tengo internet / 1001 / 4.123.567"
    tracker = load_tracker("identified_customer_states_need")
    tracker.slots.update(
        customer_id=demo_customer_id(demo_services, "4123567"), service_number="1001",
        need_intent="report_no_connection", need_text=text,
    )
    tracker.events[3] = {**tracker.events[3], "text": "no tengo internet",
                         "parse_data": {"intent": {"name": "report_no_connection"}, "entities": []}}
    _, events = run_action(ActionRouteNeed(), tracker)
    number = next(e["value"] for e in events if e["event"] == "slot" and e["name"] == "ticket_number")
    ticket = Blocking(demo_services.tickets).get(number)
    assert ticket.customer_words == "no tengo internet / 1001 / ****567"
    assert "4.123.567" not in ticket.description and "1001" in ticket.description
