"""Visits and related cases: one fault gets one visit, one need one ticket."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.closing import ActionAnswerThanks, ActionAnswerYes
from actions.fallback import ActionHandleFallback
from actions.greeting import ActionAcknowledgeInform
from actions.interruptions import ActionHandleInterruption
from actions.line_checks import ActionRunLineChecks
from actions.visits import ActionCloseResolved, ActionOpenRelatedCase, ActionScheduleVisit
from bot.ports.tickets import TicketCategory
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

JUAN_CARLOS, PEDRO, MARIA, ANA = "3987654", "2876543", "4123567", "5234871"


def responses(messages):
    return [message["response"] for message in messages]


def test_a_visit_already_booked_is_told_instead_of_booking_another(demo_services: Services):  # noqa: F811
    tracker = load_tracker("visit_booked_asks_when")
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN_CARLOS)
    before = Blocking(demo_services.tickets).get("TK-10001")

    messages, _ = run_action(ActionScheduleVisit(), tracker)

    assert responses(messages) == [
        "utter_visit_already_booked", "utter_ticket_summary", "utter_anything_else"
    ]
    after = Blocking(demo_services.tickets).get("TK-10001")
    assert (after.visit_start, after.visit_end) == (before.visit_start, before.visit_end)
    assert after.answers == before.answers
    assert messages[0]["visit_from"] and messages[0]["visit_date"]


def test_the_offers_after_the_line_checks_go_to_the_billing_and_sales_flows(
    demo_services: Services,  # noqa: F811
):
    tracker = load_tracker("identified_customer_states_need")
    tracker.slots.update(
        customer_id=demo_customer_id(demo_services, PEDRO),
        service_number="1004",
        need_intent="report_no_connection",
    )
    for verdict, need in (("suspended", "billing_payment"), ("saturation", "sales_inquiry")):
        tracker.slots["line_verdict"] = verdict
        messages, events = run_action(ActionOpenRelatedCase(), tracker)
        assert messages == []  # the routing, next by rule, says what follows
        assert [e["value"] for e in events if e.get("name") == "need_intent"] == [need]


def _says(tracker, text, intent="inform"):
    tracker.latest_message = {"text": text, "intent": {"name": intent}, "entities": []}
    return tracker


def test_the_service_back_cancels_the_visit_booked_and_closes_the_ticket(demo_services: Services):  # noqa: F811
    tracker = load_tracker("visit_booked_asks_when")
    _says(tracker, "volvió la luz y ya funciona", "report_no_connection")
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN_CARLOS)

    messages, _ = run_action(ActionScheduleVisit(), tracker)

    assert responses(messages) == ["utter_service_back_visit_cancelled", "utter_anything_else"]
    assert messages[0]["ticket_number"] == "TK-10001" and messages[0]["visit_date"]
    after = Blocking(demo_services.tickets).get("TK-10001")
    assert not after.is_open and after.visit_start is None


def test_the_fault_reported_again_after_the_advice_still_gets_a_visit(demo_services: Services):  # noqa: F811
    tracker = _says(load_tracker("visit_booked_asks_when"), "no, sigue sin andar", "deny")
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN_CARLOS)
    messages, _ = run_action(ActionScheduleVisit(), tracker)
    assert responses(messages)[0] == "utter_visit_already_booked"
    assert Blocking(demo_services.tickets).get("TK-10001").is_open


def _open_technical_ticket(services: Services) -> str:
    customer_id = int(demo_customer_id(services, MARIA))
    ticket = Blocking(services.tickets).open_ticket(
        customer_id, 1001, TicketCategory.TECHNICAL, "Sin conexión", "Sin conexión"
    )
    return ticket.number


@pytest.mark.parametrize(
    ("action", "text", "intent"),
    [
        (ActionHandleFallback(), "ya anda", "nlu_fallback"),
        (ActionHandleInterruption(), "ya volvió", "stop"),
        (ActionAcknowledgeInform(), "ah ya anda, volvió", "inform"),
        (ActionAnswerThanks(), "gracias, ya volvió el internet", "thanks"),
        (ActionAnswerYes(), "si si, ya anda todo", "affirm"),
    ],
)
def test_the_service_back_closes_the_case_whatever_nlu_read(
    demo_services: Services, action, text, intent  # noqa: F811
):
    tracker = _says(load_tracker("identified_customer_states_need"), text, intent)
    tracker.slots.update(
        ticket_number=_open_technical_ticket(demo_services),
        need_intent="report_no_connection",
        customer_id=demo_customer_id(demo_services, MARIA),
    )

    messages, _ = run_action(action, tracker)

    assert responses(messages) == ["utter_service_back", "utter_anything_else"]
    assert not Blocking(demo_services.tickets).get(tracker.slots["ticket_number"]).is_open


def test_the_service_back_before_the_checks_runs_no_check_and_closes_by_rule(demo_services: Services):  # noqa: F811
    tracker = _says(load_tracker("identified_customer_states_need"), "ya volvió", "stop")
    tracker.slots.update(
        ticket_number=_open_technical_ticket(demo_services),
        need_intent="report_no_connection",
        customer_id=demo_customer_id(demo_services, MARIA),
    )

    messages, events = run_action(ActionRunLineChecks(), tracker)
    assert messages == [] and events == [SlotSet("line_verdict", "service_back")]

    tracker.slots["line_verdict"] = "service_back"
    messages, _ = run_action(ActionCloseResolved(), tracker)
    assert responses(messages) == ["utter_service_back", "utter_anything_else"]
    ticket = Blocking(demo_services.tickets).get(tracker.slots["ticket_number"])
    assert not ticket.is_open and ticket.visit_start is None


def test_an_intermittent_fault_back_read_as_a_yes_keeps_the_case_open_and_the_questions_going(
    demo_services: Services,  # noqa: F811
):
    tracker = _says(load_tracker("identified_customer_states_need"), "espera... ya volvio parece", "affirm")
    tracker.slots.update(
        ticket_number=_open_technical_ticket(demo_services),
        need_intent="report_intermittent",
        customer_id=demo_customer_id(demo_services, MARIA),
    )
    tracker.active_loop = {"name": "troubleshooting_form"}

    messages, events = run_action(ActionAnswerYes(), tracker)

    assert responses(messages) == ["utter_intermittent_back_case_open"]
    assert events == []  # the form goes on with its question
    assert Blocking(demo_services.tickets).get(tracker.slots["ticket_number"]).is_open


def _technical_case(services: Services, document_id: str, service: int) -> tuple:
    """A conversation that opened a technical ticket and answered the key questions."""
    customer_id = demo_customer_id(services, document_id)
    ticket = Blocking(services.tickets).open_ticket(
        int(customer_id), service, TicketCategory.TECHNICAL, "Sin internet", "No tengo internet"
    )
    tracker = load_tracker("identified_customer_states_need")
    tracker.slots.update(
        customer_id=customer_id,
        service_number=str(service),
        ticket_number=ticket.number,
        need_intent="report_no_connection",
        need_text="no tengo internet",
    )
    _says(tracker, "somos 4 y tenemos como 8 equipos")
    return tracker, ticket


def test_the_checks_of_a_suspended_service_close_the_ticket_with_their_notes(
    demo_services: Services,  # noqa: F811
):
    tracker, before = _technical_case(demo_services, PEDRO, 1004)

    _, events = run_action(ActionRunLineChecks(), tracker)

    assert [e["value"] for e in events if e.get("name") == "line_verdict"] == ["suspended"]
    after = Blocking(demo_services.tickets).get(before.number)
    notes = [(a.author.value, a.body) for a in after.answers[len(before.answers):]]
    assert [author for author, _ in notes] == ["bot", "bot"]
    assert notes[0][1].startswith("Pruebas de línea realizadas por el asistente:")
    assert notes[1][1].startswith("Sin falla técnica: servicio suspendido")
    assert (after.status, after.is_open) == ("closed", False) and after.closed_at is not None
    assert set(after.diagnostics) >= {"checks", "decision", "answers"}
    assert after.diagnostics["decision"]["verdict"] == "suspended"


def test_the_checks_on_a_continued_ticket_keep_the_words_it_was_opened_with(
    demo_services: Services,  # noqa: F811
):
    customer_id = demo_customer_id(demo_services, ANA)
    said = "se corta a cada rato desde el lunes"
    ticket = Blocking(demo_services.tickets).open_ticket(
        int(customer_id), 1003, TicketCategory.TECHNICAL, "Intermitencia", said, customer_words=said
    )
    tracker, _ = _technical_case(demo_services, ANA, 1003)
    tracker.slots["ticket_number"] = ticket.number  # continued: the new words went on it as an answer

    run_action(ActionRunLineChecks(), tracker)

    checked = Blocking(demo_services.tickets).get(ticket.number)
    assert checked.diagnostics["decision"] and checked.customer_words == said


def test_a_line_fault_is_recorded_then_booked_each_with_its_note(demo_services: Services):  # noqa: F811
    tracker, before = _technical_case(demo_services, ANA, 1003)

    _, events = run_action(ActionRunLineChecks(), tracker)

    assert [e["value"] for e in events if e.get("name") == "line_verdict"] == ["visit"]
    checked = Blocking(demo_services.tickets).get(before.number)
    assert checked.is_open and checked.extra_cost_may_apply
    reasons = ", ".join(checked.diagnostics["decision"]["reasons"])
    assert [a.body for a in checked.answers[len(before.answers):]] == [
        f"Pruebas de línea realizadas por el asistente: {reasons}."
    ]

    tracker.slots["line_verdict"] = "visit"
    messages, _ = run_action(ActionScheduleVisit(), tracker)

    assert responses(messages) == [
        "utter_visit_scheduled", "utter_visit_extra_cost", "utter_ticket_summary", "utter_anything_else"
    ]
    booked = Blocking(demo_services.tickets).get(before.number)
    assert booked.status == "in_progress" and booked.visit_start and booked.visit_end
    [note] = [a.body for a in booked.answers[len(checked.answers):]]
    assert note.startswith("Visita técnica agendada: ")
    assert note.endswith("Puede aplicar costo por manipulación o daño interno.")


def test_advice_that_helped_closes_the_ticket_with_its_note(demo_services: Services):  # noqa: F811
    tracker, before = _technical_case(demo_services, MARIA, 1001)
    tracker.slots["line_verdict"] = "advice"
    _says(tracker, "sí, ya anda", "affirm")

    messages, _ = run_action(ActionCloseResolved(), tracker)

    assert responses(messages)[0] == "utter_glad_it_helped"
    after = Blocking(demo_services.tickets).get(before.number)
    assert not after.is_open
    assert [a.author.value for a in after.answers[len(before.answers):]] == ["bot"]
