"""What a customer's reply means when a technician visit is being moved.

Two questions are asked in turn. First "¿Desea cambiar el día u horario de la
visita?" (`answer_to_move`): a no or "está bien" keeps the visit (`Keep`); a
yes asks for the next free windows (a blank `Search`); a yes with a time ("sí,
pero a la mañana no estoy, ¿puede ser a la tarde?") asks for those windows at
once; "el primero que haya" books the first one (`Soonest`). NLU's intent does
not decide: the words do, and the caller falls back on the intent only when
they say nothing.

Then a numbered list of windows (`VISIT_OPTIONS`) is offered (`resolve_choice`).
An answer picks one (`Pick`) when it names exactly one of them: by position
("2", "la segunda", "la última"), by day or time ("el jueves a la tarde"), or
any ("cualquiera", "el que sea"). An answer that names a day or time the list
does not settle ("el jueves" when Thursday has two windows, "a la tarde"),
refuses some ("el lunes no"), or rejects them all ("ninguno me sirve, ¿tenés
el viernes?") asks for other windows: a `Search` the calendar answers
(`find_windows`). Rejected windows are never booked nor offered again.
"Dejalo como estaba" ends the change at either question.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from bot.language.es.choices import LAST, SECOND_LAST, ChoiceWords
from bot.support.scheduling import VisitWindow

# Windows starting before noon are "de mañana", until 18:00 "de tarde", later "de noche".
_NOON, _EVENING = 12, 18
_WEEK = timedelta(days=7)
_MAX_WEEKS = 53  # a bound only: the finder stops at the booking horizon long before


@dataclass(frozen=True)
class Pick:
    """One of the options offered (1-based)."""

    position: int


@dataclass(frozen=True)
class Keep:
    """The visit stays as it was."""


@dataclass(frozen=True)
class Search:
    """Windows to offer: on or after `day`, at that part of the day or hour, after `after`,
    none of those in `skip` (offered and turned down), none on `not_days` or in `not_parts`."""

    day: date | None = None
    part: str | None = None
    hour: int | None = None
    after: datetime | None = None
    skip: frozenset[datetime] = frozenset()
    not_days: frozenset[date] = frozenset()
    not_parts: frozenset[str] = frozenset()

    def accepts(self, window: VisitWindow, tz: tzinfo) -> bool:
        start = window.start.astimezone(tz)
        if self.day is not None and start.date() < self.day:
            return False
        if self.after is not None and window.start <= self.after:
            return False
        if window.start in self.skip or start.date() in self.not_days:
            return False
        if _part_of(start.hour) in self.not_parts:
            return False
        return _at_time(window, self.part, self.hour, tz)

    def accepts_in(self, tz: tzinfo) -> Callable[[VisitWindow], bool]:
        """`accepts` as a predicate of the window alone, for the calendar's search."""
        return lambda window: self.accepts(window, tz)

    @property
    def is_blank(self) -> bool:
        """Nothing asked for: simply the next free windows."""
        return self == Search()


@dataclass(frozen=True)
class Soonest:
    """Book the first window the search finds ("sí, el primero que haya")."""

    search: Search


@dataclass(frozen=True)
class Found:
    """The windows a search found; `instead_of` is the day asked for when all of its
    windows had been offered and turned down, so the same weekday of a later week was searched."""

    windows: list[VisitWindow]
    instead_of: date | None = None


# Finds the first windows (as many as are offered) that a predicate accepts.
WindowFinder = Callable[[Callable[[VisitWindow], bool]], list[VisitWindow]]


def answer_to_move(
    words: ChoiceWords, current: VisitWindow | None, tz: tzinfo
) -> Keep | Search | Soonest | None:
    """What the answer to "¿Desea cambiar la visita?" asks for; None if the words say nothing.

    `current` is the visit as it is: "no, mañana está bien" names its day, so it keeps it.
    """
    if words.keep:
        return Keep()
    day = words.day or words.number_day  # nothing is listed yet: "el 15" is a date
    says_when = day is not None or words.part is not None or words.hour is not None
    wants_other = words.other or words.refuses
    if says_when and not wants_other and (words.fine or words.deny) and _is_current(day, words, current, tz):
        return Keep()
    if says_when or wants_other or words.any_option:
        not_days = words.not_days
        if words.other and current is not None:  # "otro día": another than the visit's
            not_days = not_days | {current.start.astimezone(tz).date()}
        search = Search(
            day=day, part=words.part, hour=words.hour, not_days=not_days, not_parts=words.not_parts
        )
        return Soonest(search) if words.any_option else search
    if words.affirm:
        return Search()
    if words.deny or words.fine:
        return Keep()
    return None


