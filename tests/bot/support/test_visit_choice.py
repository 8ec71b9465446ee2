"""Which offered window an answer picks, or which others it asks for."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.language.es.choices import read_choice
from bot.support.scheduling import FieldCalendar, VisitWindow, visit_windows, visit_windows_where
from bot.support.visit_choice import Pick, Search, resolve_choice

TZ = ZoneInfo("America/Asuncion")
PY = FieldCalendar("PY", TZ, frozenset(range(5)), ((time(8), time(12)), (time(13), time(17))))
NOW = datetime(2026, 3, 16, 10, tzinfo=TZ)  # a Monday
# Tuesday 13-17, Wednesday 8-12, Wednesday 13-17, Thursday 8-12
OFFERED = visit_windows(NOW, PY, 4)


def choice(answer: str) -> Pick | Search | None:
    return resolve_choice(read_choice(answer, NOW.date()), OFFERED, TZ)


def test_the_options_offered() -> None:
    assert [(w.start.day, w.start.hour) for w in OFFERED] == [(17, 13), (18, 8), (18, 13), (19, 8)]


@pytest.mark.parametrize(
    ("answer", "position"),
    [
        ("2", 2), ("la 3", 3), ("opción 1.", 1), ("4)", 4), ("el 3", 3), ("la segunda", 2), ("el 2do", 2),
        ("la última", 4), ("el martes", 1), ("el jueves", 4), ("el miércoles a la tarde", 3),
        ("mañana", 1), ("el miércoles a las 9", 2), ("lo antes posible", 1),
        ("si, pero mañana no puedo, ¿puede ser el jueves?", 4),
    ],
)
def test_an_answer_naming_one_option_picks_it(answer: str, position: int) -> None:
    assert choice(answer) == Pick(position)


@pytest.mark.parametrize("answer", ["5", "0", "1 o 2", "", "la 7", "si", "👍"])
def test_an_answer_naming_none_is_neither(answer: str) -> None:
    assert choice(answer) is None


@pytest.mark.parametrize(
    ("answer", "search"),
    [
        ("el miércoles", Search(day=date(2026, 3, 18))),  # two windows that day
        ("el viernes", Search(day=date(2026, 3, 20))),
        ("el 15", Search(day=date(2026, 4, 15))),  # not an option: a day of the month
        ("el lunes que viene a la tarde", Search(day=date(2026, 3, 23), part="afternoon")),
        ("la de la tarde", Search(part="afternoon")),  # two afternoons offered
        ("a la noche", Search(part="evening")),
        ("ninguno me sirve", Search(after=OFFERED[-1].start)),
    ],
)
def test_an_answer_asking_for_other_windows_is_a_search(answer: str, search: Search) -> None:
    assert choice(answer) == search


def _found(search: Search) -> list[VisitWindow]:
    return visit_windows_where(NOW, PY, 4, lambda window: search.accepts(window, TZ))


def test_a_search_finds_windows_on_or_after_the_day_asked_for() -> None:
    friday = _found(Search(day=date(2026, 3, 20)))
    assert [(w.start.day, w.start.hour) for w in friday] == [(20, 8), (20, 13), (23, 8), (23, 13)]
    weekend = _found(Search(day=date(2026, 3, 21)))  # Saturday: from Monday on
    assert weekend[0].start.date() == date(2026, 3, 23)
    afternoons = _found(Search(day=date(2026, 3, 23), part="afternoon"))
    assert all(w.start.hour == 13 for w in afternoons) and afternoons[0].start.day == 23


def test_a_search_for_more_starts_after_the_options_offered() -> None:
    more = _found(Search(after=OFFERED[-1].start))
    assert more[0].start > OFFERED[-1].start


def test_a_search_nothing_matches_finds_nothing() -> None:
    assert _found(Search(part="evening")) == []
    assert _found(Search(day=date(2027, 1, 15))) == []  # beyond the horizon
