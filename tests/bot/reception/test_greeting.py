from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.reception.greeting import GreetingStep, PartOfDay, greeting_steps, part_of_day, welcome_response

ASUNCION = ZoneInfo("America/Asuncion")  # UTC-3 all year since 2024


@pytest.mark.parametrize(
    ("local_hour", "expected"),
    [
        (4, PartOfDay.EVENING),
        (5, PartOfDay.MORNING),
        (11, PartOfDay.MORNING),
        (12, PartOfDay.AFTERNOON),
        (18, PartOfDay.AFTERNOON),
        (19, PartOfDay.EVENING),
        (23, PartOfDay.EVENING),
    ],
)
def test_part_of_day_by_local_hour(local_hour, expected):
    now = datetime(2026, 11, 20, local_hour, 30, tzinfo=ASUNCION)
    assert part_of_day(now, ASUNCION) is expected


def test_same_instant_differs_by_zone():
    instant = datetime(2026, 11, 20, 14, 0, tzinfo=timezone.utc)
    assert part_of_day(instant, ZoneInfo("Europe/Madrid")) is PartOfDay.AFTERNOON  # 15:00
    assert part_of_day(instant, ZoneInfo("America/Mexico_City")) is PartOfDay.MORNING  # 08:00


def test_naive_datetime_is_rejected():
    with pytest.raises(ValueError):
        part_of_day(datetime(2026, 11, 20, 10, 0), ASUNCION)


@pytest.mark.parametrize(
    ("welcomed", "first_message", "just_greeting", "steps"),
    [
        (True, True, True, [GreetingStep.QUESTION]),  # "hola" first: the session start welcomed
        (True, False, True, [GreetingStep.STILL_HERE]),  # "hola" later
        (True, True, False, []),  # a need, "gracias", a name: their own answer follows
        (False, True, True, [GreetingStep.WELCOME, GreetingStep.QUESTION]),  # no session welcome
        (False, False, False, [GreetingStep.WELCOME]),
    ],
)
def test_greeting_steps_welcome_once_and_first(welcomed, first_message, just_greeting, steps):
    assert greeting_steps(welcomed, first_message, just_greeting) == steps


def test_the_welcome_follows_the_time_of_day():
    assert welcome_response(datetime(2026, 11, 20, 9, tzinfo=ASUNCION), ASUNCION) == "utter_greet_morning"
    assert welcome_response(datetime(2026, 11, 20, 21, tzinfo=ASUNCION), ASUNCION) == "utter_greet_evening"
