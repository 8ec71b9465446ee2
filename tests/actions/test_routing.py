"""Routing a need: a case already open for it is continued, never opened twice."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.cancellation import ActionCancellation
from actions.follow_up import ActionTicketStatus
from actions.routing import ActionRouteNeed
from bot.ports.tickets import AnswerAuthor, TicketKind
from bot.wiring import Services
from tests.actions.conftest import counting_customer_reads, load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

MARIA, JUAN_CARLOS, PEDRO, RAMON = "4123567", "3987654", "2876543", "2345987"


def responses(messages):
    return [message["response"] for message in messages]


def slots(events):
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def states_need(services: Services, document_id: str, service: str, intent: str, text: str) -> Tracker:
    tracker = load_tracker("identified_customer_states_need")
    tracker.slots.update(
        customer_id=demo_customer_id(services, document_id), service_number=service,
        need_intent=intent, need_text=text,
    )
    tracker.events[3] = {**tracker.events[3], "text": text,
                         "parse_data": {"intent": {"name": intent}, "entities": []}}
    return tracker


def open_tickets(services: Services, customer_id: str):
    return Blocking(services.tickets).open_tickets_for(int(customer_id))


def test_when_do_they_come_after_a_visit_was_booked_shows_that_visit(demo_services: Services):  # noqa: F811
    tracker = load_tracker("visit_booked_asks_when")
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN_CARLOS)

    messages, events = run_action(ActionRouteNeed(), tracker)

    # NLU read it as a new fault; it is the booked visit's case, said to be followed there.
    assert responses(messages) == ["utter_case_continued"]
    assert messages[0]["ticket_number"] == "TK-10001"
    assert slots(events) == {"ticket_number": "TK-10001", "route": "follow_up"}
    assert [t.number for t in open_tickets(demo_services, tracker.slots["customer_id"])] == ["TK-10001"]
    ticket = Blocking(demo_services.tickets).get("TK-10001")
    last = ticket.answers[-1]
    assert (last.author, last.body) == (AnswerAuthor.CUSTOMER, "¿y cuándo vienen?")

    # The follow-up the rule runs next tells the visit and offers to move it.
    tracker.slots.update(slots(events))
    messages, events = run_action(ActionTicketStatus(), tracker)
    assert "utter_ticket_visit" in responses(messages) and responses(messages)[-1] == "utter_ask_reschedule"
    assert slots(events)["reschedule_ticket"] == "TK-10001"


def test_a_technical_need_routed_reads_the_customer_once(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch  # noqa: F811
):
    """The suspension check, the case and the answers each ask for the customer: one read a call."""
    read = counting_customer_reads(demo_services, monkeypatch)
    tracker = states_need(demo_services, MARIA, "1001", "report_slow_connection", "anda lentísimo")

    messages, events = run_action(ActionRouteNeed(), tracker)

    assert responses(messages) == ["utter_ticket_opened"] and slots(events)["route"] == "troubleshoot"
    assert read == [int(tracker.slots["customer_id"])]


def test_the_same_fault_again_continues_its_ticket_and_skips_questions_it_answered(
    demo_services: Services,  # noqa: F811
):
    tracker = states_need(demo_services, MARIA, "1001", "report_slow_connection", "anda lentísimo")
    messages, events = run_action(ActionRouteNeed(), tracker)
    assert responses(messages) == ["utter_ticket_opened"]
    first = slots(events)["ticket_number"]
    Blocking(demo_services.tickets).update(
        first, diagnostics={"answers": {"problem_since": "2026-01-05", "devices_scope": "all"}}
    )

    # After a goodbye the customer comes back with the same fault.
    again = states_need(demo_services, MARIA, "1001", "report_no_connection", "sigue sin andar nada")
    messages, events = run_action(ActionRouteNeed(), again)

    assert responses(messages) == ["utter_case_continued"]
    assert slots(events)["ticket_number"] == first and slots(events)["route"] == "troubleshoot"
    assert slots(events)["problem_since"] == "2026-01-05" and slots(events)["devices_scope"] == "all"
    assert slots(events)["connection_type"] is None
    assert [t.number for t in open_tickets(demo_services, again.slots["customer_id"])] == [first]
    words = [a.body for a in Blocking(demo_services.tickets).get(first).answers]
    assert words == ["sigue sin andar nada"]


def test_a_need_for_a_person_said_twice_gets_one_ticket(demo_services: Services):  # noqa: F811
    tracker = states_need(demo_services, MARIA, "1001", "request_human", "quiero hablar con una persona")
    messages, events = run_action(ActionRouteNeed(), tracker)
    # The ticket is opened silently: the handoff (action_hand_over) tells the customer what follows.
    assert responses(messages) == [] and slots(events)["route"] == "person"
    first = slots(events)["ticket_number"]

    again = states_need(demo_services, MARIA, "1001", "request_human", "pasame con alguien por favor")
    messages, events = run_action(ActionRouteNeed(), again)

    assert responses(messages) == ["utter_case_continued"]
    assert slots(events)["ticket_number"] == first and slots(events)["route"] == "person"
    assert [t.number for t in open_tickets(demo_services, again.slots["customer_id"])] == [first]


def test_a_person_asked_for_continues_the_case_under_way_but_not_a_closed_one(
    demo_services: Services,  # noqa: F811
):
    tracker = states_need(demo_services, MARIA, "1001", "report_no_connection", "no tengo internet")
    _, events = run_action(ActionRouteNeed(), tracker)
    technical = slots(events)["ticket_number"]
    tracker.slots["ticket_number"] = technical

    person = states_need(demo_services, MARIA, "1001", "request_human", "quiero hablar con una persona")
    person.slots["ticket_number"] = technical
    messages, events = run_action(ActionRouteNeed(), person)
    assert messages == [] and slots(events) == {"route": "person"}  # the person takes that case

    closed = Blocking(demo_services.tickets).update(technical, status="closed")  # solved by the advice
    messages, events = run_action(ActionRouteNeed(), person)
    assert slots(events)["route"] == "person" and slots(events)["ticket_number"] != technical
    assert Blocking(demo_services.tickets).get(technical) == closed  # nothing put on the closed case


def test_a_cancelled_service_asking_to_cancel_is_told_so_without_a_ticket(demo_services: Services):  # noqa: F811
    tracker = states_need(demo_services, RAMON, "1012", "cancel_service", "quiero dar de baja el servicio")

    messages, events = run_action(ActionRouteNeed(), tracker)

    assert responses(messages) == ["utter_service_already_cancelled", "utter_anything_else"]
    assert slots(events)["route"] == "handover" and "ticket_number" not in slots(events)
    assert open_tickets(demo_services, tracker.slots["customer_id"]) == []


def test_a_suspended_line_reported_down_goes_to_the_debt_without_a_technical_case(
    demo_services: Services,  # noqa: F811
):
    """Play-test: Pedro (cut for non-payment) was asked the key questions before the line
    checks told him. One factor: told the suspension and asked a second; two: the billing answer."""
    for factors, said, route in ((1.0, ["utter_line_suspended"], "verify"), (2.0, [], "billing")):
        tracker = states_need(demo_services, PEDRO, "1004", "report_no_connection", "me cortaron el internet")
        tracker.slots["identity_factors"] = factors
        messages, events = run_action(ActionRouteNeed(), tracker)
        assert responses(messages) == said
        assert slots(events) == {"need_intent": "billing_balance", "line_verdict": None, "route": route}
        assert open_tickets(demo_services, tracker.slots["customer_id"]) == []
    paid = "ya pagué y sigo sin internet"
    tracker = states_need(demo_services, PEDRO, "1004", "report_no_connection", paid)
    _, events = run_action(ActionRouteNeed(), tracker)
    assert slots(events)["need_intent"] == "billing_payment"


def test_a_suspended_service_can_ask_to_cancel_and_retention_is_told_of_the_debt(
    demo_services: Services,  # noqa: F811
):
    tracker = states_need(demo_services, PEDRO, "1004", "cancel_service", "quiero la baja")

    messages, events = run_action(ActionRouteNeed(), tracker)

    # The bot's own flow asks the reason first (actions/cancellation.py); no ticket yet.
    assert responses(messages) == [] and slots(events) == {"route": "cancellation"}
    assert open_tickets(demo_services, tracker.slots["customer_id"]) == []

    tracker.slots.update(cancel_reason="me mudo", cancel_choice="leave")
    messages, events = run_action(ActionCancellation(), tracker)
    assert responses(messages) == ["utter_cancel_request_recorded"] and slots(events)["route"] == "person"
    [ticket] = open_tickets(demo_services, tracker.slots["customer_id"])
    assert ticket.number == slots(events)["ticket_number"] and ticket.category == "cancellation"
    assert ticket.kind is TicketKind.RETENTION and ticket.diagnostics["choice"] == "leave"
    assert [a.author for a in ticket.answers] == [AnswerAuthor.BOT, AnswerAuthor.BOT]
    assert "Motivo: «me mudo»" in ticket.answers[0].body and "seguir con la baja" in ticket.answers[0].body
    assert "suspendido" in ticket.answers[1].body


def test_billing_sales_and_cancellations_go_to_the_bot_s_own_flows(demo_services: Services):  # noqa: F811
    for intent, route in (
        ("billing_charge_dispute", "verify"),  # one factor in the fixture: the second first
        ("sales_inquiry", "sales"),
        ("cancel_service", "cancellation"),
    ):
        tracker = states_need(demo_services, MARIA, "1001", intent, "…")
        messages, events = run_action(ActionRouteNeed(), tracker)
        assert (responses(messages), slots(events)) == ([], {"route": route}), intent
    assert open_tickets(demo_services, tracker.slots["customer_id"]) == []


def test_needs_of_different_areas_are_different_cases(demo_services: Services):  # noqa: F811
    tracker = states_need(demo_services, MARIA, "1001", "report_no_connection", "no tengo internet")
    run_action(ActionRouteNeed(), tracker)
    other = states_need(demo_services, MARIA, "1001", "request_human", "quiero hablar con una persona")
    messages, events = run_action(ActionRouteNeed(), other)
    assert responses(messages) == [] and slots(events)["route"] == "person"
    assert len(open_tickets(demo_services, other.slots["customer_id"])) == 2
