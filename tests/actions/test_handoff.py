"""Handing over to a person, and the pushes the desk runs: over a real demo database."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Tracker

from actions.handoff import (
    ActionHandoffAccepted,
    ActionHandoffCallback,
    ActionHandoffNews,
    ActionHandoffResume,
    ActionHandOver,
    reason_intent,
)
from actions.routing import ActionRouteNeed
from bot.handoff.hours import Closure
from bot.handoff.records import Outcome, Presence, Status
from bot.ports.tickets import AnswerAuthor
from bot.wiring import Services
from tests.actions.conftest import run_action
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)
from tests.actions.test_routing import MARIA, responses, slots, states_need
from tests.support.ports import Blocking


def run(awaitable: Any) -> Any:
    return asyncio.run(awaitable)


def now() -> datetime:
    return datetime.now(timezone.utc)


def with_agents_online(services: Services, *queues: str) -> None:
    run(services.handoffs.upsert_agent("gabriela", "Gabriela Benítez", queues))
    run(services.handoffs.set_presence("gabriela", Presence.ONLINE, now()))


def routed(
    services: Services, intent: str = "billing_charge_dispute", text: str = "me cobraron 800.000 de más"
) -> Tracker:
    """María, verified with two factors, states a need that goes to a person; the route opened its ticket.

    A claim above 500.000 goes to a person by the operator's rule (bot/handoff/rules.yml).
    """
    tracker = states_need(services, MARIA, "1001", intent, text)
    tracker.slots["identity_factors"] = 2.0
    _, events = run_action(ActionRouteNeed(), tracker)
    tracker.slots.update(slots(events))
    assert tracker.slots["route"] == "person"
    return tracker


def test_with_someone_online_the_customer_waits_paused_with_the_context_for_the_person(
    demo_services: Services,  # noqa: F811
):
    with_agents_online(demo_services, "billing")
    tracker = routed(demo_services)

    messages, events = run_action(ActionHandOver(), tracker)

    assert responses(messages) == [
        "utter_handoff_waiting",
        "utter_handoff_next_in_line",
        "utter_handoff_choice",
    ]
    assert messages[0]["name"] == "María" and messages[0]["queue"] == "facturación"
    kinds = [event["event"] for event in events]
    assert kinds[-2:] == ["pause", "action"] and events[-1]["name"] == "action_listen"
    handoff = run(demo_services.handoffs.latest_for(tracker.sender_id))
    assert (handoff.status, handoff.queue, handoff.customer_name, handoff.verified) == (
        Status.WAITING,
        "billing",
        "María Benítez",
        True,
    )
    assert handoff.ticket_number == tracker.slots["ticket_number"]
    assert "me cobraron 800.000 de más" in handoff.recap and handoff.ticket_number in handoff.recap
    assert "reclamo por un monto alto" in handoff.recap
    assert "verificado" in handoff.recap


def test_the_reason_and_recap_keep_the_customers_words_with_their_id_and_phone_masked(
    demo_services: Services,  # noqa: F811
):
    said = "me cobraron 800.000 de más, servicio 1001 4.123.567, cel 0981 234 567"
    tracker = routed(demo_services, text=said)

    run_action(ActionHandOver(), tracker)

    handoff = run(demo_services.handoffs.latest_for(tracker.sender_id))
    masked = "me cobraron 800.000 de más, servicio 1001 ****567, cel +595******567"
    assert handoff.reason_text == masked and masked in handoff.recap
    assert "4.123.567" not in handoff.recap and "0981 234 567" not in handoff.recap


def test_with_nobody_online_a_callback_is_noted_on_the_ticket_and_the_bot_carries_on(
    demo_services: Services,  # noqa: F811
):
    tracker = routed(demo_services)

    messages, events = run_action(ActionHandOver(), tracker)

    assert responses(messages) == ["utter_handoff_callback_nobody", "utter_anything_else"]
    assert messages[0]["ticket_number"] == tracker.slots["ticket_number"]
    assert "pause" not in [event["event"] for event in events]
    ticket = Blocking(demo_services.tickets).get(tracker.slots["ticket_number"])
    assert ticket.answers[-1].author is AnswerAuthor.BOT and "llamar al cliente" in ticket.answers[-1].body


def test_an_unidentified_customer_still_reaches_a_person(demo_services: Services):  # noqa: F811
    with_agents_online(demo_services, "general")
    tracker = states_need(demo_services, MARIA, "1001", "request_human", "quiero hablar con alguien")
    tracker.slots.update(customer_id=None, service_number=None, customer_name=None, identity_unanswered=3.0)

    messages, events = run_action(ActionHandOver(), tracker)

    assert responses(messages)[0] == "utter_handoff_waiting_unnamed"
    handoff = run(demo_services.handoffs.latest_for(tracker.sender_id))
    assert (handoff.queue, handoff.customer_name, handoff.verified, handoff.ticket_number) == (
        "general",
        None,
        False,
        None,
    )
    assert "No identificado: no tenía sus datos a mano." in handoff.recap


def test_a_person_asked_for_mid_case_is_for_that_case_and_its_ticket(demo_services: Services):  # noqa: F811
    tracker = states_need(demo_services, MARIA, "1001", "report_no_connection", "no tengo internet")
    _, events = run_action(ActionRouteNeed(), tracker)
    tracker.slots.update(slots(events))
    case_ticket = tracker.slots["ticket_number"]
    # "quiero hablar con una persona" in the middle of the key questions: triage makes it the need.
    tracker.events.append({"event": "slot", "name": "need_intent", "value": "report_no_connection"})
    tracker.slots.update(need_intent="request_human")
    _, events = run_action(ActionRouteNeed(), tracker)
    assert slots(events) == {"route": "person"}  # no second ticket
    assert reason_intent(tracker) == "report_no_connection"
    with_agents_online(demo_services, "technical")

    run_action(ActionHandOver(), tracker)

    handoff = run(demo_services.handoffs.latest_for(tracker.sender_id))
    assert (handoff.queue, handoff.reason_intent, handoff.ticket_number) == (
        "technical",
        "report_no_connection",
        case_ticket,
    )


def test_news_thank_by_name_and_say_the_place(demo_services: Services):  # noqa: F811
    with_agents_online(demo_services, "billing")
    tracker = routed(demo_services)
    run_action(ActionHandOver(), tracker)

    messages, events = run_action(ActionHandoffNews(), tracker)

    assert responses(messages) == ["utter_handoff_news_next", "utter_handoff_news_choice"]
    assert messages[0]["name"] == "María" and messages[0]["position"] == 1
    assert [e["name"] for e in events] == ["action_listen"]


def test_the_bot_comes_back_by_name_after_a_release_and_names_the_agent_after_a_close(
    demo_services: Services,  # noqa: F811
):
    with_agents_online(demo_services, "billing")
    tracker = routed(demo_services)
    run_action(ActionHandOver(), tracker)
    handoff = run(demo_services.handoffs.latest_for(tracker.sender_id))
    run(demo_services.handoffs.accept(handoff.id, "gabriela", now()))
    run(demo_services.handoffs.release(handoff.id, now()))

    messages, events = run_action(ActionHandoffResume(), tracker)

    assert responses(messages) == ["utter_handoff_back"] and messages[0]["name"] == "María"
    assert events[0]["event"] == "resume" and events[-1]["name"] == "action_listen"

    run_action(ActionHandOver(), tracker)
    again = run(demo_services.handoffs.latest_for(tracker.sender_id))
    run(demo_services.handoffs.accept(again.id, "gabriela", now()))
    run(demo_services.handoffs.close(again.id, "Se explicó la factura.", now()))
    messages, _ = run_action(ActionHandoffResume(), tracker)
    assert responses(messages) == ["utter_handoff_closed"] and messages[0]["agent"] == "Gabriela"


def test_no_agent_in_time_leaves_a_callback_and_resumes(demo_services: Services):  # noqa: F811
    with_agents_online(demo_services, "billing")
    tracker = routed(demo_services)
    run_action(ActionHandOver(), tracker)
    run(demo_services.handoffs.tick(now() + timedelta(hours=1)))
    assert run(demo_services.handoffs.latest_for(tracker.sender_id)).outcome is Outcome.CALLBACK

    messages, events = run_action(ActionHandoffCallback(), tracker)

    assert responses(messages) == ["utter_handoff_callback_timeout", "utter_handoff_still_here"]
    assert events[0]["event"] == "resume"


def test_the_customer_hears_who_took_the_conversation_and_a_leaver_is_told(demo_services: Services):  # noqa: F811
    with_agents_online(demo_services, "billing")
    tracker = routed(demo_services)
    run_action(ActionHandOver(), tracker)
    handoff = run(demo_services.handoffs.latest_for(tracker.sender_id))
    run(demo_services.handoffs.accept(handoff.id, "gabriela", now()))

    messages, events = run_action(ActionHandoffAccepted(), tracker)
    assert responses(messages) == ["utter_handoff_accepted"]
    assert (messages[0]["name"], messages[0]["agent"]) == ("María", "Gabriela")

    run(demo_services.handoffs.release(handoff.id, now()))
    run_action(ActionHandOver(), tracker)
    again = run(demo_services.handoffs.latest_for(tracker.sender_id))
    chau = {"event": "user", "text": "ya no hace falta, chau", "timestamp": now().timestamp()}
    run(demo_services.handoffs.record(tracker.sender_id, chau, now()))
    assert run(demo_services.handoffs.get(again.id)).outcome is Outcome.ABANDONED
    messages, _ = run_action(ActionHandoffResume(), tracker)
    assert responses(messages) == ["utter_handoff_left"]


def test_out_of_hours_until_midnight_promises_the_day_not_a_call_at_midnight(
    demo_services: Services,  # noqa: F811
):
    tracker = routed(demo_services)
    today = datetime.now(demo_services.company.tzinfo).date()
    closed = dataclasses.replace(
        demo_services.handoffs.hours,
        closures=(
            Closure(day=today, queue="billing"),
            Closure(day=today + timedelta(days=1), queue="billing"),
        ),
    )
    demo_services.handoffs.hours = closed
    with_agents_online(demo_services, "billing")

    messages, _ = run_action(ActionHandOver(), tracker)

    assert responses(messages)[0] == "utter_handoff_callback_closed_day"
    assert messages[0]["when_date"]  # the day only: its text has no {when_time}
    ticket = Blocking(demo_services.tickets).get(tracker.slots["ticket_number"])
    assert "en horario de atención" in ticket.answers[-1].body


def test_a_number_given_with_the_callback_is_the_one_called(demo_services: Services):  # noqa: F811
    with_agents_online(demo_services, "billing")
    tracker = routed(demo_services)
    run_action(ActionHandOver(), tracker)
    choice = {"event": "user", "text": "mejor llámenme al 0981 222333", "timestamp": now().timestamp()}
    run(demo_services.handoffs.record(tracker.sender_id, choice, now()))

    messages, _ = run_action(ActionHandoffCallback(), tracker)

    assert responses(messages)[0] == "utter_handoff_callback_chosen"
    assert messages[0]["customer_phone"] == "0981 222333"
    ticket = Blocking(demo_services.tickets).get(tracker.slots["ticket_number"])
    assert "Pidió que le llamen al 0981 222333." in ticket.answers[-1].body
