"""Moving a visit: "¿Desea cambiar…?" answered in the customer's words, then a window picked."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

from babel.dates import format_date
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import (
    ActionAskVisitChoice,
    ActionRescheduleVisit,
    ActionTicketStatus,
    ValidateRescheduleForm,
)
from bot.language.es.text import fold
from bot.support.scheduling import VisitWindow, visit_windows, visit_windows_where
from bot.support.visits import VISIT_OPTIONS, deserialise_window, serialise_window
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

JUAN_CARLOS = "3987654"  # TK-10001, a visit tomorrow 08:00-12:00


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [message["response"] for message in messages]


def current_visit(services: Services) -> VisitWindow:
    ticket = Blocking(services.tickets).get("TK-10001")
    return VisitWindow(ticket.visit_start, ticket.visit_end)


def offered(services: Services) -> List[VisitWindow]:
    """The windows a move of TK-10001's visit offers: the first free ones but its own."""
    current = current_visit(services).start
    now = datetime.now(timezone.utc)
    return visit_windows_where(now, services.calendar, VISIT_OPTIONS, lambda w: w.start != current)


def asked(text: str, options: List[VisitWindow] | None = None, intent: str = "inform") -> Tracker:
    """The reschedule form waiting for a reply (to the offer, or to the list `options`), then `text`."""
    tracker = load_tracker("visit_booked_asks_when")
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    tracker.latest_message = parse
    tracker.slots.update(
        reschedule_ticket="TK-10001",
        visit_options=[serialise_window(w) for w in options] if options else None,
        requested_slot="visit_choice",
    )
    tracker.active_loop = {"name": "reschedule_form"}
    tracker.events += [
        {"event": "action", "name": "reschedule_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse},
    ]
    return tracker


def validate(text: str, options: List[VisitWindow] | None = None, intent: str = "inform"):
    dispatcher = CollectingDispatcher()
    form = ValidateRescheduleForm()
    result = asyncio.run(form.validate_visit_choice(text, dispatcher, asked(text, options, intent), {}))
    return responses(dispatcher.messages), result


def listed(result: Dict[str, Any]) -> List[VisitWindow]:
    return [deserialise_window(option) for option in result["visit_options"]]


def weekday(window: VisitWindow, services: Services) -> str:
    return fold(format_date(window.start.astimezone(services.company.tzinfo), "EEEE", locale="es"))


def part_of_day(window: VisitWindow, services: Services) -> str:
    return "a la mañana" if window.start.astimezone(services.company.tzinfo).hour < 12 else "a la tarde"


# --- the offer is the form's first question ---------------------------------------------


def test_the_visit_shown_offers_the_move_and_clears_the_last_choice(demo_services: Services):  # noqa: F811
    """The offer is the reschedule form's first question: data/rules/follow_up.yml starts the form."""
    tracker = load_tracker("visit_booked_asks_when")
    tracker.slots.update(customer_id=demo_customer_id(demo_services, JUAN_CARLOS), ticket_number="TK-10001")
    messages, events = run_action(ActionTicketStatus(), tracker)
    assert responses(messages)[-2:] == ["utter_ticket_visit", "utter_ask_reschedule"]
    set_to = {event["name"]: event["value"] for event in events if event.get("event") == "slot"}
    assert set_to["can_reschedule"] is True and set_to["reschedule_ticket"] == "TK-10001"
    assert set_to["visit_options"] is None and set_to["visit_choice"] is None


def test_the_offer_is_not_asked_twice_in_a_row_but_again_after_an_interruption(demo_services):  # noqa: F811
    tracker = asked("¿sos un bot?", intent="bot_challenge")
    tracker.events.append({"event": "bot", "text": "…", "metadata": {"utter_action": "utter_ask_reschedule"}})
    assert run_action(ActionAskVisitChoice(), tracker) == ([], [])

    tracker = asked("¿sos un bot?", intent="bot_challenge")
    tracker.events.append({"event": "bot", "text": "Soy Luz…", "metadata": {"utter_action": "utter_iamabot"}})
    messages, _ = run_action(ActionAskVisitChoice(), tracker)
    assert responses(messages) == ["utter_ask_reschedule"]


def test_a_plain_yes_lists_the_next_windows_with_how_to_answer(demo_services: Services):  # noqa: F811
    said, result = validate("sí", intent="affirm")
    assert said == [] and result["visit_choice"] is None
    assert listed(result) == offered(demo_services)

    messages, _ = run_action(ActionAskVisitChoice(), asked("sí", offered(demo_services)))
    assert responses(messages) == ["utter_ask_visit_choice"]
    assert messages[0]["visit_option_lines"].startswith("1. ")
    assert len(messages[0]["buttons"]) == VISIT_OPTIONS


def test_the_window_the_visit_already_has_is_never_offered(demo_services: Services):  # noqa: F811
    first = visit_windows(datetime.now(timezone.utc), demo_services.calendar, 1)[0]
    Blocking(demo_services.tickets).update("TK-10001", visit_start=first.start, visit_end=first.end)

    _, result = validate("dale")

    windows = listed(result)
    assert len(windows) == VISIT_OPTIONS and first.start not in [w.start for w in windows]
    later = visit_windows(datetime.now(timezone.utc), demo_services.calendar, VISIT_OPTIONS + 1)[1:]
    assert [w.start for w in windows] == [w.start for w in later]


def test_yes_but_another_part_of_the_day_offers_those_windows_whatever_nlu_read(demo_services):  # noqa: F811
    tz = demo_services.company.tzinfo
    said, result = validate("si, pero a la mañana no estoy, puede ser a la tarde?", intent="nlu_fallback")
    assert said == ["utter_visit_options_matching"] and result["visit_choice"] is None
    windows = listed(result)
    assert len(windows) == VISIT_OPTIONS
    assert all(w.start.astimezone(tz).hour >= 12 for w in windows)


def test_yes_but_another_day_offers_windows_from_that_day_at_once(demo_services: Services):  # noqa: F811
    tz = demo_services.company.tzinfo
    today = datetime.now(timezone.utc).astimezone(tz).date()
    thursday = today + timedelta(days=(3 - today.weekday() - 1) % 7 + 1)  # the next Thursday

    said, result = validate("si, pero mañana no puedo, ¿puede ser el jueves?", intent="nlu_fallback")

    windows = listed(result)
    first_day = windows[0].start.astimezone(tz).date()
    assert first_day >= thursday and all(w.start >= windows[0].start for w in windows)
    assert all(w.start.astimezone(tz).date() != today + timedelta(days=1) for w in windows)
    lead = "utter_visit_options_from_day" if first_day == thursday else "utter_visit_day_unavailable"
    assert said == [lead]

    messages, _ = run_action(ActionAskVisitChoice(), _after(asked("…", windows), said))
    assert responses(messages) == ["utter_ask_visit_choice_again"]  # introduced: the list alone


def _after(tracker: Tracker, said: List[str]) -> Tracker:
    """The tracker once the validation said `said` after the customer's message."""
    tracker.events += [{"event": "bot", "text": "…", "metadata": {"utter_action": name}} for name in said]
    return tracker


def test_cannot_that_day_moves_the_visit_although_nlu_reads_a_no(demo_services: Services):  # noqa: F811
    tz = demo_services.company.tzinfo
    visit_day = current_visit(demo_services).start.astimezone(tz).date()
    # The demo visit is the next business day: "mañana", or on a Friday the Monday.
    weekday = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")[visit_day.weekday()]
    tomorrow = datetime.now(tz).date() + timedelta(days=1)
    text = "no puedo mañana" if visit_day == tomorrow else f"no puedo el {weekday}"
    said, result = validate(text, intent="deny")
    assert said == ["utter_visit_options_matching"]
    assert all(w.start.astimezone(tz).date() != visit_day for w in listed(result))


def test_the_first_there_is_books_it_at_once(demo_services: Services):  # noqa: F811
    said, result = validate("si, el primero que haya", intent="affirm")
    assert said == [] and result["visit_choice"] == "1"
    assert listed(result) == offered(demo_services)[:1]


def test_no_thanks_or_a_fine_keeps_the_visit_and_ends_the_form(demo_services: Services):  # noqa: F811
    for text, intent in [("no gracias", "deny"), ("no, así está bien", "deny"), ("gracias", "thanks"),
                         ("no", "deny"), ("nah", "deny")]:
        assert validate(text, intent=intent) == ([], {"visit_choice": None, "requested_slot": None}), text


def test_an_answer_that_says_neither_yes_nor_no_is_helped_and_asked_again(demo_services):  # noqa: F811
    assert validate("y el técnico trae el router?", intent="nlu_fallback") == (
        ["utter_help_reschedule"],
        {"visit_choice": None},
    )


# --- the list ---------------------------------------------------------------------------


def test_a_window_is_picked_by_number_ordinal_or_its_day_and_time(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    by_position = [("2", "inform"), ("la segunda", "inform"), ("el 2do", "greet"), ("opción 2", "inform")]
    for text, intent in by_position:
        assert validate(text, windows, intent) == ([], {"visit_choice": "2"}), text
    assert validate("el último", windows, "billing_balance") == ([], {"visit_choice": "4"})
    assert validate("la penúltima", windows) == ([], {"visit_choice": "3"})
    assert validate("cualquiera", windows) == ([], {"visit_choice": "1"})
    last = windows[-1]
    text = f"el {weekday(last, demo_services)} {part_of_day(last, demo_services)}"
    assert validate(text, windows) == ([], {"visit_choice": "4"})


def test_none_of_them_offers_the_windows_that_follow(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    said, result = validate("ninguno me sirve, tenés otro día?", windows, "sales_inquiry")
    assert said == ["utter_visit_other_options"] and result["visit_choice"] is None
    more = listed(result)
    assert len(more) == VISIT_OPTIONS and more[0].start > windows[-1].start


def test_none_of_them_with_a_listed_day_never_books_and_offers_only_new_windows(demo_services):  # noqa: F811
    windows = offered(demo_services)
    asked_day = weekday(windows[0], demo_services)  # the first option's weekday, asked for again
    said, result = validate(f"ninguno me sirve, tenes para el {asked_day}?", windows, "sales_inquiry")

    assert result["visit_choice"] is None
    more = listed(result)
    assert not {w.start for w in more} & {w.start for w in windows}
    assert weekday(more[0], demo_services) == asked_day  # that day, or the same weekday later on
    tz = demo_services.company.tzinfo
    if more[0].start.astimezone(tz).date() == windows[0].start.astimezone(tz).date():
        assert said == ["utter_visit_options_from_day"]
    else:  # every window of that day was in the list: it says so, then a later one
        assert said == ["utter_visit_day_only_offered", "utter_visit_options_from_day"]

    # "El 2do" then picks from the list now shown.
    assert validate("el 2do", more, "greet") == ([], {"visit_choice": "2"})


def test_a_day_refused_leaves_its_windows_out(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    refused = weekday(windows[0], demo_services)
    said, result = validate(f"el {refused} no", windows, "deny")
    assert said == ["utter_visit_options_matching"]
    day = windows[0].start.astimezone(demo_services.company.tzinfo).date()
    assert all(w.start.astimezone(demo_services.company.tzinfo).date() != day for w in listed(result))


def test_leaving_it_as_it_was_while_choosing_ends_the_form(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    for text, intent in [("ah no, sabes que? dejalo como estaba nomas", "deny"), ("mejor no", "deny"),
                         ("basta", "stop"), ("dejalo así", "stop")]:
        assert validate(text, windows, intent) == ([], {"visit_choice": None, "requested_slot": None}), text


def test_a_time_without_windows_is_said_plainly_and_the_list_stays(demo_services: Services):  # noqa: F811
    said = validate("a la noche", offered(demo_services))
    assert said == (["utter_visit_no_windows"], {"visit_choice": None})


def test_an_answer_that_names_no_window_explains_how_to_answer(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    assert validate("qué?", windows) == (["utter_visit_choice_invalid"], {"visit_choice": None})
    assert validate("5", windows) == (["utter_visit_choice_invalid"], {"visit_choice": None})


# --- which messages the form takes ------------------------------------------------------


def extracted(text: str, intent: str, options: List[VisitWindow] | None = None) -> Dict[str, Any]:
    tracker = asked(text, options, intent)
    domain = {"forms": {"reschedule_form": {"required_slots": ["visit_choice"]}}}
    form = ValidateRescheduleForm()
    events = asyncio.run(form.get_extraction_events(CollectingDispatcher(), tracker, domain))
    return {event["name"]: event["value"] for event in events}


def test_a_reply_the_form_reads_is_its_answer_whatever_nlu_made_of_it(demo_services):  # noqa: F811
    windows = offered(demo_services)
    assert extracted("el 2do", "greet", windows) == {"visit_choice": "el 2do"}
    assert extracted("dejalo como estaba", "stop", windows) == {"visit_choice": "dejalo como estaba"}
    assert extracted("gracias", "thanks") == {"visit_choice": "gracias"}
    assert extracted("basta", "stop") == {"visit_choice": "basta"}


def test_goodbye_a_person_and_the_bot_question_are_left_to_their_rules(demo_services):  # noqa: F811
    assert extracted("no gracias, chau", "goodbye") == {}
    assert extracted("no, pasame con una persona", "request_human") == {}
    assert extracted("sos un bot? sí o no", "bot_challenge") == {}
    assert extracted("hola??", "greet") == {}  # a courtesy the form does not read: asked again


# --- the end of the form ----------------------------------------------------------------


def test_the_form_ended_without_a_choice_keeps_the_visit_and_says_so(demo_services: Services):  # noqa: F811
    before = Blocking(demo_services.tickets).get("TK-10001")
    tracker = asked("dejalo como estaba", offered(demo_services))
    tracker.slots.update(visit_choice=None)

    messages, events = run_action(ActionRescheduleVisit(), tracker)

    assert responses(messages) == ["utter_visit_kept", "utter_ticket_visit", "utter_anything_else"]
    assert messages[1]["visit_from"] == "08:00"
    after = Blocking(demo_services.tickets).get("TK-10001")
    assert (after.visit_start, after.visit_end, len(after.answers)) == (
        before.visit_start, before.visit_end, len(before.answers),
    )
    assert {"event": "slot", "name": "visit_options", "value": None, "timestamp": None} in events


def test_the_window_chosen_is_booked_on_the_ticket(demo_services: Services):  # noqa: F811
    windows = offered(demo_services)
    tracker = asked("2", windows)
    tracker.slots.update(visit_choice="2")

    messages, _ = run_action(ActionRescheduleVisit(), tracker)

    assert responses(messages)[0] == "utter_visit_rescheduled"
    assert Blocking(demo_services.tickets).get("TK-10001").visit_start == windows[1].start
