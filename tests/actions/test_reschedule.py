"""Moving a visit: the customer picks by number, day or time, or asks for another day."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from babel.dates import format_date
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import ActionAskVisitChoice, ValidateRescheduleForm
from bot.language.es.text import fold
from bot.support.scheduling import visit_windows
from bot.support.visits import VISIT_OPTIONS, deserialise_window, serialise_window
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)


def responses(messages):
    return [message["response"] for message in messages]


def offered(services: Services):
    return visit_windows(datetime.now(timezone.utc), services.calendar, VISIT_OPTIONS)


def asked(text: str, options=None):
    """The reschedule question, with the customer's latest message `text`."""
    tracker = load_tracker("visit_booked_asks_when")
    tracker.latest_message = {"text": text, "intent": {"name": "affirm", "confidence": 0.9}, "entities": []}
    tracker.slots.update(reschedule_ticket="TK-10001", visit_options=options, requested_slot="visit_choice")
    return tracker


def validate(text: str, options):
    dispatcher = CollectingDispatcher()
    result = ValidateRescheduleForm().validate_visit_choice(text, dispatcher, asked(text, options), {})
    return responses(dispatcher.messages), result


def weekday(window, services: Services) -> str:
    return fold(format_date(window.start.astimezone(services.company.tzinfo), "EEEE", locale="es"))


def test_a_plain_yes_gets_the_next_windows_with_how_to_answer(demo_services: Services):  # noqa: F811
    messages, events = run_action(ActionAskVisitChoice(), asked("sí"))
    assert responses(messages) == ["utter_ask_visit_choice"]
    assert messages[0]["visit_option_lines"].startswith("1. ")
    assert len(messages[0]["buttons"]) == VISIT_OPTIONS
    assert events[0]["value"] == [serialise_window(w) for w in offered(demo_services)]


def test_yes_but_another_day_offers_windows_from_that_day_at_once(demo_services: Services):  # noqa: F811
    tz = demo_services.company.tzinfo
    today = datetime.now(timezone.utc).astimezone(tz).date()
    thursday = today + timedelta(days=(3 - today.weekday() - 1) % 7 + 1)  # the next Thursday

    tracker = asked("si, pero mañana no puedo, ¿puede ser el jueves?")
    messages, events = run_action(ActionAskVisitChoice(), tracker)

    windows = [deserialise_window(option) for option in events[0]["value"]]
    first_day = windows[0].start.astimezone(tz).date()
    assert first_day >= thursday and all(w.start >= windows[0].start for w in windows)
    lead = "utter_visit_options_from_day" if first_day == thursday else "utter_visit_day_unavailable"
    assert responses(messages) == [lead, "utter_ask_visit_choice_again"]
    assert messages[0]["visit_date"].startswith("jueves")


def test_a_window_is_picked_by_number_or_by_its_day_and_time(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    options = [serialise_window(w) for w in windows]
    assert validate("2", options) == ([], {"visit_choice": "2"})
    assert validate("la segunda", options) == ([], {"visit_choice": "2"})
    last = windows[-1]
    part = "a la mañana" if last.start.astimezone(demo_services.company.tzinfo).hour < 12 else "a la tarde"
    assert validate(f"el {weekday(last, demo_services)} {part}", options) == ([], {"visit_choice": "4"})


def test_none_of_them_offers_the_windows_that_follow(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    said, result = validate("ninguno me sirve, tenés otro día?", [serialise_window(w) for w in windows])
    assert said == ["utter_visit_other_options"] and result["visit_choice"] is None
    more = [deserialise_window(option) for option in result["visit_options"]]
    assert len(more) == VISIT_OPTIONS and more[0].start > windows[-1].start


def test_a_time_without_windows_is_said_plainly_and_the_list_stays(demo_services: Services):  # noqa: F811
    options = [serialise_window(w) for w in offered(demo_services)]
    assert validate("a la noche", options) == (["utter_visit_no_windows"], {"visit_choice": None})


def test_an_answer_that_names_no_window_explains_how_to_answer(demo_services: Services):  # noqa: F811
    options = [serialise_window(w) for w in offered(demo_services)]
    assert validate("qué?", options) == (["utter_visit_choice_invalid"], {"visit_choice": None})
    assert validate("5", options) == (["utter_visit_choice_invalid"], {"visit_choice": None})
