"""A booked visit cancelled: the service works again (ticket closed) or the customer calls it off
(ticket kept open); an intermittent fault "coming back" keeps the case open; visit questions answered."""
from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import ActionRescheduleVisit, ActionTicketStatus, ValidateRescheduleForm
from actions.interruptions import ActionHandleInterruption
from actions.troubleshooting import ValidateTroubleshootingForm
from bot.ports.tickets import TicketCategory
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.actions.test_reschedule import JUAN_CARLOS, asked, responses
from tests.support.ports import Blocking


def _validate(text: str, intent: str = "inform"):
    dispatcher = CollectingDispatcher()
    form = ValidateRescheduleForm()
    result = asyncio.run(form.validate_visit_choice(text, dispatcher, asked(text, intent=intent), {}))
    return dispatcher, result


def _says(text: str, intent: str):
    return {"text": text, "intent": {"name": intent}, "entities": []}


def _form_ends_on(text: str, intent: str) -> None:
    dispatcher, result = _validate(text, intent)
    assert result == {"visit_choice": None, "requested_slot": None}
    assert dispatcher.messages == []


def test_works_again_at_the_offer_cancels_the_visit_and_closes_the_ticket(demo_services: Services):  # noqa: F811
    text = "no, te digo q YA FUNCIONA, no hace falta q venga el tecnico"
    _form_ends_on(text, "deny")  # a "no" that is not "keep the visit"

    messages, _ = run_action(ActionRescheduleVisit(), asked(text, intent="deny"))

    assert responses(messages) == ["utter_service_back_visit_cancelled", "utter_anything_else"]
    ticket = Blocking(demo_services.tickets).get("TK-10001")
    assert not ticket.is_open and ticket.visit_start is None


def test_calling_the_visit_off_cancels_it_and_keeps_the_ticket_open(demo_services: Services):  # noqa: F811
    _form_ends_on("cancelá la visita porfa", "stop")  # not "stop changing it"

    messages, _ = run_action(ActionRescheduleVisit(), asked("cancelá la visita porfa", intent="stop"))

    assert responses(messages) == ["utter_visit_cancelled", "utter_anything_else"]
    assert messages[0]["ticket_number"] == "TK-10001" and messages[0]["visit_from"] == "08:00"
    ticket = Blocking(demo_services.tickets).get("TK-10001")
    assert ticket.is_open and ticket.visit_start is None and ticket.visit_end is None
    assert "cancelar la visita" in ticket.answers[-1].body


def test_the_follow_up_asked_with_those_words_cancels_instead_of_telling(demo_services: Services):  # noqa: F811
    """After the form: "cancelá la visita" and "ya anda" are read as a follow-up or the fault again."""
    tracker = load_tracker("visit_booked_asks_when")
    tracker.slots.update(customer_id=demo_customer_id(demo_services, JUAN_CARLOS))
    tracker.latest_message = _says("cancelá la visita porfa", "ticket_status")

    messages, events = run_action(ActionTicketStatus(), tracker)

    assert responses(messages) == ["utter_visit_cancelled", "utter_anything_else"]
    assert {"event": "slot", "name": "can_reschedule", "value": False, "timestamp": None} in events
    assert Blocking(demo_services.tickets).get("TK-10001").visit_start is None

    # Nothing left to cancel: the status is told (the fault was never said to be gone).
    messages, _ = run_action(ActionTicketStatus(), tracker)
    assert responses(messages)[0] == "utter_ticket_status_in_progress"

    tracker.latest_message = _says("ah ya anda, perdón", "report_no_connection")
    messages, _ = run_action(ActionTicketStatus(), tracker)
    assert responses(messages) == ["utter_service_back", "utter_anything_else"]
    assert not Blocking(demo_services.tickets).get("TK-10001").is_open


