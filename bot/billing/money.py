"""Money for billing: Decimal only, rounded once, half up, to the currency's minor unit.

Paraguay's guaraní (PYG) has no minor unit, so an amount in PYG rounds to
whole guaraníes; most currencies round to cents. Rounding happens once, on the
exact result, never on the way there.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 currencies whose minor unit is not the cent; every other one has two decimals.
_MINOR_UNIT_DIGITS = {
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
            "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
ZERO = Decimal(0)


def minor_unit(currency: str) -> Decimal:
    """The smallest amount `currency` can bill: 1 for PYG, 0.01 for USD or EUR."""
    return Decimal(1).scaleb(-_MINOR_UNIT_DIGITS.get(currency.upper(), 2))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to `currency`'s minor unit (PYG 15583.5 -> 15584)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
