"""The technical process end to end: every branch, checked in replies and on the ticket."""
from __future__ import annotations

import re

import pytest

from bot.ports.tickets import TicketKind
from bot.settings import get_settings
from bot.support.scheduling import FieldCalendar, business_hours_between
from tests.support.ports import Blocking, services_for

TICKET = re.compile(r"TK-\d+")
ANSWERED_IN_THE_FIRST_MESSAGE = (
    "¿Desde cuándo",
    "todos los dispositivos o solo en uno",
    "Wi-Fi o por cable",
    "¿Cuántas personas",
)


@pytest.fixture(scope="module")
def desk(assistant):
    return Blocking(services_for(assistant.database_url).tickets)


def start(assistant, sender, complaint, service, service_choice=None):
    """Report, identify, confirm contact details; return the replies and the ticket number."""
    reply = assistant.say(f"{complaint}, mi número de servicio es {service}", sender)
    assert "Ya encontré su cuenta" in reply, reply
    reply = assistant.say("sí, están bien", sender)
    number = TICKET.search(reply).group(0)
    return reply, number


def answer_all_questions(assistant, sender):
    replies = [
        assistant.say("desde ayer", sender),
        assistant.say("en todos los dispositivos", sender),
        assistant.say("por wifi", sender),
        assistant.say("un samsung", sender),
    ]
    replies.append(assistant.say("somos 4 y tenemos como 8 equipos", sender))
    return replies


def test_healthy_line_gets_advice_and_is_closed_when_it_helps(assistant, sender, desk):
    reply, number = start(assistant, sender, "el internet anda muy lento", 1001)
    assert "¿Desde cuándo" in reply
    *questions, checks = answer_all_questions(assistant, sender)
    assert "Wi-Fi o por cable" in questions[1] and "marca" in questions[2] and "personas" in questions[3]
    assert "funcionando bien" in checks and "Fibra 300" in checks
    assert "pastel familiar" in checks and "80% y el 85%" in checks
    assert "¿Con esto se solucionó su problema?" in checks

    ticket = desk.get(number)
    assert ticket.category == "technical" and ticket.service_number == 1001
    assert ticket.diagnostics["decision"]["verdict"] == "advice"
    assert ticket.diagnostics["checks"]["onu_status"] == "online"
    assert ticket.diagnostics["checks"]["optical_power_dbm"] == pytest.approx(-19.5)
    answers = ticket.diagnostics["answers"]
    assert answers["devices_scope"] == "all" and answers["connection_type"] == "wifi"
    assert answers["device_brand"] == "Samsung" and answers["household_people"] == 4
    assert answers["household_devices"] == 8
    assert answers["problem_since"]
    assert "lento" in ticket.customer_words

    closing = assistant.say("sí, ya funciona", sender)
    assert "cerrado como resuelto" in closing and "¿Hay algo más" in closing
    assert desk.get(number).status == "closed"


def test_advice_that_does_not_help_schedules_a_visit(assistant, sender, desk):
    _, number = start(assistant, sender, "se me corta el internet a cada rato", 1007)
    answer_all_questions(assistant, sender)
    reply = assistant.say("no, sigue igual", sender)
    assert "Agendé una visita técnica" in reply and number in reply
    assert "24 a 48 horas hábiles" in reply and "¿Hay algo más" in reply
    assert "costo adicional" not in reply
    ticket = desk.get(number)
    assert ticket.status == "in_progress" and ticket.visit_start and ticket.visit_end
    calendar = FieldCalendar.from_settings(get_settings())
    hours = business_hours_between(ticket.created_at, ticket.visit_start, calendar)
    assert 24 <= hours <= 48
    assert any("Visita técnica agendada" in answer.body for answer in ticket.answers)


def test_everything_said_in_one_message_is_not_asked_again(assistant, sender, desk):
    first = assistant.say("desde ayer no tengo internet en ningún dispositivo, uso wifi, somos 4", sender)
    assert "número de servicio" in first
    assistant.say("1001", sender)
    reply = assistant.say("sí", sender)
    number = TICKET.search(reply).group(0)
    for question in ANSWERED_IN_THE_FIRST_MESSAGE:
        assert question not in reply
    assert "¿Qué marca" in reply  # the one thing not said yet
    checks = assistant.say("una notebook lenovo", sender)
    assert "Esto es lo que encontré" in checks
    answers = desk.get(number).diagnostics["answers"]
    assert answers["devices_scope"] == "all" and answers["connection_type"] == "wifi"
    assert answers["household_people"] == 4 and answers["device_brand"] == "Lenovo"


