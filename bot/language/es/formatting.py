"""Dates and times as a Spanish-speaking customer or agent reads them.

Babel (already in Rasa's dependency tree) gives the Spanish weekday and month
names, so no Spanish words live in the code.
"""
from __future__ import annotations

from datetime import datetime, tzinfo

from babel.dates import format_date, format_time

LOCALE = "es"


def long_date(moment: datetime, tz: tzinfo) -> str:
    """"martes 24 de noviembre", in `tz`."""
    return format_date(moment.astimezone(tz), "EEEE d 'de' MMMM", locale=LOCALE)


def short_time(moment: datetime, tz: tzinfo) -> str:
    """"08:00", in `tz`."""
    return format_time(moment.astimezone(tz), "HH:mm", locale=LOCALE)


def window_variables(start: datetime, end: datetime, tz: tzinfo) -> dict[str, str]:
    """The variables of the visit responses: visit_date, visit_from, visit_to."""
    return {
        "visit_date": long_date(start, tz),
        "visit_from": short_time(start, tz),
        "visit_to": short_time(end, tz),
    }


def window_text(start: datetime, end: datetime, tz: tzinfo) -> str:
    """"martes 24 de noviembre, 08:00-12:00", for option lists and ticket notes."""
    variables = window_variables(start, end, tz)
    return f"{variables['visit_date']}, {variables['visit_from']}-{variables['visit_to']}"
