"""Conversations through the REST channel, checked in replies and in the database."""
from __future__ import annotations

import re

import pytest

from tests.support.ports import Blocking, services_for

GREETINGS = ("Buenos días", "Buenas tardes", "Buenas noches")
TICKET = re.compile(r"TK-\d+")


@pytest.fixture(scope="module")
def desk(assistant):
    return Blocking(services_for(assistant.database_url).tickets)


@pytest.fixture(scope="module")
def directory(assistant):
    return Blocking(services_for(assistant.database_url).customers)


def test_hello_gets_the_protocol_greeting(assistant, sender):
    reply = assistant.say("hola", sender)
    assert any(greeting in reply for greeting in GREETINGS)
    assert "Conecta Fibra" in reply and "Luz" in reply
    assert "¿Con quién tengo el gusto y en qué le puedo ayudar?" in reply


def test_no_second_greeting(assistant, sender):
    assistant.say("hola", sender)
    again = assistant.say("hola de nuevo", sender)
    assert not any(greeting in again for greeting in GREETINGS)
    assert "Conecta Fibra" not in again


def test_no_connection_with_service_id_is_understood(assistant):
    parsed = assistant.parse("no me anda el internet, mi número de servicio es 1001")
    assert parsed["intent"]["name"] == "report_no_connection"
    service_ids = [e["value"] for e in parsed["entities"] if e["entity"] == "service_id"]
    assert service_ids == ["1001"]


def test_no_connection_with_service_id_identifies_and_opens_a_ticket(assistant, sender, desk):
    reply = assistant.say("no me anda el internet, mi número de servicio es 1001", sender)
    assert "Ya encontré su cuenta" in reply and "María" in reply
    # Contact details on file are confirmed before going on (protocol step 2.3), masked after
    # a service number alone (guessable): the last digits and the e-mail's first letter and domain.
    assert "+595******567" in reply and "m***@example.com" in reply
    assert "0981 234567" not in reply and "maria.benitez" not in reply

    reply = assistant.say("sí, están bien", sender)
    number = TICKET.search(reply).group(0)
    assert "¿Desde cuándo tiene el problema?" in reply  # the technical process goes on

    ticket = desk.get(number)
    assert ticket.category == "technical"
    assert ticket.service_number == 1001
    assert "no me anda el internet" in ticket.customer_words
    assert ticket.status == "new"

    goodbye = assistant.say("chau, después sigo", sender)
    assert "Luz" in goodbye and "Gracias por contactarnos" in goodbye
    assert desk.get(number).status == "new"  # the ticket stays for the team


def test_a_name_alone_reveals_nothing_and_needs_a_second_factor(assistant, sender):
    assistant.say("hola", sender)
    reply = assistant.say("tengo un problema con mi factura", sender)
    assert "número de servicio" in reply
    reply = assistant.say("María Benítez", sender)
    assert "confirma también su número de servicio o el teléfono" in reply
    assert "maria.benitez" not in reply and "0981" not in reply and "María" not in reply

    right = assistant.say("el teléfono es 0981 234 567", sender)
    assert "Ya encontré su cuenta" in right and "María" in right
    assert "maria.benitez@" in right  # name and phone: two factors, the details in full


def test_shared_name_is_settled_by_the_second_factor(assistant, sender):
    assistant.say("quiero saber cuánto debo", sender)
    assistant.say("Juan Duarte", sender)
    reply = assistant.say("0971 456 789", sender)
    assert "Gracias, Juan" in reply and "juan.duarte@example.org" in reply
    reply = assistant.say("si", sender)
    # Name and phone are two factors: the balance of Juan Duarte Giménez's service 1003 (Hogar 50).
    assert "Su saldo a pagar es de 110.000 PYG" in reply and "Plan Hogar 50" in reply


def test_two_services_lead_to_a_disambiguating_question(assistant, sender, desk):
    assistant.say("se me corta el internet a cada rato", sender)
    reply = assistant.say("mi cédula es 4.765.120", sender)
    assert "más de un servicio" in reply and "Hogar 50" in reply
    # One factor: neither the addresses nor the service numbers are shown, only plan and zone.
    assert "1005" not in reply and "1006" not in reply and "Av. España" not in reply
    reply = assistant.say("2", sender)
    assert "+595******901" in reply  # contact confirmation comes next, masked (one factor)
    reply = assistant.say("si", sender)
    ticket = desk.get(TICKET.search(reply).group(0))
    assert ticket.service_number == 1006 and ticket.category == "technical"


def test_a_changed_email_is_recorded(assistant, sender, directory):
    assistant.say("quiero contratar un plan mas rapido, mi servicio es 1009", sender)
    reply = assistant.say("no", sender)
    assert "teléfono o el correo correcto" in reply
    reply = assistant.say("mi correo ahora es gaby.rojas@example.org", sender)
    assert "confirmar un dato más" in reply and "actualicé" not in reply
    reply = assistant.say("6.123.789", sender)  # her ID: a second factor
    assert "actualicé su correo" in reply and "gaby.rojas@example.org" in reply
    reply = assistant.say("sí", sender)
    assert "Ya tiene nuestro plan más rápido, Fibra 600" in reply  # the sales question goes on
    customer = directory.find_by_service_number(1009)[0]
    assert customer.email == "gaby.rojas@example.org"


def test_unknown_ids_get_a_polite_answer_and_give_up_after_three(assistant, sender):
    reply = assistant.say("no tengo internet, mi servicio es 9999", sender)
    assert "No encontré ninguna cuenta" in reply
    reply = assistant.say("8888", sender)
    assert "No encontré ninguna cuenta" in reply
    reply = assistant.say("0981 000 000", sender)
    assert "no pude verificar su identidad" in reply
    assert "Traceback" not in reply


def test_out_of_scope_twice_offers_a_person(assistant, sender):
    first = assistant.say("cual es la receta del chipá", sender)
    assert "otras palabras" in first or "otra forma" in first  # the rephrase request, any variant
    second = assistant.say("quién ganó el partido de ayer", sender)
    assert "una persona de nuestro equipo" in second and second.rstrip().endswith("?")  # any variant
    accepted = assistant.say("sí, por favor", sender)
    assert "una persona de nuestro equipo se ocupará" in accepted
    assert "número de servicio" in accepted  # identified first, so the case is ready


def test_declining_the_person_keeps_the_bot(assistant, sender):
    assistant.say("cual es la receta del chipá", sender)
    assistant.say("quién ganó el partido de ayer", sender)
    reply = assistant.say("no, gracias", sender)
    assert "seguimos por aquí" in reply


def test_bot_challenge_is_answered_honestly(assistant, sender):
    reply = assistant.say("sos un robot?", sender)
    assert "asistente virtual" in reply and "no una persona" in reply
