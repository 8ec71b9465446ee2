"""Technician visits start 24 to 48 business hours after the report, skipping weekends and holidays."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.settings import FieldServiceSettings, load_settings
from bot.support.scheduling import (
    BOOKING_HORIZON_DAYS,
    MAX_BUSINESS_HOURS,
    MIN_BUSINESS_HOURS,
    FieldCalendar,
    VisitWindow,
    business_hours_between,
    next_visit_window,
    visit_windows,
    visit_windows_where,
)

ASUNCION = ZoneInfo("America/Asuncion")
WINDOWS = ((time(8), time(12)), (time(13), time(17)))
WEEKDAYS = frozenset(range(5))
PY = FieldCalendar("PY", ASUNCION, WEEKDAYS, WINDOWS)


def at(
    year: int, month: int, day: int, hour: int, minute: int = 0, tz: ZoneInfo = ASUNCION
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def assert_keeps_the_promise(now: datetime, window: VisitWindow, calendar: FieldCalendar) -> None:
    hours = business_hours_between(now, window.start, calendar)
    assert MIN_BUSINESS_HOURS <= hours <= MAX_BUSINESS_HOURS, (now, window, hours)
    assert calendar.is_business_day(window.start.date())
    assert (window.start.timetz().replace(tzinfo=None), window.end.timetz().replace(tzinfo=None)) in (
        calendar.windows
    )


def test_a_monday_morning_report_is_visited_on_tuesday_afternoon() -> None:
    now = at(2026, 3, 16, 10)  # Monday

    window = next_visit_window(now, PY)

    assert window == VisitWindow(at(2026, 3, 17, 13), at(2026, 3, 17, 17))
    assert business_hours_between(now, window.start, PY) == 27
    assert window.start.tzinfo == ASUNCION


def test_a_report_at_a_window_start_gets_the_same_window_next_business_day() -> None:
    assert next_visit_window(at(2026, 3, 16, 8), PY).start == at(2026, 3, 17, 8)


def test_an_early_report_gets_the_first_window_of_the_next_business_day() -> None:
    assert next_visit_window(at(2026, 3, 16, 6), PY).start == at(2026, 3, 17, 8)


def test_a_late_friday_report_waits_for_monday_to_pass() -> None:
    now = at(2026, 3, 20, 17, 30)  # Friday, after the last window

    window = next_visit_window(now, PY)

    # 6.5 hours of Friday and 24 of Monday reach the minimum on Monday 17:30,
    # after Monday's last window: the first window is Tuesday's first.
    assert business_hours_between(now, at(2026, 3, 23, 17, 30), PY) == MIN_BUSINESS_HOURS
    assert window.start == at(2026, 3, 24, 8)
    assert business_hours_between(now, window.start, PY) == 38.5
    assert_keeps_the_promise(now, window, PY)


@pytest.mark.parametrize("report", [at(2026, 3, 21, 10), at(2026, 3, 22, 23, 59)])
def test_a_weekend_report_counts_from_monday(report: datetime) -> None:
    window = next_visit_window(report, PY)

    assert window.start == at(2026, 3, 24, 8)  # Monday's 24 hours pass first
    assert business_hours_between(report, window.start, PY) == 32
    assert_keeps_the_promise(report, window, PY)


def test_a_public_holiday_is_skipped_like_a_weekend() -> None:
    now = at(2025, 8, 14, 10)  # Thursday; Friday 15 August is Asunción's foundation day

    window = next_visit_window(now, PY)

    assert not PY.is_business_day(date(2025, 8, 15))
    assert window.start == at(2025, 8, 18, 13)  # Thursday 14 h + Monday 10 h
    assert_keeps_the_promise(now, window, PY)


def test_christmas_is_skipped() -> None:
    now = at(2025, 12, 24, 10)  # Wednesday; Thursday 25 December is a holiday

    window = next_visit_window(now, PY)

    assert window.start == at(2025, 12, 26, 13)
    assert_keeps_the_promise(now, window, PY)


def test_a_monday_holiday_stretches_the_weekend() -> None:
    now = at(2025, 6, 13, 9)  # Friday; Monday 16 June 2025 is the Chaco Armistice holiday

    window = next_visit_window(now, PY)

    assert not PY.is_business_day(date(2025, 6, 16))
    assert window.start == at(2025, 6, 17, 13)  # Friday 15 h + Tuesday 9 h
    assert business_hours_between(now, window.start, PY) == 28


def test_a_report_on_a_holiday_counts_from_the_next_business_day() -> None:
    now = at(2025, 6, 16, 10)  # the Monday holiday itself

    assert next_visit_window(now, PY).start == at(2025, 6, 18, 8)


def test_the_promise_holds_for_any_report_time() -> None:
    # Every 47 minutes across five weeks with weekends and three holidays.
    now = at(2025, 8, 1, 0, 3)
    end = at(2025, 9, 5, 0)
    while now < end:
        window = next_visit_window(now, PY)
        assert_keeps_the_promise(now, window, PY)
        # ...and it is the earliest window that does.
        candidates = visit_windows(now - timedelta(days=7), PY, 30)
        earlier = [w for w in candidates if w.start < window.start]
        assert all(business_hours_between(now, w.start, PY) < MIN_BUSINESS_HOURS for w in earlier)
        now += timedelta(minutes=47)


def test_visit_windows_lists_consecutive_windows_from_the_earliest() -> None:
    now = at(2026, 3, 20, 17, 30)

    windows = visit_windows(now, PY, 5)

    assert windows[0] == next_visit_window(now, PY)
    assert [w.start for w in windows] == [
        at(2026, 3, 24, 8),
        at(2026, 3, 24, 13),
        at(2026, 3, 25, 8),
        at(2026, 3, 25, 13),
        at(2026, 3, 26, 8),
    ]
    assert all(w.end - w.start == timedelta(hours=4) for w in windows)


def test_visit_windows_skip_holidays_too() -> None:
    windows = visit_windows(at(2025, 8, 13, 12), PY, 3)  # Wednesday before the 15 August holiday

    assert [w.start for w in windows] == [at(2025, 8, 14, 13), at(2025, 8, 18, 8), at(2025, 8, 18, 13)]


def test_no_windows_asked_for_none_given() -> None:
    assert visit_windows(at(2026, 3, 16, 10), PY, 0) == []


def test_business_hours_between() -> None:
    friday = at(2026, 3, 20, 17, 30)
    tuesday = at(2026, 3, 24, 8)

    assert business_hours_between(friday, tuesday, PY) == 38.5
    assert business_hours_between(tuesday, friday, PY) == -38.5
    assert business_hours_between(at(2026, 3, 21, 1), at(2026, 3, 22, 23), PY) == 0
    assert business_hours_between(friday, friday, PY) == 0


def test_a_report_in_another_zone_is_read_in_the_company_zone() -> None:
    utc_report = datetime(2026, 3, 16, 13, 0, tzinfo=timezone.utc)  # 10:00 in Asunción

    assert next_visit_window(utc_report, PY).start == at(2026, 3, 17, 13)


def test_mexico_city_with_its_monday_holiday() -> None:
    mexico = ZoneInfo("America/Mexico_City")
    calendar = FieldCalendar("MX", mexico, WEEKDAYS, WINDOWS)
    now = at(2026, 3, 13, 12, tz=mexico)  # Friday; Monday 16 March is Benito Juárez's birthday

    window = next_visit_window(now, calendar)

    assert window.start == at(2026, 3, 17, 13, tz=mexico)
    assert_keeps_the_promise(now, window, calendar)


def test_a_daylight_saving_change_counts_the_hours_that_really_pass() -> None:
    # Madrid moves from 02:00 to 03:00 on Sunday 29 March 2026: that day has 23 hours.
    madrid = ZoneInfo("Europe/Madrid")
    windows = ((time(10, 30), time(12)), (time(13), time(17)))
    every_day = FieldCalendar("ES", madrid, frozenset(range(7)), windows)
    saturday = at(2026, 3, 28, 10, tz=madrid)

    window = next_visit_window(saturday, every_day)

    sunday, monday = at(2026, 3, 29, 0, tz=madrid), at(2026, 3, 30, 0, tz=madrid)
    assert business_hours_between(sunday, monday, every_day) == 23
    # 14 hours of Saturday, then 10 elapsed hours of Sunday reach 11:00 local time.
    assert window.start == at(2026, 3, 29, 13, tz=madrid)
    assert_keeps_the_promise(saturday, window, every_day)


def test_a_six_day_week_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUSINESS_DAYS", "mon-sat")
    monkeypatch.setenv("VISIT_WINDOWS", "09:00-13:00")
    calendar = FieldCalendar.from_settings(load_settings())
    now = at(2026, 3, 20, 17, 30)  # Friday

    window = next_visit_window(now, calendar)

    assert calendar.windows == ((time(9), time(13)),)
    assert window == VisitWindow(at(2026, 3, 23, 9), at(2026, 3, 23, 13))  # Saturday counts
    assert_keeps_the_promise(now, window, calendar)


def test_the_default_calendar_comes_from_the_settings() -> None:
    settings = load_settings()
    calendar = FieldCalendar.from_settings(settings)

    assert calendar.country == settings.company.country
    assert calendar.tz == settings.company.tzinfo
    assert calendar.business_days == FieldServiceSettings().business_days
    assert calendar.windows == FieldServiceSettings().visit_windows


def test_a_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        next_visit_window(datetime(2026, 3, 16, 10), PY)


@pytest.mark.parametrize(
    ("country", "days", "windows"),
    [
        ("XX", WEEKDAYS, WINDOWS),
        ("PY", frozenset(), WINDOWS),
        ("PY", frozenset({7}), WINDOWS),
        ("PY", WEEKDAYS, ()),
        ("PY", WEEKDAYS, ((time(12), time(8)),)),
    ],
)
def test_an_impossible_calendar_is_rejected(
    country: str, days: frozenset[int], windows: tuple[tuple[time, time], ...]
) -> None:
    with pytest.raises(ValueError):
        FieldCalendar(country, ASUNCION, days, windows)


def test_windows_where_finds_the_windows_asked_for() -> None:
    # Monday 16 March 2026, 10:00: the earliest visit is Tuesday 13:00.
    thursdays = visit_windows_where(at(2026, 3, 16, 10), PY, 3, lambda w: w.start.weekday() == 3)
    assert [w.start for w in thursdays] == [at(2026, 3, 19, 8), at(2026, 3, 19, 13), at(2026, 3, 26, 8)]


def test_windows_where_stops_at_the_horizon() -> None:
    now = at(2026, 3, 16, 10)
    assert visit_windows_where(now, PY, 4, lambda w: w.start.hour >= 18) == []  # no evening windows
    far = now + timedelta(days=BOOKING_HORIZON_DAYS + 1)
    assert visit_windows_where(now, PY, 4, lambda w: w.start >= far) == []
    assert len(visit_windows_where(now, PY, 4, lambda w: True)) == 4
