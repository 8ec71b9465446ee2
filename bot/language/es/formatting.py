"""Dates and times as a Spanish-speaking customer or agent reads them.

Babel (already in Rasa's dependency tree) gives the Spanish weekday and month
names, so no Spanish words live in the code.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from bot.billing.money import minor_unit, round_money

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


def day_and_month(day: date) -> str:
    """"13 de diciembre"."""
    return format_date(day, "d 'de' MMMM", locale=LOCALE)


def money(amount: Decimal, currency: str) -> str:
    """"220.000 PYG", "-55.000 PYG", "1.234,50 USD": Spanish grouping, the currency's minor unit."""
    digits = -minor_unit(currency).as_tuple().exponent  # type: ignore[operator]
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    number = format_decimal(round_money(amount, currency), format=pattern, locale=LOCALE)
    return f"{number} {currency.upper()}"
