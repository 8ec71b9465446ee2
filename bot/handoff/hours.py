"""When people are at work: the business hours of the agents' queues.

The bot answers 24/7; the people behind the handoff queues (technical, billing,
sales, retention, general) do not always. Process 004 says service is 24 hours
except public holidays; operators may narrow that per queue. This module answers,
for a queue and a moment, "is it open?", "when does it open next?" and "when does
this open period end?". It is pure: no database, no Rasa. Its configuration comes
as text (`AGENT_HOURS`, `AGENT_CLOSURES`), parsed here and read from the
environment by bot.settings.

A queue is open at a moment when, in the company's local time:

- one of its weekly shifts covers the moment (a queue without configured hours,
  and without a `*` default, is open all day every day);
- the local day is not a public holiday of the company's country (the `holidays`
  package), unless `open_on_holidays` is set; a holiday closes the whole day,
  including the after-midnight part of a shift that began the evening before;
- no configured closure, for every queue or for this one, covers it.

Shifts and closures are wall-clock local times with minute precision; moments
in and out are timezone-aware datetimes, returned in UTC. Local times are
turned into instants with zoneinfo, so a day on which the clock changes is 23
or 25 hours long and shifts keep their wall-clock times; a time that does not
exist (skipped by a spring-forward change) stands for the instant the clock
jumps to, and an ambiguous one for its first occurrence.

Answers look at most `HORIZON_DAYS` ahead: a queue that never opens within that
horizon has no next opening (None), and one that stays open beyond it has no
closing time (None).
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

DEFAULT_QUEUE = "*"  # key of AGENT_HOURS for every queue not named
HORIZON_DAYS = 366
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
MINUTES_PER_DAY = 24 * 60

# [start, end) in minutes since local midnight; end may be MINUTES_PER_DAY.
_Interval = tuple[int, int]

_TIME_RANGE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
_DAY_ITEM = re.compile(r"([a-z]+)(?:-([a-z]+))?")
_QUEUE_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_CLOSURE = re.compile(r"(?:(?P<queue>[a-z][a-z0-9_-]*):)?(?P<day>\S+)(?: (?P<range>\S+))?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOURS_EXAMPLE = "technical=mon-fri 08:00-12:00 14:00-18:00, sat 08:00-12:00; *=mon-sun 00:00-24:00"


@dataclass(frozen=True)
class Shift:
    """A weekly time range on some weekdays, in local time.

    `end` None means midnight at the end of the day (written 24:00). An `end`
    earlier than `start` is a night shift: it runs from `start` on each of its
    days to `end` on the following day (22:00-06:00 on Friday ends Saturday 06:00).
    """

    days: frozenset[int]  # date.weekday() numbers, Monday = 0
    start: time
    end: time | None

    def __post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError(f"shift days must be weekday numbers 0-6, got {sorted(self.days)}")
        for moment in (self.start, self.end):
            if moment is not None and (moment.second or moment.microsecond or moment.tzinfo):
                raise ValueError(f"shift times are local hours and minutes, got {moment!r}")
        if self.end == self.start:
            raise ValueError(
                f"shift {_clock(self.start)}-{_clock(self.end)} is empty"
                " (write 00:00-24:00 for a whole day)"
            )


@dataclass(frozen=True)
class QueueHours:
    """The weekly shifts of a queue; no shifts at all is a queue that never opens."""

    shifts: tuple[Shift, ...]

    def weekly_minutes(self) -> tuple[tuple[_Interval, ...], ...]:
        """Open minutes of each weekday, merged and in order.

        A night shift puts its after-midnight part on the next weekday, so a day
        is complete on its own (and a holiday can close that part too).
        """
        days: list[list[_Interval]] = [[] for _ in WEEKDAYS]
        for shift in self.shifts:
            start = _minutes(shift.start)
            end = _minutes(shift.end)
            for day in shift.days:
                if end > start:
                    days[day].append((start, end))
                else:
                    days[day].append((start, MINUTES_PER_DAY))
                    days[(day + 1) % 7].append((0, end))
        return tuple(_merge(intervals) for intervals in days)


ALWAYS_OPEN = QueueHours((Shift(frozenset(range(7)), time(0), None),))
NEVER_OPEN = QueueHours(())


@dataclass(frozen=True)
class Closure:
    """A day, or part of one, when a queue (None: every queue) is closed; local time."""

    day: date
    start: time = time(0)
    end: time | None = None  # None: midnight at the end of the day
    queue: str | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"closure {self.day} {_clock(self.start)}-{_clock(self.end)} ends before it starts"
                " (a closure stays within one day; list the next day separately)"
            )

    def applies_to(self, queue: str) -> bool:
        return self.queue is None or self.queue == queue

    @property
    def minutes(self) -> _Interval:
        return _minutes(self.start), _minutes(self.end)


def parse_agent_hours(text: str, known_queues: Collection[str] | None = None) -> dict[str, QueueHours]:
    """Hours per queue from `AGENT_HOURS`; "" gives {} (every queue open all day).

    Grammar (case-insensitive):

        AGENT_HOURS = entry ; entry ; ...
        entry       = queue=spec            queue is a name or * (every queue not named)
        spec        = closed | group, group, ...
        group       = days... HH:MM-HH:MM...

    A group is one or more day items followed by one or more time ranges; a day
    item is a day (mon ... sun) or a range of days (mon-fri). Items and ranges
    are separated by spaces, commas or `+`, and a day item after a time range
    starts a new group, so "mon,wed,fri-sat 09:00-13:00" and "mon+wed 09:00-13:00"
    read as expected and commas between groups are unambiguous. Several time
    ranges in a group are split shifts; 24:00 ends a shift at midnight, and an
    end earlier than the start is a night shift ending the next day. Shifts that
    overlap simply add up. `closed` is a queue that never opens.

    With `known_queues`, a name outside it (other than *) is rejected, so a typo
    does not silently leave a queue open all day. Raises ValueError naming the
    queue and the piece that cannot be read.
    """
    result: dict[str, QueueHours] = {}
    for entry in text.split(";"):
        entry = _normalise(entry)
        if not entry:
            continue
        name, equals, spec = entry.partition("=")
        if not equals:
            raise ValueError(f"{entry!r} is not queue=hours (e.g. {_HOURS_EXAMPLE!r})")
        if not name:
            raise ValueError(f"{entry!r} names no queue (e.g. {_HOURS_EXAMPLE!r})")
        _check_queue(name, known_queues, allow_default=True)
        if name in result:
            raise ValueError(f"queue {name!r} is given twice")
        result[name] = _parse_queue_spec(name, spec)
    return result


def parse_closures(text: str, known_queues: Collection[str] | None = None) -> tuple[Closure, ...]:
    """Closures from `AGENT_CLOSURES`, ordered by day and start; "" gives ().

    Comma-separated items, each a local date for the whole day (`2026-12-24`),
    a date and a time range (`2026-12-31 13:00-24:00`), either one optionally
    for a single queue (`billing:2026-12-24`, `billing:2026-12-31 13:00-24:00`).
    A closure stays within its day. Raises ValueError naming the bad item.
    """
    closures = []
    for raw in text.split(","):
        item = _normalise(raw)
        if not item:
            continue
        match = _CLOSURE.fullmatch(item)
        if not match:
            raise ValueError(
                f"closure {item!r} is not [queue:]YYYY-MM-DD [HH:MM-HH:MM]"
                " (e.g. '2026-12-24' or 'billing:2026-12-31 13:00-24:00')"
            )
        queue = match.group("queue")
        if queue is not None:
            _check_queue(queue, known_queues, allow_default=False)
        day = _parse_date(match.group("day"), item)
        start, end = time(0), None
        if match.group("range"):
            start, end = _parse_time_range(match.group("range"), f"closure {item!r}")
            if end is not None and end <= start:
                raise ValueError(
                    f"closure {item!r} ends before it starts"
                    " (a closure stays within one day; list the next day separately)"
                )
        closures.append(Closure(day=day, start=start, end=end, queue=queue))
    return tuple(sorted(closures, key=lambda closure: (closure.day, closure.start)))


@dataclass(frozen=True)
class BusinessHours:
    """The agents' calendar: weekly hours per queue, public holidays and closures."""

    hours: Mapping[str, QueueHours]  # by queue; DEFAULT_QUEUE for the rest
    country: str  # ISO 3166 code for public holidays, e.g. "PY"
    tz: ZoneInfo
    closures: tuple[Closure, ...] = ()
    open_on_holidays: bool = False
    # Derived once: asked every few seconds per waiting conversation.
    _weekly: Mapping[str, tuple[tuple[_Interval, ...], ...]] = field(
        init=False, repr=False, compare=False
    )
    _closures_by_day: Mapping[date, tuple[Closure, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            holidays.country_holidays(self.country)
        except NotImplementedError:
            raise ValueError(f"no public holiday calendar for country {self.country!r}") from None
        # A private copy: the caller's dict changing later must not change the answers.
        object.__setattr__(self, "hours", MappingProxyType(dict(self.hours)))
        weekly = {queue: hours.weekly_minutes() for queue, hours in self.hours.items()}
        object.__setattr__(self, "_weekly", MappingProxyType(weekly))
        by_day: dict[date, list[Closure]] = {}
        for closure in self.closures:
            by_day.setdefault(closure.day, []).append(closure)
        frozen = {day: tuple(items) for day, items in by_day.items()}
        object.__setattr__(self, "_closures_by_day", MappingProxyType(frozen))

    def hours_of(self, queue: str) -> QueueHours:
        """The weekly hours `queue` keeps: its own, else the default, else all day."""
        for key in (queue, DEFAULT_QUEUE):
            if key in self.hours:
                return self.hours[key]
        return ALWAYS_OPEN

    def is_open(self, queue: str, moment: datetime) -> bool:
        """Whether people of `queue` are at work at `moment` (timezone-aware)."""
        return self.next_opening(queue, moment) == _utc(moment)

    def next_opening(self, queue: str, moment: datetime) -> datetime | None:
        """`moment` itself (in UTC) when open, else when `queue` opens next.

        None when it does not open within HORIZON_DAYS.
        """
        now = _utc(moment)
        limit = now + timedelta(days=HORIZON_DAYS)
        for start, end in self._open_periods(queue, now):
            if end > now:
                opening = max(start, now)
                return opening if opening <= limit else None
        return None

    def closes_at(self, queue: str, moment: datetime) -> datetime | None:
        """When the open period of `queue` in progress at `moment` ends, in UTC.

        `moment` itself when the queue is closed then (so `closes_at(q, m) > m`
        exactly when open); None when it stays open beyond HORIZON_DAYS, as a queue
        always open in a country without holidays does. Contiguous shifts, also
        across midnight, count as one period.
        """
        now = _utc(moment)
        limit = now + timedelta(days=HORIZON_DAYS)
        for start, end in self._open_periods(queue, now):
            if end > now:
                if start > now:
                    return now
                return end if end <= limit else None
        return now

    def _open_periods(self, queue: str, now: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open periods in UTC, merged when they touch, from the local day of `now` on.

        The scan covers the horizon plus two days, so a period cut by the scan's
        end always ends after `now` + HORIZON_DAYS.
        """
        first_day = now.astimezone(self.tz).date()
        weekly = self._weekly_of(queue)
        pending: tuple[datetime, datetime] | None = None
        for offset in range(HORIZON_DAYS + 2):
            day = first_day + timedelta(days=offset)
            for start_minute, end_minute in self._day_minutes(queue, day, weekly[day.weekday()]):
                start, end = self._instant(day, start_minute), self._instant(day, end_minute)
                if pending is not None and pending[1] >= start:
                    pending = (pending[0], max(pending[1], end))
                    continue
                if pending is not None:
                    yield pending
                pending = (start, end)
        if pending is not None:
            yield pending

    def _weekly_of(self, queue: str) -> tuple[tuple[_Interval, ...], ...]:
        for key in (queue, DEFAULT_QUEUE):
            if key in self._weekly:
                return self._weekly[key]
        return _always_open_weekly()

    def _day_minutes(self, queue: str, day: date, weekly: tuple[_Interval, ...]) -> tuple[_Interval, ...]:
        if not weekly:
            return weekly
        if not self.open_on_holidays and day in _public_holidays(self.country, day.year):
            return ()
        closures = self._closures_by_day.get(day, ())
        cuts = [closure.minutes for closure in closures if closure.applies_to(queue)]
        return _subtract(weekly, cuts) if cuts else weekly

    def _instant(self, day: date, minute: int) -> datetime:
        """The UTC instant of local `day` at `minute` past midnight (1440: the next midnight)."""
        if minute >= MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)
        return local.astimezone(timezone.utc)


def _parse_queue_spec(queue: str, spec: str) -> QueueHours:
    words = [word for word in re.split(r"[\s,+]+", spec) if word]
    if not words:
        raise ValueError(f"queue {queue!r} has no hours (write 'closed' for a queue that never opens)")
    if words == ["closed"]:
        return NEVER_OPEN
    shifts: list[Shift] = []
    day_words: list[str] = []
    days: set[int] = set()
    ranges: list[tuple[time, time | None]] = []
    for word in words:
        if _TIME_RANGE.fullmatch(word):
            if not days:
                raise ValueError(
                    f"queue {queue!r}: hours {word!r} come before any day (write e.g. 'mon-fri {word}')"
                )
            ranges.append(_parse_time_range(word, f"queue {queue!r}"))
            continue
        if ranges:  # a day after hours starts the next group
            shifts.extend(Shift(frozenset(days), start, end) for start, end in ranges)
            day_words, days, ranges = [], set(), []
        days |= _parse_day_item(word, queue)
        day_words.append(word)
    if not ranges:
        raise ValueError(
            f"queue {queue!r}: days {' '.join(day_words)!r} have no hours"
            f" (write e.g. '{' '.join(day_words)} 08:00-17:00')"
        )
    shifts.extend(Shift(frozenset(days), start, end) for start, end in ranges)
    return QueueHours(tuple(shifts))


def _parse_day_item(word: str, queue: str) -> frozenset[int]:
    match = _DAY_ITEM.fullmatch(word)
    if not match or any(day and day not in WEEKDAYS for day in match.groups()):
        hint = " ('closed' must stand alone)" if word == "closed" else ""
        raise ValueError(
            f"queue {queue!r}: {word!r} is neither a day ({', '.join(WEEKDAYS)}, or a range"
            f" like mon-fri) nor hours HH:MM-HH:MM{hint}"
        )
    first = WEEKDAYS.index(match.group(1))
    last = WEEKDAYS.index(match.group(2) or match.group(1))
    if last < first:
        raise ValueError(f"queue {queue!r}: day range {word!r} runs backwards (write e.g. 'sat-sun')")
    return frozenset(range(first, last + 1))


def _parse_time_range(word: str, where: str) -> tuple[time, time | None]:
    """Start and end of "HH:MM-HH:MM"; an end of 24:00 is None (midnight)."""
    match = _TIME_RANGE.fullmatch(word)
    if not match:
        raise ValueError(f"{where}: {word!r} is not HH:MM-HH:MM")
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
    try:
        start = time(start_hour, start_minute)
        end = None if (end_hour, end_minute) == (24, 0) else time(end_hour, end_minute)
    except ValueError:
        raise ValueError(f"{where}: {word!r} holds an impossible time (00:00 to 24:00)") from None
    if end == start:
        raise ValueError(f"{where}: {word!r} is empty (write 00:00-24:00 for a whole day)")
    return start, end


def _parse_date(text: str, item: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"closure {item!r}: {text!r} is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"closure {item!r}: {text!r} is not a real date") from None


def _check_queue(name: str, known_queues: Collection[str] | None, allow_default: bool) -> None:
    if allow_default and name == DEFAULT_QUEUE:
        return
    if not _QUEUE_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a queue name (letters, digits, '_' or '-')")
    if known_queues is not None and name not in known_queues:
        raise ValueError(f"unknown queue {name!r} (known: {', '.join(sorted(known_queues))})")


def _normalise(text: str) -> str:
    """Lower case, single spaces, none around '-', '=' or ':' ("Mon - Fri" is "mon-fri")."""
    text = " ".join(text.lower().split())
    return re.sub(r" ?([-=:]) ?", r"\1", text)


def _merge(intervals: list[_Interval]) -> tuple[_Interval, ...]:
    merged: list[_Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _subtract(intervals: tuple[_Interval, ...], cuts: list[_Interval]) -> tuple[_Interval, ...]:
    remaining = list(intervals)
    for cut_start, cut_end in cuts:
        pieces: list[_Interval] = []
        for start, end in remaining:
            if cut_end <= start or end <= cut_start:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        remaining = pieces
    return tuple(remaining)


def _minutes(moment: time | None) -> int:
    return MINUTES_PER_DAY if moment is None else moment.hour * 60 + moment.minute


def _clock(moment: time | None) -> str:
    return "24:00" if moment is None else moment.strftime("%H:%M")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware value")
    return moment.astimezone(timezone.utc)


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


@lru_cache(maxsize=1)
def _always_open_weekly() -> tuple[tuple[_Interval, ...], ...]:
    return ALWAYS_OPEN.weekly_minutes()
