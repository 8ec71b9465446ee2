"""A customer's plan change request (play-test, issue 10): a sales ticket of kind plan_change,
one per service while open, which the adviser offered then takes; never a bare request_human."""
from __future__ import annotations

from actions.sales import ActionSales
from bot.ports.tickets import TicketCategory, TicketKind
from bot.wiring import Services
from tests.actions.conftest import run_action
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)
from tests.actions.test_billing import identified, responses, slots, stated_now
from tests.support.ports import Blocking

JUAN, MARIA = "5234871", "4123567"  # Hogar 50 (1003), Fibra 300 (1001)


def test_pasarme_al_plan_de_300_is_a_plan_change_ticket_for_that_plan(demo_services: Services) -> None:  # noqa: F811
    text = "quiero pasarme al plan de 300, servicio 1003"
    tracker = identified(demo_services, JUAN, "1003", "sales_inquiry", text, factors=1.0)
    messages, events = run_action(ActionSales(), tracker)
    assert responses(messages) == [
        "utter_sales_upgrade_offer", "utter_sales_plan_change_recorded", "utter_sales_offer_adviser"
    ]
    assert messages[0]["next_plan"] == "Fibra 300" and messages[0]["difference"] == "110.000 PYG"
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert ticket.category is TicketCategory.SALES and ticket.kind is TicketKind.PLAN_CHANGE
    assert ticket.diagnostics["requested_plan"] == "Fibra 300"
    assert ticket.diagnostics["current_plan"] == "Hogar 50"
    assert ticket.customer_words == text  # routed once the contact was confirmed: no bare "sí"
    # The adviser offered takes this ticket ("sí": actions/routing.py continues ticket_number's case).
    assert slots(events)["offered_human"] is True

    # Asked again: the same ticket, not a second one.
    again, events = run_action(ActionSales(), tracker)
    assert "utter_sales_plan_change_already_requested" in responses(again)
    assert slots(events)["ticket_number"] == ticket.number
    open_tickets = Blocking(demo_services.tickets).open_tickets_for(int(tracker.get_slot("customer_id")))
    assert [t.number for t in open_tickets if t.kind is TicketKind.PLAN_CHANGE] == [ticket.number]


def test_subir_de_plan_hears_the_next_faster_plan_and_books_none(demo_services: Services) -> None:  # noqa: F811
    """No plan named: the next faster one is offered, with the adviser, but nothing is recorded
    for a plan the customer never chose (play-test: "quiero subir de plan" booked Fibra 100)."""
    tracker = identified(demo_services, MARIA, "1001", "sales_inquiry", "quiero subir de plan", factors=2.0)
    messages, events = run_action(ActionSales(), tracker)
    assert messages[0]["next_plan"] == "Fibra 600"
    assert responses(messages) == ["utter_sales_upgrade_offer", "utter_sales_offer_adviser"]
    assert "ticket_number" not in slots(events)


def test_a_question_about_prices_records_nothing(demo_services: Services) -> None:  # noqa: F811
    tracker = identified(demo_services, MARIA, "1001", "sales_inquiry", "cuánto sale el plan de 600?", 2.0)
    messages, events = run_action(ActionSales(), tracker)
    assert responses(messages) == ["utter_sales_upgrade_offer", "utter_sales_offer_adviser"]
    assert "ticket_number" not in slots(events)


def test_a_slower_plan_named_is_a_plan_change_with_the_saving(demo_services: Services) -> None:  # noqa: F811
    text = "quiero cambiarme al plan de 100, es muy caro"
    tracker = identified(demo_services, MARIA, "1001", "sales_inquiry", text, factors=2.0)
    messages, events = run_action(ActionSales(), tracker)
    assert responses(messages)[0] == "utter_sales_downgrade_offer"
    assert messages[0]["next_plan"] == "Fibra 100" and messages[0]["difference"] == "70.000 PYG"
    assert Blocking(demo_services.tickets).get(slots(events)["ticket_number"]).kind is TicketKind.PLAN_CHANGE


def test_a_plan_change_stated_now_keeps_the_customers_words_once(demo_services: Services) -> None:  # noqa: F811
    text = "quiero pasarme al plan de 300"
    tracker = stated_now(identified(demo_services, JUAN, "1003", "sales_inquiry", text, factors=1.0))
    _, events = run_action(ActionSales(), tracker)
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert ticket.kind is TicketKind.PLAN_CHANGE and ticket.customer_words == text
