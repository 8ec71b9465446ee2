"""Cancellations: a reason said before the question is not asked again, and a cancellation
waiting behind the problem looked at first is offered again once that flow ends."""
from __future__ import annotations

import asyncio
import copy

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.cancellation import (
    ActionAskCancelChoice,
    ActionCancellation,
    ValidateCancellationForm,
    reason_already_given,
)
from actions.interruptions import ActionAnythingElse, ActionDeclineNextNeed, ActionHandleInterruption
from actions.routing import ActionRouteNeed
from actions.visits import ActionCloseResolved
from bot.ports.tickets import TicketKind
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

JUAN = "5234871"  # Juan Duarte Giménez, service 1003 (docs/demo-data.md)


def responses(messages):
    return [message["response"] for message in messages]


def slots(events):
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def at_contact_answer(text: str, intent: str = "affirm", first: str | None = None, **slot_values) -> Tracker:
    """Juan asked to cancel, was identified and answered the contact question with `text`."""
    tracker = load_tracker("cancellation_reason_at_contact")
    tracker.latest_message = {"text": text, "intent": {"name": intent}, "entities": []}
    tracker.events[9] = {**tracker.events[9], "text": text, "parse_data": {"intent": {"name": intent}}}
    if first is not None:
        tracker.events[3] = {**tracker.events[3], "text": first}
    tracker.slots.update(slot_values)
    return tracker


@pytest.mark.parametrize(
    ("first", "answer", "reason", "problem"),
    [
        # The play-test's two sentences, said to "¿su teléfono sigue siendo …?".
        (None, "si, esta bien, me voy porque se corta todo el tiempo",
         "me voy porque se corta todo el tiempo", "report_intermittent"),
        (None, "si. igual me quiero ir, es muy caro", "igual me quiero ir, es muy caro", None),
        # In the first message, the contact answer a bare yes.
        ("me quiero dar de baja porque se corta todo el tiempo, servicio 1003", "si",
         "me quiero dar de baja porque se corta todo el tiempo, servicio 1003", "report_intermittent"),
        ("quiero la baja del 1003, me cobraron de más otra vez", "sí, están bien",
         "quiero la baja del 1003, me cobraron de más otra vez", "billing_charge_dispute"),
        # In both: the two, in order.
        ("quiero dar de baja el 1003, ya no lo uso", "sí. y encima es carísimo",
         "quiero dar de baja el 1003, ya no lo uso / y encima es carísimo", None),
    ],
)
def test_a_reason_said_before_the_question_fills_it(first, answer, reason, problem):
    found = reason_already_given(at_contact_answer(answer, first=first, pending_needs=None))
    assert found.get("cancel_reason") == reason
    assert found.get("cancel_problem") == problem


@pytest.mark.parametrize("answer", ["sí", "si, esta bien", "no, el correo cambió, ahora es juan@correo.com"])
def test_no_reason_said_leaves_the_question_to_be_asked(answer):
    assert reason_already_given(at_contact_answer(answer, pending_needs=None)) == {}


def test_nlu_s_intent_alone_states_no_problem_behind_the_reason():
    found = reason_already_given(at_contact_answer("si, me voy porque no lo uso", "billing_charge_dispute"))
    assert found["cancel_reason"] == "me voy porque no lo uso" and found.get("cancel_problem") is None


def test_a_reason_of_an_earlier_cancellation_is_not_this_one_s():
    tracker = at_contact_answer("sí", cancel_reason="me mudo", cancel_problem=None)
    assert reason_already_given(tracker) == {"cancel_reason": None}