@pytest.mark.parametrize(
    ("service", "reason", "extra_cost"),
    [(1003, "optical_bad", True), (1008, "optical_marginal", False)],
)
def test_line_faults_get_a_technician_visit(assistant, sender, desk, service, reason, extra_cost):
    _, number = start(assistant, sender, "no tengo internet", service)
    checks = answer_all_questions(assistant, sender)[-1]
    assert "Agendé una visita técnica" in checks and number in checks
    assert ("costo adicional" in checks) is extra_cost
    ticket = desk.get(number)
    assert reason in ticket.diagnostics["decision"]["reasons"]
    assert ticket.extra_cost_may_apply is extra_cost
    assert ticket.visit_start is not None and ticket.status == "in_progress"
    assert "dBm" not in checks and "ONU" not in checks  # no jargon toward the customer


def test_a_fault_already_ticketed_with_a_visit_coming_is_continued_not_reopened(assistant, sender, desk):
    # Juan Carlos (1002) has TK-10001 open for his LOS, with a technician coming tomorrow.
    before = {ticket.number for ticket in desk.open_tickets_for(2)}
    assistant.say("che no tengo internet de nuevo, servicio 1002", sender)
    reply = assistant.say("si", sender)
    assert "TK-10001" in reply and "visita técnica agendada" in reply
    assert "¿Desde cuándo" not in reply  # no key questions for a case already diagnosed
    assert {ticket.number for ticket in desk.open_tickets_for(2)} == before
    assert any(answer.body.startswith("che no tengo internet") for answer in desk.get("TK-10001").answers)


def test_offline_box_at_second_address_gets_a_visit(assistant, sender, desk):
    reply = assistant.say("no tengo internet en la casa de San Bernardino, mi cédula es 4.765.120", sender)
    assert "más de un servicio" in reply
    assistant.say("1006", sender)
    reply = assistant.say("sí", sender)
    number = TICKET.search(reply).group(0)
    checks = answer_all_questions(assistant, sender)[-1]
    assert "no está conectado a nuestra red" in checks and "Agendé una visita" in checks
    ticket = desk.get(number)
    assert ticket.service_number == 1006 and "onu_offline" in ticket.diagnostics["decision"]["reasons"]


def test_powered_off_box_gets_the_power_check_then_a_visit(assistant, sender, desk):
    _, number = start(assistant, sender, "no me anda el internet", 1009)
    checks = answer_all_questions(assistant, sender)[-1]
    assert "enchufado" in checks and "¿Con esto se solucionó" in checks
    reply = assistant.say("no, sigue sin andar", sender)
    assert "Agendé una visita técnica" in reply
    assert desk.get(number).diagnostics["decision"]["verdict"] == "power_check"


def test_a_suspended_service_goes_to_its_debt_without_questions(assistant, sender, desk):
    # Play-test: the key questions and line checks came before "suspendido por falta de pago".
    assert "Ya encontré su cuenta" in assistant.say("no tengo internet, mi servicio es 1004", sender)
    reply = assistant.say("sí", sender)
    assert "suspendido por falta de pago" in reply and "necesito confirmar que es usted" in reply
    assert "¿Le pasa en todos" not in reply and not TICKET.search(reply)
    reply = assistant.say("2876543", sender)
    assert "suspendido por falta de pago" in reply and "150.000 PYG" in reply
    # "Ya pagué" then is a payment report, not a technical case.
    reply = assistant.say("ya pagué ayer y sigo sin internet", sender)
    assert desk.get(TICKET.search(reply).group(0)).kind is TicketKind.PAYMENT_REPORT


def test_saturated_line_offers_a_faster_plan(assistant, sender, desk):
    reply = assistant.say("el internet está lentísimo, mi servicio es 1005", sender)
    assert "Ya encontré su cuenta" in reply
    number = TICKET.search(assistant.say("sí", sender)).group(0)
    checks = answer_all_questions(assistant, sender)[-1]
    assert "pastel familiar" in checks and "plan más rápido" in checks
    assert desk.get(number).diagnostics["decision"]["verdict"] == "saturation"
    # The offer leads to the sales flow: her plan, the next faster one and the difference.
    reply = assistant.say("sí, quiero un plan mejor", sender)
    assert "Fibra 600 (600 Mbps)" in reply and "asesor de ventas" in reply


def test_probe_down_still_leaves_a_ticket_and_the_conversation_goes_on(assistant, sender, desk):
    _, number = start(assistant, sender, "no tengo internet", 1011)
    checks = answer_all_questions(assistant, sender)[-1]
    assert "No pude completar las pruebas" in checks and number in checks
    ticket = desk.get(number)
    assert ticket.status == "new" and ticket.diagnostics["decision"]["verdict"] == "checks_unavailable"
    assert set(ticket.diagnostics["checks"]) >= {"onu_status", "failed_checks"}
    assert any("No se pudieron realizar" in answer.body for answer in ticket.answers)
    goodbye = assistant.say("no, gracias, eso es todo", sender)
    assert "Gracias por contactarnos" in goodbye


def test_cancelled_service_is_explained(assistant, sender, desk):
    _, number = start(assistant, sender, "no tengo internet", 1012)
    checks = answer_all_questions(assistant, sender)[-1]
    assert "dado de baja" in checks
    assert desk.get(number).status == "closed"
