"""When a technician can visit: "de 24 a 48 horas hábiles" (process 002), made precise.

Definitions, all in the company's time zone:

- A business day is one of the configured weekdays (`BUSINESS_DAYS`, Monday to
  Friday by default) that is not a public holiday of the company's country
  (the `holidays` package).
- Business hours are the hours of business days: every hour of a business day
  counts, none of a weekend or holiday counts. They are measured as elapsed
  time, so a day on which the clock changes counts 23 or 25 hours.
- Technicians visit in daily windows (`VISIT_WINDOWS`, 08:00-12:00 and
  13:00-17:00 by default) on business days.
- The earliest visit is the first window that starts at least 24 business hours
  after the report. Because a window recurs on every business day, it then
  starts at most 48 business hours after the report: the promise holds.

So a report on Monday 10:00 is visited from Tuesday 13:00, a report on Friday
17:30 from Tuesday 08:00 (6.5 hours of Friday and 24 of Monday pass first), and
a report on Saturday from Tuesday 08:00 (Monday's 24 hours pass first).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.settings import Settings

MIN_BUSINESS_HOURS = 24
MAX_BUSINESS_HOURS = 48
# How far ahead a visit may be moved: later dates are not offered, and the customer is told so.
BOOKING_HORIZON_DAYS = 31
# Far more days than any real calendar needs to find a business day; a bound
# against a calendar whose every day is a holiday.
_SEARCH_DAYS = 370


@dataclass(frozen=True)
class VisitWindow:
    """A time range a technician may arrive in; aware datetimes in the company's zone."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class FieldCalendar:
    """The technicians' working calendar."""

    country: str  # ISO 3166 code for public holidays, e.g. "PY"
    tz: ZoneInfo
    business_days: frozenset[int]  # date.weekday() numbers, Monday = 0
    windows: tuple[tuple[time, time], ...]  # daily (start, end), in order

    def __post_init__(self) -> None:
        if not self.business_days or not self.business_days <= set(range(7)):
            raise ValueError(f"business_days must be weekday numbers 0-6, got {self.business_days}")
        if not self.windows or any(start >= end for start, end in self.windows):
            raise ValueError(f"windows must be non-empty (start, end) pairs, got {self.windows}")
        try:
            holidays.country_holidays(self.country)
        except NotImplementedError:
            raise ValueError(f"no public holiday calendar for country {self.country!r}") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldCalendar:
        return cls(
            country=settings.company.country,
            tz=settings.company.tzinfo,
            business_days=settings.field.business_days,
            windows=settings.field.visit_windows,
        )

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.business_days and day not in _public_holidays(
            self.country, day.year
        )

    def business_days_after(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (`day` itself never counts)."""
        found = 0
        for offset in range(1, _SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                found += 1
                if found == count:
                    return candidate
        raise ValueError("the calendar has no business days in the coming year")


def business_hours_between(a: datetime, b: datetime, calendar: FieldCalendar) -> float:
    """Business hours from `a` to `b` (negative when `b` is earlier)."""
    if b < a:
        return -business_hours_between(b, a, calendar)
    end = _utc(b)
    total = timedelta()
    for day_start, day_end in _business_days_from(_local(a, calendar), calendar):
        if _utc(day_start) >= end:
            break
        total += min(_utc(day_end), end) - _utc(day_start)
    return total / timedelta(hours=1)


def next_visit_window(now: datetime, calendar: FieldCalendar) -> VisitWindow:
    """The earliest window starting at least 24 business hours after `now`."""
    return next(_windows_from(now, calendar))


def visit_windows(now: datetime, calendar: FieldCalendar, count: int) -> list[VisitWindow]:
    """The earliest window and the ones that follow it, `count` in all (to reschedule)."""
    windows = _windows_from(now, calendar)
    return [next(windows) for _ in range(max(count, 0))]


def visit_windows_where(
    now: datetime,
    calendar: FieldCalendar,
    count: int,
    accept: Callable[[VisitWindow], bool],
    horizon_days: int = BOOKING_HORIZON_DAYS,
) -> list[VisitWindow]:
    """The first `count` windows a visit can take that `accept` takes ("el jueves a la tarde").

    Only windows starting within `horizon_days` of `now` count: an empty list
    means there is none the customer can be offered, and they are told so.
    """
    last_start = now + timedelta(days=horizon_days)
    found: list[VisitWindow] = []
    for window in _windows_from(now, calendar):
        if _utc(window.start) > _utc(last_start) or len(found) >= count:
            break
        if accept(window):
            found.append(window)
    return found


def _windows_from(now: datetime, calendar: FieldCalendar) -> Iterator[VisitWindow]:
    earliest = _add_business_hours(_local(now, calendar), MIN_BUSINESS_HOURS, calendar)
    for day_start, _ in _business_days_from(earliest, calendar, whole_days=True):
        for start_time, end_time in calendar.windows:
            start = datetime.combine(day_start.date(), start_time, tzinfo=calendar.tz)
            if _utc(start) >= _utc(earliest):
                end = datetime.combine(day_start.date(), end_time, tzinfo=calendar.tz)
                yield VisitWindow(start=start, end=end)


def _add_business_hours(start: datetime, hours: float, calendar: FieldCalendar) -> datetime:
    remaining = timedelta(hours=hours)
    for day_start, day_end in _business_days_from(start, calendar):
        span = _utc(day_end) - _utc(day_start)
        if remaining <= span:
            return (_utc(day_start) + remaining).astimezone(calendar.tz)
        remaining -= span
    raise RuntimeError("the calendar has no business days in the coming year")


def _business_days_from(
    moment: datetime, calendar: FieldCalendar, whole_days: bool = False
) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) of each business day from `moment` on, the first cut at `moment`.

    With `whole_days` the first day starts at its midnight. Bounded: a calendar
    without business days ends the iteration instead of looping forever.
    """
    first = moment.date()
    for offset in range(_SEARCH_DAYS * 2):
        day = first + timedelta(days=offset)
        if not calendar.is_business_day(day):
            continue
        day_start = datetime.combine(day, time(0), tzinfo=calendar.tz)
        day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=calendar.tz)
        if offset == 0 and not whole_days and _utc(moment) > _utc(day_start):
            day_start = moment
        yield day_start, day_end


def _local(moment: datetime, calendar: FieldCalendar) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware value")
    return moment.astimezone(calendar.tz)


def _utc(moment: datetime) -> datetime:
    # Aware datetimes sharing a tzinfo subtract as wall-clock times; in UTC they
    # subtract as elapsed time, which is what an hour means here.
    return moment.astimezone(timezone.utc)


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))