def test_the_routing_fills_the_reason_and_the_problem_is_offered_first(demo_services: Services):  # noqa: F811
    tracker = at_contact_answer("si, esta bien, me voy porque se corta todo el tiempo")
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN)

    messages, events = run_action(ActionRouteNeed(), tracker)

    assert responses(messages) == []
    assert slots(events) == {
        "route": "cancellation",
        "cancel_reason": "me voy porque se corta todo el tiempo",
        "cancel_problem": "report_intermittent",
        # "Anoto también lo de su conexión" is this very fix: not offered a second time after.
        "pending_needs": [],
    }
    tracker.slots.update(slots(events))

    # The form, activated with the reason filled, keeps it and its problem as they are...
    validated = asyncio.run(
        ValidateCancellationForm().validate_cancel_reason(
            tracker.slots["cancel_reason"], CollectingDispatcher(), tracker, {}
        )
    )
    assert validated == {"cancel_reason": "me voy porque se corta todo el tiempo"}
    # ...and goes on with the next question: the fix first, then the retention options.
    messages, _ = run_action(ActionAskCancelChoice(), tracker)
    assert responses(messages)[0] == "utter_cancel_fix_first_technical"
    assert responses(messages)[-1] == "utter_ask_cancel_choice_fix"
    assert "utter_ask_cancel_reason" not in responses(messages)


def _fix_first_chosen(pending=("report_intermittent", "billing_balance")) -> Tracker:
    return at_contact_answer(
        "dale, revisemos", "affirm",
        cancel_reason="me voy porque se corta todo el tiempo", cancel_problem="report_intermittent",
        cancel_choice="fix", pending_needs=list(pending), route="cancellation",
    )


def test_revisemos_keeps_the_cancellation_first_in_the_queue_with_its_reason():
    messages, events = run_action(ActionCancellation(), _fix_first_chosen())

    assert responses(messages) == ["utter_cancel_fix_first_accepted"]
    found = slots(events)
    assert found["route"] == "reroute" and found["need_intent"] == "report_intermittent"
    # The cancellation first; the connection queued on the way is the problem looked at now.
    assert found["pending_needs"] == ["cancel_service", "billing_balance"]
    assert found["cancel_fixed_first"] == "report_intermittent"
    assert "cancel_reason" not in found  # kept for when the customer still wants to leave


def _after_the_fix(**slot_values) -> Tracker:
    """The technical flow looked at first has just ended."""
    tracker = _fix_first_chosen()
    tracker.slots.update({
        "cancel_choice": None, "cancel_problem": None, "cancel_fixed_first": "report_intermittent",
        "need_intent": "report_intermittent", "pending_needs": ["cancel_service"], "ticket_number": None,
        "route": "troubleshoot", **slot_values,
    })
    return tracker


@pytest.mark.parametrize("end", [ActionAnythingElse(), ActionCloseResolved()])
def test_the_end_of_the_fix_asks_whether_they_still_want_to_leave(end):
    messages, events = run_action(end, _after_the_fix())
    assert responses(messages)[-1] == "utter_cancel_still_wanted"
    assert slots(events)["offered_next_need"] is True


def test_a_cancellation_queued_otherwise_is_offered_as_any_need():
    tracker = _after_the_fix(cancel_fixed_first=None)
    messages, _ = run_action(ActionAnythingElse(), tracker)
    assert responses(messages) == ["utter_next_need_cancellation"]


def test_fixed_it_is_fine_records_nothing_and_keeps_the_service(demo_services: Services):  # noqa: F811
    tracker = _after_the_fix(pending_needs=["cancel_service", "sales_inquiry"])
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN)

    messages, events = run_action(ActionDeclineNextNeed(), tracker)

    assert responses(messages) == ["utter_cancel_withdrawn", "utter_next_need_sales"]
    found = slots(events)
    assert found["cancel_reason"] is None and found["cancel_fixed_first"] is None
    assert found["pending_needs"] == ["sales_inquiry"]
    assert Blocking(demo_services.tickets).open_tickets_for(int(tracker.slots["customer_id"])) == []


def test_still_leaving_goes_on_to_the_retention_options_and_ticket(demo_services: Services):  # noqa: F811
    tracker = _after_the_fix(need_intent="cancel_service", pending_needs=[])
    tracker.slots["customer_id"] = demo_customer_id(demo_services, JUAN)

    # "Sí": the cancellation triaged again, routed with the reason it had; the fix is not
    # offered a second time.
    messages, events = run_action(ActionRouteNeed(), copy.deepcopy(tracker))
    assert responses(messages) == []
    assert slots(events) == {
        "route": "cancellation", "cancel_problem": None, "cancel_choice": None, "cancel_fixed_first": None,
    }
    tracker.slots.update(slots(events))
    messages, _ = run_action(ActionAskCancelChoice(), tracker)
    assert responses(messages)[0] == "utter_cancel_retention_offers"
    assert not any(r.startswith("utter_cancel_fix_first") for r in responses(messages))

    tracker.slots["cancel_choice"] = "leave"
    messages, events = run_action(ActionCancellation(), tracker)
    assert responses(messages) == ["utter_cancel_request_recorded"] and slots(events)["route"] == "person"
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert ticket.kind is TicketKind.RETENTION
    assert ticket.diagnostics["reason"] == "me voy porque se corta todo el tiempo"
    assert slots(events)["cancel_fixed_first"] is None and slots(events)["cancel_reason"] is None


