"""When something started, from the customer's words: "desde antier", "hace 3 días", "el lunes"."""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from bot.language.es.numbers import APPROX, NUMBER, number_value
from bot.language.es.text import plain as plain_form

_WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("enero",), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",),
            ("agosto",), ("septiembre", "setiembre"), ("octubre",), ("noviembre",), ("diciembre",),
        ),
        start=1,
    )
    for name in names
}
_SINCE_MARKER = re.compile(r"\b(?:desde|dsd|desd|dsde)\s+(?:\w+\s+)?$")
_RELATIVE = re.compile(
    r"\b(?:hace\s+)?" + APPROX + r"(?P<n>" + NUMBER + r")(?:\s+(?:o|a)\s+(?P<m>" + NUMBER + r"))?"
    r"\s+(?:de\s+)?(?P<unit>minutos?|min|horas?|hs|hrs?|dias?|semanas?|mes|meses|anos?)\b"
)
_TWO_DAYS_AGO = re.compile(r"\b(?:anteayer|antier|antenoche|anteanoche|antes de (?:ayer|anoche))\b")
_YESTERDAY = re.compile(r"\b(?<!antes de )(?:ayer|anoche)\b")
_TODAY = re.compile(
    r"\b(?:hoy|esta manana|esta tarde|esta noche|esta madrugada|hace (?:un )?(?:rato|ratito)"
    r"|hace poco|recien|reciencito|media hora|desde temprano|desde la manana|desde el mediodia"
    r"|desde la siesta|desde la tarde|desde la madrugada)\b"
)
_WEEKDAY = re.compile(r"\b(?P<day>" + "|".join(_WEEKDAYS) + r")\b")
_WEEKEND = re.compile(r"\b(?:finde|fin de semana)\b")
_LAST_WEEK = re.compile(r"\bla semana pasada\b")
_LAST_MONTH = re.compile(r"\bel mes pasado\b")
_DAY_OF_MONTH = re.compile(
    r"\bel (?:dia )?(?P<day>\d{1,2})(?: de (?P<month>" + "|".join(_MONTHS) + r"))?\b(?!/)"
)
_NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{2}|\d{4}))?\b")


@dataclass(frozen=True)
class SinceAnswer:
    """When the problem started, as best the customer's words say, and those words."""

    started_on: date
    text: str


def parse_since(text: str, now: datetime, tz: tzinfo) -> SinceAnswer | None:
    """The day a problem started: "desde ayer", "hace 3 días", "desde el lunes", "desde el 15".

    Dates are in `tz` (the company's zone) and never after today. A weekday is
    the most recent one before today ("desde el lunes" said on a Monday is a
    week ago, since today would be "desde hoy"); "el viernes pasado" is the same
    as "el viernes". A bare day of the month is this month's, or last month's
    when it has not come yet. When several cues appear the one after "desde"
    wins, otherwise the earliest date (the problem existed since then).
    Vague answers ("hace unos días", "hace tiempo") give None.
    """
    plain = plain_form(text)
    if not plain:
        return None
    local_now = now.astimezone(tz)
    today = local_now.date()
    candidates = [
        (match.start(), found)
        for match, found in _since_candidates(plain, local_now, today)
        if found is not None and found <= today
    ]
    if not candidates:
        return None
    introduced = [
        (start, found) for start, found in candidates if _SINCE_MARKER.search(plain[:start])
    ]
    if introduced:
        started_on = min(introduced)[1]
    else:
        started_on = min(found for _, found in candidates)
    return SinceAnswer(started_on=started_on, text=text.strip())


def _since_candidates(
    plain: str, now: datetime, today: date
) -> Iterator[tuple[re.Match[str], date | None]]:
    """(match, date) pairs for every time expression in `plain`."""
    for match in _RELATIVE.finditer(plain):
        amount = max(number_value(match["n"]) or 0, (number_value(match["m"]) or 0) if match["m"] else 0)
        yield match, _ago(now, today, amount, match["unit"])
    for match in _TWO_DAYS_AGO.finditer(plain):
        yield match, today - timedelta(days=2)
    for match in _YESTERDAY.finditer(plain):
        yield match, today - timedelta(days=1)
    for match in _TODAY.finditer(plain):
        yield match, today
    for match in _WEEKDAY.finditer(plain):
        yield match, _last_weekday(today, _WEEKDAYS.index(match["day"]))
    for match in _WEEKEND.finditer(plain):
        yield match, _last_weekday(today, _WEEKDAYS.index("sabado"))
    for match in _LAST_WEEK.finditer(plain):
        yield match, today - timedelta(days=7)
    for match in _LAST_MONTH.finditer(plain):
        yield match, _months_before(today, 1)
    for match in _DAY_OF_MONTH.finditer(plain):
        month = _MONTHS[match["month"]] if match["month"] else None
        yield match, _recent_date(today, int(match["day"]), month)
    for match in _NUMERIC_DATE.finditer(plain):
        yield match, _numeric_date(today, match)


def _ago(now: datetime, today: date, amount: int, unit: str) -> date | None:
    if unit.startswith(("min", "h")):
        hours = amount / 60 if unit.startswith("min") else amount
        return (now - timedelta(hours=hours)).date()
    if unit.startswith("dia"):
        return today - timedelta(days=amount)
    if unit.startswith("semana"):
        return today - timedelta(weeks=amount)
    if unit.startswith("mes"):
        return _months_before(today, amount)
    return _months_before(today, 12 * amount)  # years


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_weekday(today: date, weekday: int) -> date:
    """The most recent `weekday` strictly before today."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


def _recent_date(today: date, day: int, month: int | None) -> date | None:
    """The latest date not after today with this day (and month, if given)."""
    if month is not None:
        for year in (today.year, today.year - 1):
            found = _valid_date(year, month, day)
            if found and found <= today:
                return found
        return None
    for months_back in range(12):
        first = _months_before(today.replace(day=1), months_back)
        found = _valid_date(first.year, first.month, day)
        if found and found <= today:
            return found
    return None


def _numeric_date(today: date, match: re.Match[str]) -> date | None:
    day, month = int(match["day"]), int(match["month"])
    if not match["year"]:
        return _recent_date(today, day, month)
    year = int(match["year"])
    return _valid_date(year + 2000 if year < 100 else year, month, day)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
