"""Dates and times as the customer reads them, in the company's time zone.

Babel (already in Rasa's dependency tree) gives the Spanish weekday and month
names, so no Spanish words live in the code.
"""
from __future__ import annotations

from datetime import datetime
from typing import Dict

from babel.dates import format_date, format_time

from actions.services import company
from bot.scheduling import VisitWindow

LOCALE = "es"


def local(moment: datetime) -> datetime:
    return moment.astimezone(company().tzinfo)


def long_date(moment: datetime) -> str:
    """"martes 24 de noviembre"."""
    return format_date(local(moment), "EEEE d 'de' MMMM", locale=LOCALE)


def short_time(moment: datetime) -> str:
    return format_time(local(moment), "HH:mm", locale=LOCALE)


def window_variables(window: VisitWindow) -> Dict[str, str]:
    """The variables of the visit responses: visit_date, visit_from, visit_to."""
    return {
        "visit_date": long_date(window.start),
        "visit_from": short_time(window.start),
        "visit_to": short_time(window.end),
    }


def window_text(window: VisitWindow) -> str:
    """"martes 24 de noviembre, 08:00-12:00", for option lists and ticket notes."""
    variables = window_variables(window)
    return f"{variables['visit_date']}, {variables['visit_from']}-{variables['visit_to']}"
