"""Queues open in their shifts, close on public holidays and closures, in local time."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.hours import (
    ALWAYS_OPEN,
    DEFAULT_QUEUE,
    NEVER_OPEN,
    BusinessHours,
    Closure,
    QueueHours,
    Shift,
    parse_agent_hours,
    parse_closures,
)

ASUNCION = ZoneInfo("America/Asuncion")  # UTC-3 all year
NEW_YORK = ZoneInfo("America/New_York")  # changes the clock
WEEK = frozenset(range(7))
MON_FRI = frozenset(range(5))
QUEUES = ("technical", "billing", "sales", "retention", "general")
CONFIG = (
    "technical=mon-fri 08:00-12:00 14:00-18:00, sat 08:00-12:00;"
    " billing=mon-fri 08:00-17:00;"
    " *=mon-sun 00:00-24:00"
)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ASUNCION)


def calendar(
    config: str = CONFIG, closures: str = "", open_on_holidays: bool = False, country: str = "PY"
) -> BusinessHours:
    return BusinessHours(
        hours=parse_agent_hours(config),
        country=country,
        tz=ASUNCION,
        closures=parse_closures(closures),
        open_on_holidays=open_on_holidays,
    )


# --- parsing AGENT_HOURS -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("  ;  ; ", {}),
        ("*=mon-sun 00:00-24:00", {DEFAULT_QUEUE: QueueHours((Shift(WEEK, time(0), None),))}),
        (
            "technical=mon-fri 08:00-12:00 14:00-18:00, sat 08:00-12:00",
            {
                "technical": QueueHours(
                    (
                        Shift(MON_FRI, time(8), time(12)),
                        Shift(MON_FRI, time(14), time(18)),
                        Shift(frozenset({5}), time(8), time(12)),
                    )
                )
            },
        ),
        (
            # Commas inside a day list: a day item after hours starts the next group.
            "billing=mon,wed,fri-sat 09:00-13:00",
            {"billing": QueueHours((Shift(frozenset({0, 2, 4, 5}), time(9), time(13)),))},
        ),
        (
            "billing=mon+wed 09:00-13:00",
            {"billing": QueueHours((Shift(frozenset({0, 2}), time(9), time(13)),))},
        ),
        (
            # Hours separated by a comma stay in their group.
            "sales=mon-fri 08:00-12:00, 14:00-18:00",
            {"sales": QueueHours((Shift(MON_FRI, time(8), time(12)), Shift(MON_FRI, time(14), time(18))))},
        ),
        (
            "Technical = Mon - Fri  8:00 - 12:30",
            {"technical": QueueHours((Shift(MON_FRI, time(8), time(12, 30)),))},
        ),
        ("retention=closed", {"retention": NEVER_OPEN}),
        ("general=fri 22:00-06:00", {"general": QueueHours((Shift(frozenset({4}), time(22), time(6)),))}),
        (
            "technical=sat-sun 10:00-14:00; billing=mon 08:00-09:00;",
            {
                "technical": QueueHours((Shift(frozenset({5, 6}), time(10), time(14)),)),
                "billing": QueueHours((Shift(frozenset({0}), time(8), time(9)),)),
            },
        ),
    ],
)
def test_agent_hours_are_parsed(text: str, expected: dict[str, QueueHours]) -> None:
    assert parse_agent_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("technical", "'technical' is not queue=hours"),
        ("=mon 08:00-12:00", "names no queue"),
        ("technical=", "queue 'technical' has no hours (write 'closed'"),
        ("technical=mon-fri", "queue 'technical': days 'mon-fri' have no hours"),
        ("technical=mon 08:00-12:00 sat", "queue 'technical': days 'sat' have no hours"),
        ("technical=08:00-12:00", "queue 'technical': hours '08:00-12:00' come before any day"),
        ("technical=mon-fry 08:00-12:00", "queue 'technical': 'mon-fry' is neither a day"),
        ("technical=lunes 08:00-12:00", "'lunes' is neither a day (mon, tue, wed, thu, fri, sat, sun"),
        ("technical=mon 8-12", "'8-12' is neither a day"),
        ("technical=fri-mon 08:00-12:00", "day range 'fri-mon' runs backwards"),
        ("technical=mon 08:00-25:00", "'08:00-25:00' holds an impossible time"),
        ("technical=mon 08:60-12:00", "'08:60-12:00' holds an impossible time"),
        ("technical=mon 24:00-08:00", "'24:00-08:00' holds an impossible time"),
        ("technical=mon 08:00-08:00", "'08:00-08:00' is empty (write 00:00-24:00"),
        ("technical=mon 08:00-12:00; technical=tue 08:00-12:00", "queue 'technical' is given twice"),
        ("tech support=mon 08:00-12:00", "'tech support' is not a queue name"),
        ("sales=closed mon 08:00-12:00", "'closed' must stand alone"),
    ],
)
def test_bad_agent_hours_name_the_bad_piece(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_agent_hours(text)
    assert message in str(error.value)


def test_known_queues_catch_a_typo_but_allow_the_default() -> None:
    assert set(parse_agent_hours("technical=mon 08:00-12:00; *=closed", QUEUES)) == {"technical", "*"}
    with pytest.raises(ValueError, match="unknown queue 'tecnical' \\(known: billing, general"):
        parse_agent_hours("tecnical=mon 08:00-12:00", QUEUES)


# --- parsing AGENT_CLOSURES --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        (" , ", ()),
        ("2026-12-24", (Closure(date(2026, 12, 24)),)),
        ("2026-12-31 13:00-24:00", (Closure(date(2026, 12, 31), time(13), None),)),
        ("2026-12-31 08:00-12:00", (Closure(date(2026, 12, 31), time(8), time(12)),)),
        ("billing:2026-12-24", (Closure(date(2026, 12, 24), queue="billing"),)),
        (
            "Billing : 2026-12-31 13:00 - 24:00",
            (Closure(date(2026, 12, 31), time(13), None, queue="billing"),),
        ),
        (
            "2026-12-31 13:00-24:00, 2026-12-24, sales:2026-12-24 08:00-10:00",
            (
                Closure(date(2026, 12, 24)),
                Closure(date(2026, 12, 24), time(8), time(10), queue="sales"),
                Closure(date(2026, 12, 31), time(13), None),
            ),
        ),
    ],
)
def test_closures_are_parsed_in_order(text: str, expected: tuple[Closure, ...]) -> None:
    assert parse_closures(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("24/12/2026", "closure '24/12/2026': '24/12/2026' is not a date YYYY-MM-DD"),
        ("2026-13-01", "'2026-13-01' is not a real date"),
        ("2026-02-30", "'2026-02-30' is not a real date"),
        ("2026-12-31 13:00", "closure '2026-12-31 13:00': '13:00' is not HH:MM-HH:MM"),
        ("2026-12-31 22:00-02:00", "closure '2026-12-31 22:00-02:00' ends before it starts"),
        ("2026-12-31 13:00-13:00", "'13:00-13:00' is empty"),
        ("2026-12-31 13:00-25:00", "'13:00-25:00' holds an impossible time"),
        ("2026-12-24 all day", "closure '2026-12-24 all day' is not [queue:]YYYY-MM-DD [HH:MM-HH:MM]"),
    ],
)
def test_bad_closures_name_the_bad_item(text: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_closures(f"2026-12-24, {text}")
    assert message in str(error.value)


def test_closures_of_unknown_queues_are_refused_when_queues_are_known() -> None:
    assert parse_closures("billing:2026-12-24", QUEUES)[0].queue == "billing"
    with pytest.raises(ValueError, match="unknown queue 'biling'"):
        parse_closures("biling:2026-12-24", QUEUES)


# --- the values themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Shift(frozenset(), time(8), time(12)), "weekday numbers 0-6"),
        (lambda: Shift(frozenset({7}), time(8), time(12)), "weekday numbers 0-6"),
        (lambda: Shift(WEEK, time(8), time(8)), "shift 08:00-08:00 is empty"),
        (lambda: Shift(WEEK, time(8, 0, 30), time(9)), "hours and minutes"),
        (lambda: Closure(date(2026, 12, 24), time(13), time(12)), "ends before it starts"),
        (lambda: BusinessHours({}, "XX", ASUNCION), "no public holiday calendar for country 'XX'"),
    ],
)
def test_impossible_values_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        calendar().is_open("technical", datetime(2026, 3, 16, 9))


# --- which hours a queue keeps -----------------------------------------------------------------


def test_unset_hours_keep_every_queue_open_all_day_every_day() -> None:
    hours = calendar(config="")
    monday_night, sunday_noon = local(2026, 3, 16, 3), local(2026, 3, 22, 12)

    assert hours.is_open("technical", monday_night)
    assert hours.is_open("sales", sunday_noon)
    assert hours.hours_of("sales") == ALWAYS_OPEN


def test_unnamed_queues_follow_the_default() -> None:
    hours = calendar("technical=mon-fri 08:00-12:00; *=sat-sun 10:00-14:00")
    saturday = local(2026, 3, 21, 11)

    assert hours.is_open("sales", saturday)
    assert not hours.is_open("technical", saturday)
    assert not hours.is_open("sales", local(2026, 3, 16, 11))
    assert hours.hours_of("billing") == hours.hours_of(DEFAULT_QUEUE)


def test_without_a_default_unnamed_queues_are_open_all_day() -> None:
    hours = calendar("technical=mon-fri 08:00-12:00")

    assert hours.is_open("billing", local(2026, 3, 21, 23))
    assert not hours.is_open("technical", local(2026, 3, 21, 11))


def test_a_closed_queue_never_opens() -> None:
    hours = calendar("retention=closed")
    moment = local(2026, 3, 16, 10)

    assert not hours.is_open("retention", moment)
    assert hours.next_opening("retention", moment) is None
    assert hours.closes_at("retention", moment) == moment


@pytest.mark.parametrize(
    ("hour", "minute", "is_open"),
    [
        (7, 59, False),
        (8, 0, True),
        (9, 0, True),
        (11, 59, True),
        (12, 0, False),
        (13, 0, False),
        (14, 0, True),
        (15, 0, True),
        (18, 0, False),
        (23, 0, False),
    ],
)
def test_split_shifts_open_in_the_morning_and_afternoon_only(hour: int, minute: int, is_open: bool) -> None:
    monday = local(2026, 3, 16, hour, minute)

    assert calendar().is_open("technical", monday) is is_open


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (local(2026, 3, 16, 9), local(2026, 3, 16, 9)),  # open: the moment itself
        (local(2026, 3, 16, 6), local(2026, 3, 16, 8)),
        (local(2026, 3, 16, 13), local(2026, 3, 16, 14)),
        (local(2026, 3, 16, 12), local(2026, 3, 16, 14)),  # a shift's end is already closed
        (local(2026, 3, 16, 19), local(2026, 3, 17, 8)),
        (local(2026, 3, 20, 19), local(2026, 3, 21, 8)),  # Friday evening: Saturday morning
        (local(2026, 3, 21, 12), local(2026, 3, 23, 8)),  # Saturday noon: Monday
    ],
)
def test_next_opening_of_split_shifts(moment: datetime, opening: datetime) -> None:
    assert calendar().next_opening("technical", moment) == opening


@pytest.mark.parametrize(
    ("moment", "closing"),
    [
        (local(2026, 3, 16, 9), local(2026, 3, 16, 12)),
        (local(2026, 3, 16, 8), local(2026, 3, 16, 12)),
        (local(2026, 3, 16, 15), local(2026, 3, 16, 18)),
        (local(2026, 3, 16, 13), local(2026, 3, 16, 13)),  # closed: the moment itself
        (local(2026, 3, 21, 11, 30), local(2026, 3, 21, 12)),
    ],
)
def test_closes_at_ends_the_current_part_of_a_split_shift(moment: datetime, closing: datetime) -> None:
    assert calendar().closes_at("technical", moment) == closing


# --- public holidays and closures --------------------------------------------------------------


@pytest.mark.parametrize(
    ("holiday", "queue", "opening"),
    [
        # Tuesday 8 December 2026, Virgen de Caacupé.
        (local(2026, 12, 8, 10), "general", local(2026, 12, 9)),
        (local(2026, 12, 8, 10), "technical", local(2026, 12, 9, 8)),
        (local(2026, 12, 8, 0), "general", local(2026, 12, 9)),
        (local(2026, 12, 8, 23, 59), "billing", local(2026, 12, 9, 8)),
        # Friday 25 December 2026: the next shift is Saturday's, the default reopens at midnight.
        (local(2026, 12, 25, 9), "technical", local(2026, 12, 26, 8)),
        (local(2026, 12, 25, 9), "general", local(2026, 12, 26)),
        (local(2026, 12, 25, 9), "billing", local(2026, 12, 28, 8)),
    ],
)
def test_a_public_holiday_closes_every_queue_all_day(
    holiday: datetime, queue: str, opening: datetime
) -> None:
    hours = calendar()

    assert not hours.is_open(queue, holiday)
    assert hours.next_opening(queue, holiday) == opening


def test_a_queue_open_all_day_closes_at_the_next_holiday() -> None:
    assert calendar().closes_at("general", local(2026, 12, 7, 15)) == local(2026, 12, 8)


def test_open_on_holidays_keeps_the_weekly_hours() -> None:
    hours = calendar(open_on_holidays=True)

    assert hours.is_open("general", local(2026, 12, 8, 10))
    assert hours.is_open("technical", local(2026, 12, 8, 10))
    assert hours.closes_at("general", local(2026, 12, 8, 10)) is None  # open beyond the horizon


def test_next_opening_skips_a_long_weekend_of_holidays() -> None:
    # Maundy Thursday 2 and Good Friday 3 April 2026, then the weekend.
    hours = calendar("technical=mon-fri 08:00-18:00")

    assert hours.next_opening("technical", local(2026, 4, 1, 19)) == local(2026, 4, 6, 8)
    assert hours.closes_at("technical", local(2026, 4, 1, 17)) == local(2026, 4, 1, 18)


def test_a_closure_takes_part_of_a_day() -> None:
    # Thursday 31 December 2026 from 13:00; 1 January is a public holiday.
    hours = calendar(closures="2026-12-31 13:00-24:00")

    assert hours.is_open("general", local(2026, 12, 31, 12, 59))
    assert not hours.is_open("general", local(2026, 12, 31, 13))
    assert hours.closes_at("general", local(2026, 12, 31, 10)) == local(2026, 12, 31, 13)
    assert hours.next_opening("general", local(2026, 12, 31, 13)) == local(2027, 1, 2)
    assert hours.next_opening("technical", local(2026, 12, 31, 13)) == local(2027, 1, 2, 8)


def test_a_closure_inside_a_shift_splits_it() -> None:
    hours = calendar(closures="2026-03-16 10:00-11:00")

    assert hours.closes_at("technical", local(2026, 3, 16, 9)) == local(2026, 3, 16, 10)
    assert not hours.is_open("technical", local(2026, 3, 16, 10, 30))
    assert hours.next_opening("technical", local(2026, 3, 16, 10, 30)) == local(2026, 3, 16, 11)
    assert hours.is_open("technical", local(2026, 3, 17, 10, 30))  # only that day


def test_a_queue_only_closure_leaves_the_other_queues_open() -> None:
    hours = calendar(closures="billing:2026-12-24")
    christmas_eve = local(2026, 12, 24, 10)  # Thursday

    assert not hours.is_open("billing", christmas_eve)
    assert hours.is_open("technical", christmas_eve)
    assert hours.is_open("general", christmas_eve)
    assert hours.next_opening("billing", christmas_eve) == local(2026, 12, 28, 8)


def test_a_closure_applies_to_every_queue_by_default() -> None:
    hours = calendar(closures="2026-12-24")

    assert not any(hours.is_open(queue, local(2026, 12, 24, 10)) for queue in QUEUES)


# --- night shifts and periods across midnight --------------------------------------------------


def test_a_night_shift_ends_the_next_morning() -> None:
    hours = calendar("general=fri 22:00-06:00")

    assert hours.is_open("general", local(2026, 3, 20, 23))
    assert hours.is_open("general", local(2026, 3, 21, 3))
    assert not hours.is_open("general", local(2026, 3, 21, 7))
    assert hours.closes_at("general", local(2026, 3, 20, 23)) == local(2026, 3, 21, 6)
    assert hours.next_opening("general", local(2026, 3, 21, 7)) == local(2026, 3, 27, 22)


def test_a_holiday_closes_its_own_day_of_a_night_shift() -> None:
    hours = calendar("general=mon-sun 22:00-06:00")

    # Monday 7 December's night shift stops at the holiday's midnight...
    assert hours.closes_at("general", local(2026, 12, 7, 23)) == local(2026, 12, 8)
    # ...the holiday's own night shift does not start, but its after-midnight part
    # lies on the 9th, which is not a holiday.
    assert hours.next_opening("general", local(2026, 12, 8, 12)) == local(2026, 12, 9)
    assert hours.closes_at("general", local(2026, 12, 9, 1)) == local(2026, 12, 9, 6)


def test_shifts_that_touch_across_midnight_make_one_open_period() -> None:
    hours = calendar("general=mon 18:00-24:00, tue 00:00-02:00")

    assert hours.closes_at("general", local(2026, 3, 16, 20)) == local(2026, 3, 17, 2)


def test_overlapping_shifts_add_up() -> None:
    hours = calendar("general=mon 08:00-12:00 10:00-14:00")

    assert hours.closes_at("general", local(2026, 3, 16, 9)) == local(2026, 3, 16, 14)


# --- time zones --------------------------------------------------------------------------------


def test_shifts_are_local_time_and_answers_are_utc() -> None:
    hours = calendar()  # technical opens Monday 08:00 in Asunción, 11:00 UTC
    before = datetime(2026, 3, 16, 10, 59, tzinfo=timezone.utc)
    opening = datetime(2026, 3, 16, 11, tzinfo=timezone.utc)

    assert not hours.is_open("technical", before)
    assert hours.is_open("technical", opening)
    found = hours.next_opening("technical", before)
    assert found == opening
    assert found is not None and found.utcoffset() == timedelta(0)
    closing = hours.closes_at("technical", opening)
    assert closing == datetime(2026, 3, 16, 15, tzinfo=timezone.utc)
    assert closing is not None and closing.utcoffset() == timedelta(0)


def test_a_moment_in_another_zone_is_the_same_instant() -> None:
    madrid = datetime(2026, 3, 16, 12, 30, tzinfo=ZoneInfo("Europe/Madrid"))  # 08:30 in Asunción

    assert calendar().is_open("technical", madrid)
    assert calendar().next_opening("technical", madrid) == madrid


def test_the_local_day_decides_a_holiday_not_the_utc_day() -> None:
    # 9 December 01:00 UTC is still 8 December (a holiday) 22:00 in Asunción.
    late_holiday = datetime(2026, 12, 9, 1, tzinfo=timezone.utc)
    hours = calendar()

    assert not hours.is_open("general", late_holiday)
    assert hours.next_opening("general", late_holiday) == datetime(2026, 12, 9, 3, tzinfo=timezone.utc)


def test_shifts_keep_wall_clock_times_across_a_clock_change() -> None:
    hours = BusinessHours(parse_agent_hours("general=sun 01:00-04:00; sales=sun 00:00-24:00"), "US", NEW_YORK)
    # Sunday 8 March 2026: 02:00 EST jumps to 03:00 EDT, so 01:00-04:00 lasts two hours.
    start = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)

    assert hours.closes_at("general", start) == datetime(2026, 3, 8, 8, tzinfo=timezone.utc)
    assert hours.next_opening("general", datetime(2026, 3, 8, 5, tzinfo=timezone.utc)) == datetime(
        2026, 3, 8, 6, tzinfo=timezone.utc
    )
    # Sunday 1 November 2026: 02:00 EDT falls back to 01:00 EST, a day of 25 hours.
    sunday = datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK)
    opening = hours.next_opening("sales", sunday)
    closing = hours.closes_at("sales", sunday)
    assert opening is not None and closing is not None
    assert closing == datetime(2026, 11, 2, 5, tzinfo=timezone.utc)  # Monday 00:00 EST
    assert closing - datetime(2026, 11, 1, 4, tzinfo=timezone.utc) == timedelta(hours=25)


# --- the calendar as a value -------------------------------------------------------------------


def test_the_calendar_keeps_its_own_copy_of_the_hours() -> None:
    config = parse_agent_hours("technical=mon 08:00-12:00")
    hours = BusinessHours(config, "PY", ASUNCION)
    config["technical"] = NEVER_OPEN

    assert hours.is_open("technical", local(2026, 3, 16, 9))
