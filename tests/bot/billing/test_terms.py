"""The billing terms load from the shipped file or the operator's, and count business days right."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.billing.terms import DEFAULT_TERMS_FILE, BillingTerms, PaymentMethod, load_terms
from bot.support.scheduling import FieldCalendar

PY = FieldCalendar(
    "PY",
    ZoneInfo("America/Asuncion"),
    frozenset(range(5)),  # Monday to Friday
    ((time(8), time(12)), (time(13), time(17))),
)

OPERATOR_TERMS = """
resolution_business_days: 3
reconnection_hours: 12
payment_methods:
  - name: Giro
    details: "  Por Tigo Money al 0981 000 000.  "
retention_options:
  - "Un mes gratis."
"""


@pytest.fixture(autouse=True)
def no_operator_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test decides whether BILLING_TERMS_FILE is set; the developer's shell does not."""
    monkeypatch.delenv("BILLING_TERMS_FILE", raising=False)


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "terms.yml"
    file.write_text(text, encoding="utf-8")
    return file


def test_the_shipped_terms_load() -> None:
    terms = load_terms()

    assert terms == load_terms(DEFAULT_TERMS_FILE)
    assert terms.resolution_business_days == 5
    assert terms.reconnection_hours == 24
    assert terms.payment_methods
    assert all(method.name and method.details for method in terms.payment_methods)
    assert terms.payment_methods[0].name == "Transferencia bancaria"
    assert len(terms.retention_options) == 3


def test_an_operator_file_named_by_the_environment_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILLING_TERMS_FILE", str(write(tmp_path, OPERATOR_TERMS)))

    assert load_terms() == BillingTerms(
        resolution_business_days=3,
        reconnection_hours=12,
        payment_methods=(PaymentMethod("Giro", "Por Tigo Money al 0981 000 000."),),
        retention_options=("Un mes gratis.",),
    )


def test_a_path_given_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILLING_TERMS_FILE", str(write(tmp_path, OPERATOR_TERMS)))

    assert load_terms(DEFAULT_TERMS_FILE).resolution_business_days == 5


def test_omitted_times_take_the_defaults(tmp_path: Path) -> None:
    terms = load_terms(write(tmp_path, "payment_methods:\n  - {name: Efectivo, details: En la oficina.}\n"))

    assert (terms.resolution_business_days, terms.reconnection_hours, terms.retention_options) == (5, 24, ())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("resolution_business_days: 5\n", "payment_methods must list at least one way to pay"),
        ("payment_methods: []\n", "payment_methods must list at least one way to pay"),
        (
            "resolution_business_days: 0\npayment_methods:\n  - {name: Efectivo, details: En la oficina.}\n",
            "resolution_business_days must be 1 to 60, got 0",
        ),
        (
            "reconnection_hours: 200\npayment_methods:\n  - {name: Efectivo, details: En la oficina.}\n",
            "reconnection_hours must be 1 to 168, got 200",
        ),
        ("payment_methods:\n  - name: Efectivo\n", "details must be non-empty text, got None"),
        ("payment_methods:\n  - {name: Efectivo, details: '  '}\n", "details must be non-empty text"),
        ("payment_methods:\n  - {details: En la oficina.}\n", "name must be non-empty text, got None"),
        ("payment_methods:\n  - Efectivo\n", "a payment method needs a name and details, got 'Efectivo'"),
        (
            "payment_methods:\n  - {name: Efectivo, details: En la oficina.}\nretention_options: ['']\n",
            "retention_options must be non-empty text",
        ),
        ("- just a list\n", "expected a mapping of billing terms"),
    ],
)
def test_a_bad_file_fails_with_a_useful_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_terms(write(tmp_path, text))


def test_an_empty_file_has_no_way_to_pay(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="payment_methods"):
        load_terms(write(tmp_path, ""))


def test_the_error_names_the_file_when_it_is_not_a_mapping(tmp_path: Path) -> None:
    file = write(tmp_path, "42\n")
    with pytest.raises(ValueError, match=re.escape(str(file))):
        load_terms(file)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 11, 2), 1, date(2026, 11, 3)),  # Monday -> Tuesday: the day itself never counts
        (date(2026, 11, 2), 5, date(2026, 11, 9)),  # Monday + 5 -> next Monday, over the weekend
        (date(2026, 11, 6), 1, date(2026, 11, 9)),  # Friday -> Monday
        (date(2026, 11, 7), 1, date(2026, 11, 9)),  # Saturday -> Monday
        (date(2026, 11, 8), 5, date(2026, 11, 13)),  # Sunday -> Friday
        # Christmas (Friday 25 December 2026) is a public holiday in Paraguay: Thursday + 1 -> Monday 28.
        (date(2026, 12, 24), 1, date(2026, 12, 28)),
        # Caacupé (Tuesday 8 December 2026) too: Monday 7 + 5 -> Tuesday 15, not Monday 14.
        (date(2026, 12, 7), 5, date(2026, 12, 15)),
        # Into the new year: 29, 30, 31, (1 January 2027 holiday, weekend) 4, 5.
        (date(2026, 12, 28), 5, date(2027, 1, 5)),
    ],
)
def test_business_days_skip_weekends_and_paraguayan_holidays(day: date, count: int, expected: date) -> None:
    assert PY.is_business_day(date(2026, 12, 25)) is False
    assert PY.business_days_after(day, count) == expected


def test_the_resolution_date_is_that_many_business_days_later() -> None:
    terms = load_terms()

    # Claim on Monday 21 December 2026: 22, 23, 24, (25 Christmas, weekend) 28, 29.
    assert terms.resolution_date(date(2026, 12, 21), PY) == date(2026, 12, 29)