def test_dejalo_asi_read_as_a_stop_declines_the_cancellation_too():
    tracker = _after_the_fix(offered_next_need=True)
    tracker.latest_message = {"text": "dejalo así", "intent": {"name": "stop"}, "entities": []}
    tracker.active_loop = {}

    messages, events = run_action(ActionHandleInterruption(), tracker)

    assert responses(messages) == ["utter_cancel_withdrawn", "utter_anything_else"]
    assert slots(events)["pending_needs"] == [] and slots(events)["cancel_fixed_first"] is None


# Play-test (issue 10): asked again after the retention offer, a second retention ticket was opened.
def _retention_chosen(demo_services: Services, choice: str) -> Tracker:  # noqa: F811
    tracker = at_contact_answer("no, quiero seguir con la baja igual", "cancel_service",
                                cancel_reason="es muy caro", cancel_choice=choice, route="cancellation")
    tracker.slots.update(customer_id=demo_customer_id(demo_services, JUAN), service_number="1003")
    return tracker


def test_a_cancellation_asked_again_never_opens_a_second_retention_ticket(demo_services: Services):  # noqa: F811
    messages, events = run_action(ActionCancellation(), _retention_chosen(demo_services, "leave"))
    assert responses(messages) == ["utter_cancel_request_recorded"]
    first = slots(events)["ticket_number"]

    # The request again, then an offer chosen: that ticket, with the choice added to it.
    again = (("leave", "utter_cancel_already_requested"), ("2", "utter_cancel_already_requested_offer"))
    for choice, said in again:
        messages, events = run_action(ActionCancellation(), _retention_chosen(demo_services, choice))
        assert responses(messages)[0] == said and messages[0]["ticket_number"] == first
        assert slots(events)["ticket_number"] == first and slots(events)["route"] == "handover"
    ticket = Blocking(demo_services.tickets).get(first)
    customer = int(ticket.customer_id)
    still_open = Blocking(demo_services.tickets).open_tickets_for(customer)
    retention = [t for t in still_open if t.kind is TicketKind.RETENTION]
    assert [t.number for t in retention] == [first]
    assert "Pasar a un plan" in ticket.answers[-1].body


def test_the_form_started_again_answers_with_the_open_ticket_at_once(demo_services: Services):  # noqa: F811
    _, events = run_action(ActionCancellation(), _retention_chosen(demo_services, "leave"))
    first = slots(events)["ticket_number"]
    tracker = _retention_chosen(demo_services, None)
    tracker.slots.update(cancel_reason=None, requested_slot=None)
    tracker.active_loop = {}  # the form being activated: nothing asked yet
    dispatcher = CollectingDispatcher()
    validated = asyncio.run(ValidateCancellationForm().run(dispatcher, tracker, {}))
    assert responses(dispatcher.messages) == ["utter_cancel_already_requested"]
    assert dispatcher.messages[0]["ticket_number"] == first
    found = {event["name"]: event["value"] for event in validated if event["event"] == "slot"}
    assert found["requested_slot"] is None and found["cancel_choice"] == "already_requested"
    # The form done, action_cancellation only closes the need: nothing recorded, nothing said twice.
    tracker.slots.update(found)
    messages, events = run_action(ActionCancellation(), tracker)
    [said] = responses(messages)  # what comes next (a need queued on the way, or "¿algo más?")
    assert said.startswith(("utter_anything_else", "utter_next_need_"))
    assert slots(events)["route"] == "handover"
    assert len(Blocking(demo_services.tickets).get(first).answers) >= 2  # the words asked again kept