def test_the_visit_called_off_before_identification_is_called_off_after_it(demo_services: Services):  # noqa: F811
    """Play-test: "ya volvió el internet, cancelen la visita. servicio 1002" asked the contact
    details first, and the follow-up after "sí" only told the visit and offered to move it."""
    tracker = load_tracker("visit_booked_asks_when")
    tracker.slots.update(customer_id=demo_customer_id(demo_services, JUAN_CARLOS))
    asked_for = {"event": "user", "text": "hola, cancelame la visita porfa, servicio 1002",
                 "parse_data": {"intent": {"name": "ticket_status"}, "entities": []}}
    confirmed = {"event": "user", "text": "si",
                 "parse_data": {"intent": {"name": "affirm"}, "entities": []}}
    tracker.events += [asked_for, {"event": "action", "name": "contact_form"}, confirmed]
    tracker.latest_message = _says("si", "affirm")

    messages, _ = run_action(ActionTicketStatus(), tracker)

    assert responses(messages) == ["utter_visit_cancelled", "utter_anything_else"]
    assert Blocking(demo_services.tickets).get("TK-10001").visit_start is None


def test_a_question_about_the_visit_is_answered_with_the_visit_kept(demo_services: Services):  # noqa: F811
    tracker = asked("no, pero me avisan antes de venir?", intent="deny")
    messages, _ = run_action(ActionRescheduleVisit(), tracker)
    assert responses(messages) == [
        "utter_visit_kept", "utter_ticket_visit", "utter_visit_notice", "utter_anything_else"
    ]
    dispatcher, result = _validate("y si no estoy en casa q pasa?", "report_no_connection")
    # Answered first; the windows its "no estoy" asks for follow.
    assert responses(dispatcher.messages)[0] == "utter_visit_someone_home" and result["visit_options"]

    dispatcher, result = _validate("¿me llaman antes?")
    assert result == {"visit_choice": None}  # answered, then the form asks whether to move it
    assert responses(dispatcher.messages) == ["utter_visit_notice"]


def _intermittent_ticket(services: Services) -> str:
    customer_id = int(demo_customer_id(services, JUAN_CARLOS))
    ticket = Blocking(services.tickets).open_ticket(
        customer_id, 1002, TicketCategory.TECHNICAL, "Cliente reporta cortes intermitentes", "Cortes"
    )
    return ticket.number


def test_an_intermittent_fault_coming_back_keeps_the_key_questions_going(demo_services: Services):  # noqa: F811
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update(ticket_number=_intermittent_ticket(demo_services), need_intent="report_intermittent")
    tracker.latest_message = _says("espera... ya volvio parece", "stop")
    dispatcher = CollectingDispatcher()

    events = asyncio.run(ValidateTroubleshootingForm().run(dispatcher, tracker, {}))

    assert events == []  # no slot set: the form asks its open question again
    assert responses(dispatcher.messages) == ["utter_intermittent_back_case_open"]
    assert Blocking(demo_services.tickets).get(tracker.slots["ticket_number"]).is_open


def test_an_intermittent_fault_coming_back_after_the_visit_keeps_both(demo_services: Services):  # noqa: F811
    number = _intermittent_ticket(demo_services)
    tickets = Blocking(demo_services.tickets)
    booked = tickets.get("TK-10001")
    tickets.update(number, visit_start=booked.visit_start, visit_end=booked.visit_end)
    tracker = load_tracker("identified_customer_states_need")
    tracker.slots.update(ticket_number=number, need_intent="report_intermittent")
    tracker.latest_message = _says("ya volvió", "stop")

    messages, _ = run_action(ActionHandleInterruption(), tracker)

    assert responses(messages) == [
        "utter_intermittent_back_case_open", "utter_intermittent_back_visit_kept", "utter_anything_else"
    ]
    after = tickets.get(number)
    assert after.is_open and after.visit_start == booked.visit_start


def test_an_intermittent_fault_coming_back_read_as_a_stop_resumes_the_key_questions(
    demo_services: Services,  # noqa: F811
):
    tracker = load_tracker("key_questions_in_one_message")
    tracker.slots.update(ticket_number=_intermittent_ticket(demo_services), need_intent="report_intermittent")
    tracker.active_loop = {"name": "troubleshooting_form"}
    tracker.latest_message = _says("espera... ya volvio parece", "stop")

    messages, events = run_action(ActionHandleInterruption(), tracker)

    assert responses(messages) == ["utter_intermittent_back_case_open"]
    assert events == []  # the form is not ended: the RulePolicy resumes it and asks its question
