"""Which visit window a customer's answer picks, or which others to offer instead.

The options offered are a numbered list of windows (`VISIT_OPTIONS`). An
answer picks one when it names exactly one of them: by position ("2", "la
segunda"), by day or time ("el jueves a la tarde"), or any ("lo antes
posible"). An answer that names a day or time the list does not settle ("el
jueves" when Thursday has two windows, "el lunes que viene", "a la tarde"), or
rejects them all ("ninguno me sirve", "otro día"), asks for other windows: a
`Search` the calendar answers (`bot.support.scheduling.visit_windows_where`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.language.es.choices import LAST, ChoiceWords
from bot.support.scheduling import VisitWindow

# Windows starting before noon are "de mañana", until 18:00 "de tarde", later "de noche".
_NOON, _EVENING = 12, 18


@dataclass(frozen=True)
class Pick:
    """One of the options offered (1-based)."""

    position: int


@dataclass(frozen=True)
class Search:
    """Windows to offer instead: on or after `day`, at that part of the day or hour, after `after`."""

    day: date | None = None
    part: str | None = None
    hour: int | None = None
    after: datetime | None = None

    def accepts(self, window: VisitWindow, tz: tzinfo) -> bool:
        start = window.start.astimezone(tz)
        if self.day is not None and start.date() < self.day:
            return False
        if self.after is not None and window.start <= self.after:
            return False
        return _at_time(window, self.part, self.hour, tz)


def resolve_choice(words: ChoiceWords, offered: Sequence[VisitWindow], tz: tzinfo) -> Pick | Search | None:
    """The option the words pick among `offered`, the search they ask for, or None if neither."""
    count = len(offered)
    if words.position is not None:
        position = count if words.position == LAST else words.position
        return Pick(position) if 1 <= position <= count else None
    day = words.day
    if day is None and words.number is not None and words.hour is None:
        if 1 <= words.number <= count:
            return Pick(words.number)
        day = words.number_day  # "el 15": a day of the month
    if day is not None or words.part is not None or words.hour is not None:
        matching = [
            position
            for position, window in enumerate(offered, start=1)
            if (day is None or window.start.astimezone(tz).date() == day)
            and _at_time(window, words.part, words.hour, tz)
        ]
        if len(matching) == 1:
            return Pick(matching[0])
        return Search(day=day, part=words.part, hour=words.hour)
    if words.any_option and count:
        return Pick(1)
    if words.other:
        return Search(after=offered[-1].start if offered else None)
    return None


def _at_time(window: VisitWindow, part: str | None, hour: int | None, tz: tzinfo) -> bool:
    start, end = window.start.astimezone(tz), window.end.astimezone(tz)
    if hour is not None and not start.hour <= hour < max(end.hour, start.hour + 1):
        return False
    return part is None or _part_of(start.hour) == part


def _part_of(hour: int) -> str:
    if hour < _NOON:
        return "morning"
    return "afternoon" if hour < _EVENING else "evening"