def resolve_choice(
    words: ChoiceWords, offered: Sequence[VisitWindow], tz: tzinfo
) -> Pick | Search | Keep | None:
    """The option the words pick among `offered`, the search they ask for, or None if neither."""
    if words.keep:
        return Keep()
    count = len(offered)
    refused = Search(not_days=words.not_days, not_parts=words.not_parts)  # what every search leaves out
    if words.other:
        # None of these suits: never book one of them, and never offer them again.
        rejected = replace(refused, skip=frozenset(window.start for window in offered))
        day = words.day or words.number_day
        if day is not None or words.part is not None or words.hour is not None:
            return replace(rejected, day=day, part=words.part, hour=words.hour)
        return replace(rejected, after=offered[-1].start if offered else None)
    if words.position is not None:
        position = count + 1 + words.position if words.position in (LAST, SECOND_LAST) else words.position
        return Pick(position) if 1 <= position <= count else None
    day = words.day
    if day is None and words.number is not None and words.hour is None:
        if 1 <= words.number <= count:
            return Pick(words.number)
        day = words.number_day  # "el 15": a day of the month
    if day is not None or words.part is not None or words.hour is not None:
        asked = replace(refused, day=day, part=words.part, hour=words.hour)
        matching = [
            position
            for position, window in enumerate(offered, start=1)
            if (day is None or window.start.astimezone(tz).date() == day) and asked.accepts(window, tz)
        ]
        if len(matching) == 1 or (matching and words.any_option):
            return Pick(matching[0])
        return asked
    if words.any_option:
        suiting = [number for number, window in enumerate(offered, start=1) if refused.accepts(window, tz)]
        return Pick(suiting[0]) if suiting else refused
    if words.refuses:
        return refused
    return None


def find_windows(search: Search, tz: tzinfo, find: WindowFinder) -> Found:
    """The windows `search` asks for.

    "Ninguno me sirve, ¿tenés para el viernes?" when every window of that
    Friday was in the list turned down means another Friday: the same weekday
    of the following weeks is searched, and the caller says why.
    """
    windows = find(search.accepts_in(tz))
    day = search.day
    if day is None or not search.skip or (windows and windows[0].start.astimezone(tz).date() == day):
        return Found(windows)
    unskipped = replace(search, skip=frozenset())
    if not find(lambda window: window.start.astimezone(tz).date() == day and unskipped.accepts(window, tz)):
        return Found(windows)  # that day has no window at all: the first ones after it
    for weeks in range(1, _MAX_WEEKS + 1):
        later = day + weeks * _WEEK
        found = find(replace(search, day=later).accepts_in(tz))
        if not found:  # beyond the booking horizon
            break
        if found[0].start.astimezone(tz).date() == later:
            return Found(found, instead_of=day)
    return Found(windows)


def _is_current(day: date | None, words: ChoiceWords, current: VisitWindow | None, tz: tzinfo) -> bool:
    """Whether the day or time the words name is the visit's own ("mañana está bien")."""
    if current is None:
        return False
    if day is not None and current.start.astimezone(tz).date() != day:
        return False
    return _at_time(current, words.part, words.hour, tz)


def _at_time(window: VisitWindow, part: str | None, hour: int | None, tz: tzinfo) -> bool:
    start, end = window.start.astimezone(tz), window.end.astimezone(tz)
    if hour is not None and not start.hour <= hour < max(end.hour, start.hour + 1):
        return False
    return part is None or _part_of(start.hour) == part


def _part_of(hour: int) -> str:
    if hour < _NOON:
        return "morning"
    return "afternoon" if hour < _EVENING else "evening"
