"""Phone numbers as customers type them become one canonical E.164 form."""
from __future__ import annotations

import pytest

from bot.language.phones import format_national, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "0981 234 567",
        "0981-234-567",
        "0981234567",
        "981234567",
        "+595 981 234567",
        "+595981234567",
        "595981234567",
        "(0981) 234-567",
        "whatsapp:+595981234567",
    ],
)
def test_paraguayan_mobile_formats(raw: str) -> None:
    assert normalize_phone(raw, "PY") == "+595981234567"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("021 345 678", "PY", "+59521345678"),  # Asunción landline
        ("+1 650 253 0000", "PY", "+16502530000"),  # foreign numbers keep their country
        ("011 4321-5678", "AR", "+541143215678"),  # the company's country decides
        ("0981 234 567", "py", "+595981234567"),
    ],
)
def test_other_numbers(raw: str, country: str, expected: str) -> None:
    assert normalize_phone(raw, country) == expected


@pytest.mark.parametrize("raw", ["", "123", "hola", "0981 234 56", "+595 12", "0981 234 567 890 12"])
def test_not_a_phone_number(raw: str) -> None:
    assert normalize_phone(raw, "PY") is None


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+595981234567", "0981 234567"),
        ("+59521345678", "(021) 345 678"),
        ("+16502530000", "+1 650-253-0000"),
    ],
)
def test_format_national(e164: str, expected: str) -> None:
    assert format_national(e164, "PY") == expected
