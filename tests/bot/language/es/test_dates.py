"""When a problem started, in customers' own words (Paraguay, Argentina, Mexico, Spain)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.language.es.dates import parse_since

ASUNCION = ZoneInfo("America/Asuncion")
NOW = datetime(2026, 3, 18, 15, 0, tzinfo=ASUNCION)  # a Wednesday afternoon
TODAY = NOW.date()


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("text", "started_on"),
    [
        ("hoy", TODAY),
        ("desde hoy", TODAY),
        ("Hoy a la mañana", TODAY),
        ("desde esta mañana", TODAY),
        ("desde esta manana", TODAY),
        ("esta tarde se cortó", TODAY),
        ("hace un rato", TODAY),
        ("recién nomás", TODAY),
        ("desde temprano", TODAY),
        ("hace media hora", TODAY),
        ("hace 5 horas", TODAY),
        ("hace 20 minutos", TODAY),
        ("desde anoche", days_ago(1)),
        ("desde ayer", days_ago(1)),
        ("Desde ayer!!", days_ago(1)),
        ("desde ayerrr", days_ago(1)),
        ("dsd ayer", days_ago(1)),
        ("ayer a la tarde", days_ago(1)),
        ("desde ayer en la noche", days_ago(1)),  # Mexico
        ("desde ayer de noche", days_ago(1)),  # Paraguay
        ("anteayer", days_ago(2)),
        ("antier", days_ago(2)),  # Mexico
        ("desde antes de ayer", days_ago(2)),
        ("desde anteanoche", days_ago(2)),
        ("hace 3 días", days_ago(3)),
        ("hace tres días", days_ago(3)),
        ("hace 3 dias", days_ago(3)),
        ("ya van 3 días sin internet", days_ago(3)),
        ("llevo dos días así", days_ago(2)),
        ("desde hace un par de días", days_ago(2)),
        ("hace 3 o 4 días", days_ago(4)),
        ("hace como diez días", days_ago(10)),
        ("hace una semana", days_ago(7)),
        ("hace 2 semanas", days_ago(14)),
        ("hace dos semanas más o menos", days_ago(14)),
        ("desde la semana pasada", days_ago(7)),
        ("hace un mes", date(2026, 2, 18)),
        ("hace 2 meses", date(2026, 1, 18)),
        ("desde el mes pasado", date(2026, 2, 18)),
        ("desde el lunes", date(2026, 3, 16)),
        ("el lunes empezó", date(2026, 3, 16)),
        ("desde el martes", date(2026, 3, 17)),
        ("desde el miércoles", date(2026, 3, 11)),  # said on a Wednesday: last week's
        ("desde el miercoles", date(2026, 3, 11)),
        ("desde el viernes pasado", date(2026, 3, 13)),
        ("desde el sábado", date(2026, 3, 14)),
        ("desde el sabado", date(2026, 3, 14)),
        ("desde el domingo a la noche", date(2026, 3, 15)),
        ("desde el finde", date(2026, 3, 14)),  # Spain, Argentina
        ("desde el fin de semana", date(2026, 3, 14)),
        ("desde el 15", date(2026, 3, 15)),
        ("desde el día 2", date(2026, 3, 2)),
        ("desde el 20", date(2026, 2, 20)),  # not yet this month: last month's
        ("desde el 31", date(2026, 1, 31)),  # February has none
        ("desde el 15 de marzo", date(2026, 3, 15)),
        ("desde el 20 de marzo", date(2025, 3, 20)),
        ("desde el 3 de setiembre", date(2025, 9, 3)),  # Paraguayan spelling
        ("desde el 3/2", date(2026, 2, 3)),  # day/month
        ("desde el 10/03/2026", date(2026, 3, 10)),
        ("DESDE AYER NO ME ANDA NADA", days_ago(1)),
        ("desde ayer, hoy sigue igual", days_ago(1)),
        ("hoy tampoco anda, ya desde el lunes", date(2026, 3, 16)),
        ("ayer y hoy", days_ago(1)),  # no "desde": the earliest
    ],
)
def test_parse_since(text: str, started_on: date) -> None:
    answer = parse_since(text, NOW, ASUNCION)

    assert answer is not None, text
    assert answer.started_on == started_on, text
    assert answer.text == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "no sé",
        "hace unos días",
        "hace tiempo",
        "desde siempre",
        "desde que lo instalaron",
        "sí",
        "🙁",
    ],
)
def test_parse_since_cannot_tell(text: str) -> None:
    assert parse_since(text, NOW, ASUNCION) is None


def test_since_is_read_in_the_company_zone() -> None:
    just_after_midnight = datetime(2026, 3, 19, 3, 30, tzinfo=timezone.utc)  # 00:30 in Asunción

    assert parse_since("desde ayer", just_after_midnight, ASUNCION).started_on == date(2026, 3, 18)
    assert parse_since("hace 2 horas", just_after_midnight, ASUNCION).started_on == date(2026, 3, 18)


def test_desde_el_lunes_on_a_monday_is_a_week_ago() -> None:
    monday = datetime(2026, 3, 16, 10, tzinfo=ASUNCION)

    assert parse_since("desde el lunes", monday, ASUNCION).started_on == date(2026, 3, 9)
    assert parse_since("desde el domingo", monday, ASUNCION).started_on == date(2026, 3, 15)


def test_an_impossible_day_of_month_is_not_a_date() -> None:
    assert parse_since("desde el 45", NOW, ASUNCION) is None
    assert parse_since("desde el 30/2", NOW, ASUNCION) is None
