"""Reading an answer to a list of visit times."""
from __future__ import annotations

from datetime import date

import pytest

from bot.language.es.choices import LAST, SECOND_LAST, read_choice

MONDAY = date(2026, 3, 16)


@pytest.mark.parametrize(
    ("answer", "position"),
    [
        ("la 3", 3), ("opción 1.", 1), ("la segunda", 2), ("el 2do", 2), ("3ro", 3), ("la primera", 1),
        ("opcion dos", 2), ("la última", LAST), ("el jueves", None), ("a las 8", None),
    ],
)
def test_positions(answer: str, position: int | None) -> None:
    assert read_choice(answer, MONDAY).position == position


@pytest.mark.parametrize(
    ("answer", "day"),
    [
        ("el jueves", date(2026, 3, 19)),
        ("el lunes", date(2026, 3, 23)),  # said on a Monday: next week's
        ("mañana", date(2026, 3, 17)),
        ("pasado mañana", date(2026, 3, 18)),
        ("el 15 de abril", date(2026, 4, 15)),
        ("el día 20", date(2026, 3, 20)),
        ("20/3", date(2026, 3, 20)),
        ("el martes 24 a la mañana", date(2026, 3, 24)),
        ("el martes de la semana que viene", date(2026, 3, 24)),
        ("la semana que viene", date(2026, 3, 23)),
        ("el 10 de setiembre", date(2026, 9, 10)),
        # What does not suit is left out.
        ("si, pero mañana no puedo, ¿puede ser el jueves?", date(2026, 3, 19)),
        ("mañana no, el viernes", date(2026, 3, 20)),
        ("mañana no puedo", None),
        ("la de la mañana", None),  # a part of the day, not tomorrow
    ],
)
def test_days(answer: str, day: date | None) -> None:
    assert read_choice(answer, MONDAY).day == day


@pytest.mark.parametrize(
    ("answer", "part", "hour"),
    [
        ("la de la tarde", "afternoon", None),
        ("mañana temprano", "morning", None),
        ("de mañana", "morning", None),
        ("a la noche", "evening", None),
        ("a las 8", None, 8),
        ("a las 3", None, 15),  # nobody is visited at 3 a.m.
        ("13:30", None, 13),
        ("de 13 a 17", None, 13),
    ],
)
def test_parts_of_the_day_and_hours(answer: str, part: str | None, hour: int | None) -> None:
    words = read_choice(answer, MONDAY)
    assert (words.part, words.hour) == (part, hour)


def test_bare_numbers_are_left_to_the_options() -> None:
    words = read_choice("el 3", MONDAY)
    assert words.number == 3 and words.number_day == date(2026, 4, 3) and words.day is None
    assert read_choice("1 o 2", MONDAY).number is None


@pytest.mark.parametrize(
    ("answer", "any_option", "other"),
    [
        ("lo antes posible", True, False), ("cualquiera", True, False),
        ("ninguno me sirve", False, True), ("otro día", False, True), ("tenés otros horarios?", False, True),
        ("si", False, False),
    ],
)
def test_any_or_other(answer: str, any_option: bool, other: bool) -> None:
    words = read_choice(answer, MONDAY)
    assert (words.any_option, words.other) == (any_option, other)


@pytest.mark.parametrize(
    ("answer", "position"),
    [
        ("el 2do", 2), ("la 2da", 2), ("el segundo horario", 2), ("el último", LAST),
        ("la ultima opcion", LAST), ("la penúltima", SECOND_LAST), ("el primero que haya", 1),
        ("opcion #3", 3),
    ],
)
def test_ordinals_as_customers_write_them(answer: str, position: int) -> None:
    assert read_choice(answer, MONDAY).position == position


@pytest.mark.parametrize(
    ("answer", "day"),
    [
        ("pasado mañana", date(2026, 3, 18)),
        ("el lunes que viene", date(2026, 3, 23)),
        ("el jueves de la otra semana", date(2026, 3, 26)),
        ("sí, pasado mañana a la siesta", date(2026, 3, 18)),
    ],
)
def test_relative_days(answer: str, day: date) -> None:
    assert read_choice(answer, MONDAY).day == day


@pytest.mark.parametrize(
    ("answer", "part"),
    [
        ("a la siesta", "afternoon"), ("después del mediodía", "afternoon"), ("a la tardecita", "afternoon"),
        ("temprano", "morning"), ("bien temprano", "morning"), ("a primera hora", "morning"),
        ("por la mañanita", "morning"), ("de nochecita", "evening"),
    ],
)
def test_parts_of_the_day_as_customers_say_them(answer: str, part: str | None) -> None:
    words = read_choice(answer, MONDAY)
    assert words.part == part and words.day is None and words.position is None


@pytest.mark.parametrize(
    "answer",
    ["cualquiera", "el que sea", "el primero que haya", "me da igual", "cualquier día", "lo que haya"],
)
def test_any_window_will_do(answer: str) -> None:
    assert read_choice(answer, MONDAY).any_option


@pytest.mark.parametrize(
    "answer",
    ["ninguno", "ninguna me sirve", "no me sirven esos", "ningún horario", "otro día", "tenés otras fechas?"],
)
def test_none_of_them(answer: str) -> None:
    assert read_choice(answer, MONDAY).other


@pytest.mark.parametrize(
    ("answer", "not_days", "not_parts", "day", "part"),
    [
        ("mañana no puedo", {date(2026, 3, 17)}, set(), None, None),
        ("no puedo mañana", {date(2026, 3, 17)}, set(), None, None),
        ("el lunes no", {date(2026, 3, 23)}, set(), None, None),
        ("a la mañana no estoy, puede ser a la tarde?", set(), {"morning"}, None, "afternoon"),
        ("a la mañana trabajo", set(), {"morning"}, None, None),
        ("mañana no, el jueves", {date(2026, 3, 17)}, set(), date(2026, 3, 19), None),
        ("cualquiera menos el viernes", {date(2026, 3, 20)}, set(), None, None),
        ("el martes tampoco", {date(2026, 3, 17)}, set(), None, None),
    ],
)
def test_what_does_not_suit_is_refused_not_asked_for(
    answer: str, not_days: set[date], not_parts: set[str], day: date | None, part: str | None
) -> None:
    words = read_choice(answer, MONDAY)
    refused = (set(words.not_days), set(words.not_parts))
    assert (refused, words.day, words.part) == ((not_days, not_parts), day, part)


@pytest.mark.parametrize(
    ("answer", "affirm", "deny", "keep", "fine"),
    [
        ("si", True, False, False, False),
        ("dale", True, False, False, False),
        ("sí, pero a la tarde", True, False, False, False),
        ("no", False, True, False, False),
        ("ah no", False, True, False, False),
        ("no gracias", False, True, True, True),
        ("no, así está bien", False, True, True, True),
        ("ah no, sabes que? dejalo como estaba nomas", False, True, True, False),
        ("mejor no", False, False, True, False),
        ("gracias", False, False, False, True),
        ("no sé", False, False, False, False),
        ("ok", False, False, False, False),  # agrees as often as it acknowledges: NLU decides
    ],
)
def test_yes_no_and_leaving_the_visit_as_it_was(
    answer: str, affirm: bool, deny: bool, keep: bool, fine: bool
) -> None:
    words = read_choice(answer, MONDAY)
    assert (words.affirm, words.deny, words.keep, words.fine) == (affirm, deny, keep, fine)
