"""The welcome comes first, once; a greeting with a need in it is triaged as that need; a
cancellation must say cancelling."""
from __future__ import annotations

import pytest

from actions.greeting import ActionAcknowledgeInform, ActionGreet
from actions.session import ActionSessionStart
from actions.triage import ActionTriage
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)

WELCOMES = {"utter_greet_morning", "utter_greet_afternoon", "utter_greet_evening"}


def responses(messages):
    return [message["response"] for message in messages]


def slots(events):
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def first_message(text: str, intent: str, entities=None):
    """A conversation whose session start welcomed, at its first message."""
    tracker = load_tracker("greeted_says_hello_again")
    parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    tracker.latest_message = {"text": text, **parse}
    tracker.events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "slot", "name": "greeted", "value": True},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse},
    ]
    return tracker


def test_the_session_start_welcomes_before_anything_else_and_names_the_provider():
    messages, events = run_action(ActionSessionStart(), load_tracker("greeted_says_hello_again"))
    assert responses(messages)[0] in WELCOMES
    # Rendered before the session's slots exist, so the names travel with the message.
    assert messages[0]["company_name"] and messages[0]["assistant_name"]
    assert slots(events)["greeted"] is True


def test_a_bare_hello_first_gets_the_protocol_question_and_no_second_welcome():
    messages, events = run_action(ActionGreet(), first_message("hola buenas", "greet"))
    assert responses(messages) == ["utter_greet_question"]
    assert events == []


def test_a_hello_with_a_name_given_asks_only_for_the_need():
    sofia = [{"entity": "person", "value": "sofia", "start": 10, "end": 15}]
    messages, _ = run_action(ActionGreet(), first_message("hola, soy sofia", "greet", sofia))
    assert responses(messages) == ["utter_nice_to_meet"] and messages[0]["person"] == "Sofia"


def test_a_later_hello_is_told_the_assistant_is_still_there():
    messages, events = run_action(ActionGreet(), load_tracker("greeted_says_hello_again"))
    assert responses(messages) == ["utter_greet_again"]
    assert events == []


def test_without_a_session_welcome_the_greeting_welcomes_once_and_asks():
    tracker = load_tracker("greeted_says_hello_again")
    tracker.slots["greeted"] = None
    messages, events = run_action(ActionGreet(), tracker)
    assert responses(messages)[0] in WELCOMES and responses(messages)[1:] == ["utter_greet_question"]
    assert slots(events)["greeted"] is True


# Triage, in the dialogue, gets the need as its intent (components/stated_need.py); it asks
# bot.reception.stated_need too, so a greeting with the need in words is that need here as well.
@pytest.mark.parametrize(
    ("text", "intent", "need"),
    [
        ("buenas, ¿cuándo viene el técnico? soy juan carlos", "greet", "ticket_status"),
        ("buenas, ¿cuándo viene el técnico? soy juan carlos", "ticket_status", "ticket_status"),
        ("hola, soy Rosa y desde ayer no tengo internet", "inform", "report_no_connection"),
        ("buen día, me cobraron de más este mes", "billing_charge_dispute", "billing_charge_dispute"),
    ],
)
def test_a_greeting_or_name_that_states_a_need_is_triaged_as_that_need(
    demo_services: Services, text, intent, need  # noqa: F811
):
    messages, events = run_action(ActionTriage(), first_message(text, intent))
    assert responses(messages)[0].startswith("utter_triage_")
    assert slots(events)["need_intent"] == need


def test_a_need_in_a_session_not_welcomed_is_welcomed_first_by_the_triage(demo_services: Services):  # noqa: F811
    tracker = first_message("no tengo internet", "report_no_connection")
    messages, events = run_action(ActionTriage(), tracker)
    assert responses(messages)[0] == "utter_triage_technical"  # welcomed: no second welcome
    assert "greeted" not in slots(events)
    tracker.slots["greeted"] = None
    messages, events = run_action(ActionTriage(), tracker)
    assert responses(messages)[0] in WELCOMES and responses(messages)[1] == "utter_triage_technical"
    assert slots(events)["greeted"] is True and slots(events)["need_intent"] == "report_no_connection"


def test_a_name_given_first_gets_no_second_welcome():
    messages, _ = run_action(ActionGreet(), first_message("hola, soy Ana", "inform"))
    assert messages == []  # action_acknowledge_inform follows with "Mucho gusto, Ana"


@pytest.mark.parametrize(
    "text", ["dame el teléfono de juan duarte", "el cel de mi mamá es 0981 555 444"]
)
def test_a_cancellation_without_words_of_cancelling_opens_nothing_and_asks(
    demo_services: Services, text  # noqa: F811
):
    messages, events = run_action(ActionTriage(), first_message(text, "cancel_service"))
    assert responses(messages) == ["utter_how_can_help"]
    # Nothing recorded, and nobody identified for nothing: the assistant waits for the customer.
    assert events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


def test_a_cancellation_in_so_many_words_is_triaged(demo_services: Services):  # noqa: F811
    tracker = first_message("hola, quiero dar de baja el servicio", "cancel_service")
    messages, events = run_action(ActionTriage(), tracker)
    assert responses(messages)[0] == "utter_triage_cancellation"
    assert slots(events)["need_intent"] == "cancel_service"


def _identified_as_ana(services: Services, text: str, intent: str):
    """A conversation identified by Ana's service number, given by mistake, at a new message."""
    tracker = first_message(text, intent)
    tracker.slots.update(customer_id=demo_customer_id(services, "5234871"), service_number="1006",
                         identity_factors=1.0, contact_confirmed=True, ticket_number="TK-10001")
    return tracker


def test_another_service_named_by_an_identified_customer_identifies_that_account(
    demo_services: Services,  # noqa: F811
):
    lucia = demo_customer_id(demo_services, "5012346")
    # Data given alone ("empecemos de nuevo"): identified afresh, then asked what they need.
    tracker = _identified_as_ana(demo_services, "no. empecemos de nuevo, soy lucia fernandez servicio 1007",
                                 "inform")
    messages, events = run_action(ActionAcknowledgeInform(), tracker)
    assert responses(messages) == ["utter_identified", "utter_how_can_help"]
    assert slots(events)["customer_id"] == lucia and slots(events)["service_number"] == "1007"
    # Her contact details are hers to confirm, and Ana's case is not hers.
    assert slots(events)["contact_confirmed"] is None and slots(events)["ticket_number"] is None

    # With the need: triaged, and identified afresh.
    tracker = _identified_as_ana(demo_services, "se me corta el internet, mi servicio es el 1007",
                                 "report_intermittent")
    messages, events = run_action(ActionTriage(), tracker)
    assert "utter_identified" in responses(messages) and slots(events)["customer_id"] == lucia

    # A number that is no service number named ("desde el 1007"), or the same one: nothing changes.
    for text in ("se me corta desde hace 1007 horas", "se me corta, servicio 1006"):
        _, events = run_action(ActionTriage(), _identified_as_ana(demo_services, text, "report_intermittent"))
        assert "customer_id" not in slots(events), text
