"""What a reply means while a visit is moved: keep it, which window, or which others to look for."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.language.es.choices import read_choice
from bot.support.scheduling import FieldCalendar, VisitWindow, visit_windows, visit_windows_where
from bot.support.visit_choice import (
    Keep,
    Pick,
    Search,
    Soonest,
    answer_to_move,
    find_windows,
    resolve_choice,
)

TZ = ZoneInfo("America/Asuncion")
PY = FieldCalendar("PY", TZ, frozenset(range(5)), ((time(8), time(12)), (time(13), time(17))))
NOW = datetime(2026, 3, 16, 10, tzinfo=TZ)  # a Monday
# Tuesday 13-17, Wednesday 8-12, Wednesday 13-17, Thursday 8-12
OFFERED = visit_windows(NOW, PY, 4)
SKIPPED = frozenset(window.start for window in OFFERED)  # the list, turned down
# The visit being moved: Tuesday 17 March, 08:00-12:00 ("mañana" said on the Monday).
CURRENT = VisitWindow(datetime(2026, 3, 17, 8, tzinfo=TZ), datetime(2026, 3, 17, 12, tzinfo=TZ))


def choice(answer: str) -> Pick | Search | Keep | None:
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
        ("ninguno me sirve", Search(after=OFFERED[-1].start, skip=SKIPPED)),
        ("el miércoles no", Search(not_days=frozenset({date(2026, 3, 18)}))),
        ("a la tarde no puedo", Search(not_parts=frozenset({"afternoon"}))),
    ],
)
def test_an_answer_asking_for_other_windows_is_a_search(answer: str, search: Search) -> None:
    assert choice(answer) == search


def _find(accept) -> list[VisitWindow]:
    return visit_windows_where(NOW, PY, 4, accept)


def _found(search: Search) -> list[VisitWindow]:
    return _find(search.accepts_in(TZ))


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


@pytest.mark.parametrize(
    ("answer", "position"),
    [
        ("la penúltima", 3), ("el de abajo", 4), ("cualquiera", 1), ("el que sea", 1),
        ("el primero que haya", 1),
        ("cualquiera menos el martes", 2), ("cualquiera a la tarde", 1), ("el que sea pero de mañana", 2),
        ("el miércoles después del mediodía", 3), ("el jueves temprano", 4), ("mañana a la siesta", 1),
        ("pasado mañana a la mañana", 2),
    ],
)
def test_ordinals_any_and_parts_of_the_day_pick_among_those_offered(answer: str, position: int) -> None:
    assert choice(answer) == Pick(position)


@pytest.mark.parametrize(
    "answer",
    [
        "ninguno me sirve, ¿tenés para el martes?",  # Tuesday's only window was offered
        "ninguna, el jueves a la mañana?",
        "no me sirven, otro día",
        "ninguno, cualquiera el miércoles",
    ],
)
def test_none_of_them_never_books_one_of_them(answer: str) -> None:
    reply = choice(answer)
    assert isinstance(reply, Search) and reply.skip == SKIPPED


@pytest.mark.parametrize(
    "answer", ["dejalo como estaba", "ah no, sabés qué? dejalo como estaba nomás", "mejor no", "no gracias"]
)
def test_the_visit_can_be_left_as_it_was_while_choosing(answer: str) -> None:
    assert choice(answer) == Keep()


def move(answer: str) -> Keep | Search | Soonest | None:
    return answer_to_move(read_choice(answer, NOW.date()), CURRENT, TZ)


TUESDAY, WEDNESDAY, THURSDAY = date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 19)


@pytest.mark.parametrize(
    ("answer", "reply"),
    [
        ("si", Search()),
        ("dale", Search()),
        (
            "si, pero a la mañana no estoy, puede ser a la tarde?",
            Search(part="afternoon", not_parts=frozenset({"morning"})),
        ),
        (
            "sí, pero mañana no puedo, ¿puede ser el jueves?",
            Search(day=THURSDAY, not_days=frozenset({TUESDAY})),
        ),
        ("mañana no puedo", Search(not_days=frozenset({TUESDAY}))),
        ("no, el jueves", Search(day=THURSDAY)),
        ("si, para pasado mañana", Search(day=WEDNESDAY)),
        ("sí, otro día", Search(not_days=frozenset({TUESDAY}))),  # another than the visit's
        ("si, a la tarde está bien?", Search(part="afternoon")),  # not the visit's time: a move
        ("si, el primero que haya", Soonest(Search())),
        ("dale, cualquiera a la tarde", Soonest(Search(part="afternoon"))),
        ("no", Keep()),
        ("no gracias", Keep()),
        ("no, así está bien", Keep()),
        ("no, mañana está bien", Keep()),  # the visit's own day
        ("a la mañana está bien", Keep()),  # the visit's own time
        ("gracias", Keep()),
        ("dejala como está", Keep()),
        ("qué?", None),
        ("ok", None),  # NLU's yes or no decides
    ],
)
def test_the_answer_to_moving_the_visit(answer: str, reply: Keep | Search | Soonest | None) -> None:
    assert move(answer) == reply


def test_a_day_whose_windows_were_all_turned_down_is_looked_for_a_week_later() -> None:
    wednesday = resolve_choice(read_choice("ninguno, ¿tenés el miércoles?", NOW.date()), OFFERED, TZ)
    assert isinstance(wednesday, Search)
    found = find_windows(wednesday, TZ, _find)
    assert found.instead_of == WEDNESDAY
    assert [(w.start.day, w.start.hour) for w in found.windows] == [(25, 8), (25, 13), (26, 8), (26, 13)]


def test_a_day_with_windows_not_offered_yet_is_searched_from_that_day() -> None:
    friday = resolve_choice(read_choice("ninguno me sirve, tenés el viernes?", NOW.date()), OFFERED, TZ)
    assert isinstance(friday, Search)
    found = find_windows(friday, TZ, _find)
    assert found.instead_of is None
    assert [(w.start.day, w.start.hour) for w in found.windows] == [(20, 8), (20, 13), (23, 8), (23, 13)]
    thursday = resolve_choice(read_choice("ninguno, el jueves?", NOW.date()), OFFERED, TZ)
    assert isinstance(thursday, Search)
    # Thursday 8-12 was turned down; its afternoon was never offered.
    assert [(w.start.day, w.start.hour) for w in find_windows(thursday, TZ, _find).windows][0] == (19, 13)


def test_a_day_without_any_window_gets_the_first_ones_after_it() -> None:
    saturday = Search(day=date(2026, 3, 21), skip=SKIPPED)
    found = find_windows(saturday, TZ, _find)
    assert found.instead_of is None and found.windows[0].start.date() == date(2026, 3, 23)


def test_refused_days_and_parts_are_never_offered() -> None:
    search = Search(not_days=frozenset({TUESDAY}), not_parts=frozenset({"morning"}))
    assert [(w.start.day, w.start.hour) for w in _found(search)] == [(18, 13), (19, 13), (20, 13), (23, 13)]
