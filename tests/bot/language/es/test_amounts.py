"""Amounts of money as customers write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.language.es.amounts import amounts_in, largest_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me cobraron 150.000 de más", ["150000"]),
        ("la factura vino de 1.200.000 gs", ["1200000"]),
        ("son 150 mil guaraníes", ["150000"]),
        ("casi 1,5 millones", ["1500000"]),
        ("me sacaron 2 palos", ["2000000"]),
        ("pagué 220000 y me cobraron 440000", ["220000", "440000"]),
        ("$ 49,90", ["49.90"]),
        ("mi celular es 0981234567", []),
        ("no tengo internet", []),
        ("", []),
    ],
)
def test_amounts_are_read_as_written_in_paraguay(text: str, expected: list[str]):
    assert amounts_in(text) == [Decimal(value) for value in expected]


def test_the_largest_amount_is_the_one_disputed():
    assert largest_amount("pagué 220.000 y me cobraron 440.000") == Decimal("440000")
    assert largest_amount("hola") is None
