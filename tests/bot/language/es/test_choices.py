"""Reading an answer to a list of visit times."""
from __future__ import annotations

from datetime import date

import pytest

from bot.language.es.choices import LAST, read_choice

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
