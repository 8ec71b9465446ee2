"""Wi-Fi guidance and ticket follow-up with rescheduling, checked on the ticket."""
from __future__ import annotations

import re

import pytest

from tests.support.ports import Blocking, services_for

TICKET = re.compile(r"TK-\d+")


@pytest.fixture(scope="module")
def desk(assistant):
    return Blocking(services_for(assistant.database_url).tickets)


def test_wifi_password_question_gets_guidance_and_never_a_password(assistant, sender):
    reply = assistant.say("como cambio la contraseña del wifi?", sender)
    assert "etiqueta" in reply and "nunca envío contraseñas" in reply
    assert "número de servicio" not in reply  # no identification needed for advice
    assert "¿Le sirvieron estas recomendaciones?" in reply
    thanks = assistant.say("sí, gracias", sender)
    assert "Me alegra" in thanks and "¿Hay algo más" in thanks


def test_wifi_coverage_advice_that_does_not_help_opens_the_technical_path(assistant, sender, desk):
    reply = assistant.say("el wifi no llega a mi pieza", sender)
    assert "router en un lugar alto y central" in reply
    reply = assistant.say("no, sigo con problemas", sender)
    assert "número de servicio" in reply
    assistant.say("1001", sender)
    reply = assistant.say("sí", sender)
    number = TICKET.search(reply).group(0)
    assert desk.get(number).category == "technical"
    assert desk.get(number).subject == "Consulta sobre Wi-Fi"


def test_follow_up_shows_the_open_ticket_and_reschedules_the_visit(assistant, sender, desk):
    before = desk.get("TK-10001")  # Juan Carlos's open ticket with a visit tomorrow
    reply = assistant.say("cuándo viene el técnico del reclamo TK-10001? mi servicio es 1002", sender)
    assert "Ya encontré su cuenta" in reply
    reply = assistant.say("sí", sender)
    assert "TK-10001" in reply and "visita técnica agendada" in reply
    assert "¿Desea cambiar el día u horario de la visita?" in reply
    reply = assistant.say("sí", sender)
    assert "1." in reply and "2." in reply
    reply = assistant.say("2", sender)
    assert "cambié la visita del ticket TK-10001" in reply
    after = desk.get("TK-10001")
    assert after.visit_start != before.visit_start and after.visit_start > before.visit_start
    assert any("reprogramó" in answer.body for answer in after.answers)


def test_follow_up_of_someone_elses_ticket_reveals_nothing(assistant, sender):
    assistant.say("como va mi reclamo TK-10001?", sender)
    assistant.say("1001", sender)  # María, not Juan Carlos
    reply = assistant.say("sí", sender)
    assert "No encontré el ticket TK-10001" in reply
    assert "ONU" not in reply and "visita" not in reply


def test_follow_up_without_open_tickets(assistant, sender):
    assistant.say("quiero saber el estado de mi reclamo", sender)
    assistant.say("1012", sender)  # Ramón: nothing open (other tests only leave closed tickets)
    reply = assistant.say("sí", sender)
    assert "No tiene casos abiertos" in reply
