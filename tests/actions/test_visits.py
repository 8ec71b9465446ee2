"""Visits and related cases: one fault gets one visit, one need one ticket."""
from __future__ import annotations

from actions.visits import ActionOpenRelatedCase, ActionScheduleVisit
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

JUAN_CARLOS, PEDRO = "3987654", "2876543"


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
